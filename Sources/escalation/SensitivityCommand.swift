import ArgumentParser
import Experiments
import Foundation
import Reports
import ScenarioIO

struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Rank parameters by their effect on an outcome's probability (a tornado chart).",
        discussion: """
            Each numeric parameter of the scenario (or those named with --only) is scaled by \
            1 - change and 1 + change (0.8 and 1.2 by default; probabilities capped at 1), one at a \
            time, and the batch is run again with the same random streams. Numbers inside \
            expressions, rungs, dates, bounds and documented casualties are not varied.
            """
    )

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(help: "The outcome whose probability is ranked (default: the first the scenario declares that happens in the base runs).")
    var outcome: String?
    @Option(parsing: .unconditional, help: "Relative change, up and down.") var change = 0.2
    @Option(parsing: .unconditional, help: "Replications per variant.") var runs = 2000
    @Option(parsing: .unconditional, help: "Master seed (the same streams for every variant).") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("only"), help: ArgumentHelp("Vary only this parameter (repeatable), e.g. actors.kh.control.",
                                                          valueName: "PATH"))
    var only: [String] = []
    @Option(help: "The sensitivity CSV (standard output if omitted; gzip if it ends in .gz).") var out: String?
    @Option(help: "Also write an HTML report with the tornado chart.") var report: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []
    @Flag(help: "No progress and no summary.") var quiet = false

    func validate() throws {
        if !(change > 0 && change < 1) { throw ValidationError("--change: expected a share between 0 and 1, such as 0.2") }
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let outputs = try claim(out, report)
            let base = try ScenarioLoader.load(path: scenario, overrides: overrides)
            let count = only.isEmpty ? Sensitivity.parameters(in: try ScenarioLoader.tree(path: scenario)).count : only.count
            let result = try Sensitivity.run(path: scenario, overrides: overrides, outcome: outcome, change: change,
                                             only: only.isEmpty ? nil : only, runs: runs, masterSeed: seed, threads: threads,
                                             progress: ProgressReporter(total: count, label: "parameters", quiet: quiet))
            try emit(Sensitivity.csv(result), to: out, in: outputs)
            if let report {
                try outputs.stage(AnalysisReport.sensitivity(title: base.scenario.title, result), for: report)
            }
            try outputs.commit()
            if !quiet && out != nil {
                try say("Most influential on P(\(result.outcome)) = " + String(format: "%.1f%%", 100 * result.pBase) + ":")
                for row in result.rows.prefix(5) {
                    try say("  \(row.path): " + String(format: "%.1f%% scaled down, %.1f%% scaled up", 100 * row.pLow, 100 * row.pHigh))
                }
            }
        }
    }
}
