import Foundation
import TestSupport
import Testing

/// What the commands print for a person fits a terminal 100 columns wide: every line of standard
/// output, counted in characters as a terminal shows them (not bytes: "→" is one), for every
/// bundled scenario.
@Suite(.serialized)
struct TerminalWidthTests {
    static let scenarios = try! FileManager.default.contentsOfDirectory(atPath: repositoryPath("Scenarios"))
        .filter { $0.hasSuffix(".yaml") }.sorted().map { "Scenarios/" + $0 }
    static let documented = ["Scenarios/soleimani-2020.yaml", "Scenarios/taji-2020.yaml", "Scenarios/withdrawal-2011.yaml"]

    func expectFits(_ arguments: [String], statuses: Set<Int32> = [0]) throws {
        let result = try runEscalation(arguments)
        #expect(statuses.contains(result.status), "\(arguments.joined(separator: " ")): \(result.stderr)")
        #expect(!result.stdout.isEmpty, "\(arguments.joined(separator: " ")) printed nothing")
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) where line.count > 100 {
            Issue.record("\(arguments.joined(separator: " ")): a line of \(line.count) characters: \(line)")
        }
    }

    @Test func theLadderSourcesBatchAndBacktestTablesFit() throws {
        #expect(Self.scenarios.count >= 10)
        let dir = try temporaryDirectory()
        for scenario in Self.scenarios {
            try expectFits(["ladder", scenario])
            try expectFits(["sources", scenario])
            try expectFits(["batch", scenario, "--runs", "100", "--out", dir.appendingPathComponent("runs.csv").path])
            try expectFits(["backtest", scenario, "--runs", "100"])
        }
    }

    @Test func theIncidentCatalogFits() throws {
        try expectFits(["incidents"])
        try expectFits(["incidents", "--format", "table", "--actor", "kh"])
        try expectFits(["incidents", "--from", "2020-01-01", "--to", "2020-03-31"])
    }

    @Test func hindcastCalibrationHawkesAndSensitivitySummariesFit() throws {
        let dir = try temporaryDirectory()
        // A small calibration may not converge (exit 65, as calibrate) but prints its whole report.
        try expectFits(["hindcast"] + Self.documented + ["--runs", "100", "--particles", "50", "--quiet"], statuses: [0, 65])
        for scenario in ["Scenarios/taji-2020.yaml", "Scenarios/withdrawal-2011.yaml"] {
            // A small calibration does not converge (exit 65) but prints its whole summary.
            try expectFits(["calibrate", scenario, "--particles", "50", "--simulations", "1000", "--quiet"], statuses: [0, 65])
        }
        try expectFits(["fit-hawkes", "--out", dir.appendingPathComponent("fitted.yaml").path])
        // Its summary names the parameters: the longest paths of the flagship.
        try expectFits(["sensitivity", "Scenarios/taji-2020.yaml", "--runs", "20", "--out", dir.appendingPathComponent("s.csv").path,
                        "--only", "parameters.host_tolerance_per_iraqi_killed.value", "--only", "actions.iran_directs_kh.triggers.0.probability",
                        "--only", "parameters.host_tolerance_depot_strike.value"])
    }

    @Test func compareSweepAndPathsFit() throws {
        let dir = try temporaryDirectory()
        for scenario in Self.documented { try expectFits(["paths", scenario]) }
        for (scenario, vary) in [("Scenarios/taji-2020.yaml", "parameters.host_tolerance_per_iraqi_killed.value=0.01:0.03:0.01"),
                                 ("Scenarios/withdrawal-2011.yaml", "parameters.attack_rate.value=0.1:0.3:0.1")] {
            try expectFits(["sweep", scenario, "--vary", vary, "--runs", "50", "--out", dir.appendingPathComponent("sw.csv").path])
        }
        for what in ["strict-us", "red-line-122", "full-withdrawal", "no-decapitation"] {
            try expectFits(["compare", "Scenarios/taji-2020.yaml", "Scenarios/\(what).yaml", "--runs", "100",
                            "--out", dir.appendingPathComponent("c.csv").path])
        }
    }
}
