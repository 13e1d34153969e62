import ArgumentParser
import Experiments
import Foundation
import Reports
import ScenarioIO

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Set a scenario's documented episode beside its simulated distribution.",
        discussion: """
            For each observation with a documented value (the scenario's observations: section), \
            prints where the documented value falls among the runs, as a percentile, and flags \
            values outside the central 90%: a scenario under which history would be a rare draw.
            """
    )

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(parsing: .unconditional, help: "Replications.") var runs = 10_000
    @Option(parsing: .unconditional, help: "Master seed.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []
    @OptionGroup var posterior: PosteriorOption

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
        try CountLimits.check("runs", runs, atMost: CountLimits.heldRuns, "a backtest keeps every run's observations")
        if threads < 1 { throw ValidationError("--threads must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides, posterior: posterior.choice)
            let result = try Backtest.run(scenario: loaded.scenario, runs: runs, masterSeed: seed, threads: threads)
            warnIfRateExceeded(result.rateExceeded, where: "in \(result.rateExceededRuns) of the \(runs) runs",
                               reached: result.rateExcess)
            try say(BacktestTable.render(result.rows, heading: "Backtest of \(loaded.scenario.title) against the documented record — \(runs) runs, seed \(seed)"),
                  terminator: "")
        }
    }
}
