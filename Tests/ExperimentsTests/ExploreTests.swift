import EscalationModel
@testable import Experiments
import Foundation
import ScenarioIO
import Testing
import TestSupport

/// What-ifs on a scenario's knobs: the same numbers as `compare`, and curves that count every run.
@Suite struct ExploreTests {
    static let flagship = try! ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml"))

    @Test func aWhatIfIsTheComparisonAndItsRungCurvesAreTheTracesOwn() throws {
        let settings = try Explore.overrides([(id: "air_defence_day", value: 23), (id: "kh_control", value: 0.9)],
                                             knobs: Explore.knobs(Self.flagship))
        let changed = try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml"), overrides: settings)
        let runs = 600
        let result = try Explore.run(base: Self.flagship, changed: changed, runs: runs, seed: 9, threads: 2)
        var request = Compare.Request(a: Self.flagship, b: changed, runs: runs, masterSeed: 9, threads: 1)
        request.quiet = true
        #expect(result.compareCSV == Compare.csv(try Compare.run(request)))
        // The rung curves, read from each run's first times, are what tracing every run finds.
        let days = result.ladder[0].count
        let traces = ReportTraces(scenario: changed.scenario, masterSeed: 9, runs: Array(0..<runs), days: days, threads: 2)
        #expect(result.ladder == traces.ladder.map { $0.map { Double($0) / Double(runs) } })
        #expect(result.ladder[4][0] == 1, "Taji is a lethal attack on day 0 in every run")
        // The outcome curves end at each outcome's share.
        for (k, o) in result.comparison.outcomes.enumerated() where o.name == changed.scenario.outcomeNames[k] {
            #expect(result.incidence[1][k].last! == o.pairs.probabilityB)
        }
        // A baseline kept from before gives the same bytes.
        let baseline = try Explore.Baseline(Self.flagship, runs: runs, seed: 9, threads: 1)
        let again = try Explore.run(base: Self.flagship, changed: changed, runs: runs, seed: 9, threads: 1, baseline: baseline)
        #expect(again.summaryCSV == result.summaryCSV && again.compareCSV == result.compareCSV && again.ladder == result.ladder)
    }

    @Test func knobsAreTheAssumptionsAndTheCalibratedProbabilities() throws {
        let knobs = Explore.knobs(Self.flagship)
        let ids = Set(knobs.map(\.id))
        #expect(ids.isSuperset(of: ["air_defence_day", "kh_control", "us_strike_p", "iraq_vote_p"]))
        #expect(!ids.contains("kh_attack_rate"), "a calibrated rate has no natural range")
        #expect(!ids.contains("us_answer_delay"), "a number derived from the record is not a knob")
        #expect(throws: ExploreError.self) { try Explore.overrides([(id: "kh_control", value: 2)], knobs: knobs) }
        #expect(throws: ExploreError.self) { try Explore.overrides([(id: "kh_control", value: .nan)], knobs: knobs) }
        #expect(throws: ExploreError.self) {
            try Explore.overrides([(id: "kh_control", value: 0.5), (id: "kh_control", value: 0.6)], knobs: knobs)
        }
    }
}
