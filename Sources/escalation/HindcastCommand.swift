import ArgumentParser
import Calibration
import Foundation
import Record
import ScenarioIO

struct HindcastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hindcast",
        abstract: "Score a documented episode out of sample against a baseline with no reciprocity.",
        discussion: """
            Starts each scenario on its start day and injects nothing after it; takes its parameters \
            from a calibration on the scenarios its hindcast: calibrate_on: names (whose records all \
            end before the start), or from the priors when there are none; then scores each \
            documented outcome after the start by the probability the model gives it (a log score), \
            its percentile, and for exact values the CRPS, beside a baseline in which every action \
            happens as a Poisson process at the model's own mean rate and nobody answers anybody.
            """
    )

    @Argument(help: "Scenario files (YAML).") var scenarios: [String]
    @Option(parsing: .unconditional, help: "Runs of the model and of the baseline.") var runs = 10_000
    @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Particles for the calibration (default: the calibrated scenario's own).") var particles: Int?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "No progress lines (they go to standard error when it is a terminal).") var quiet = false

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("name at least one scenario file") }
        if runs < 100 { throw ValidationError("--runs: expected 100 or more, found \(runs)") }
        try CountLimits.check("runs", runs, atMost: CountLimits.heldRuns, "a hindcast keeps every run's record")
        if let particles, particles < 50 { throw ValidationError("--particles: expected 50 or more, found \(particles)") }
        if let particles { try CountLimits.check("particles", particles, atMost: CountLimits.particles, "as calibration: particles: allows") }
        if threads < 1 { throw ValidationError("--threads: expected 1 or more, found \(threads)") }
    }

    func run() throws {
        let unconverged = try reportingFailures { () -> [String] in
            var totals: [(title: String, model: Int, baseline: Int, neither: Int, rows: Int)] = []
            var unconverged: [String] = []
            for (i, path) in scenarios.enumerated() {
                let loaded = try ScenarioLoader.load(path: path, posterior: .none)
                let earlier = try (loaded.hindcast?.calibrateOn ?? []).map { try ScenarioLoader.load(path: $0, posterior: .none) }
                let settings = Hindcast.Settings(runs: runs, seed: seed, particles: particles ?? 0, simulations: 0, threads: threads)
                let result = try Hindcast.run(loaded, calibrateOn: earlier, settings: settings, progress: progressLines(quiet: quiet))
                if i > 0 { try say("") }
                try say(result.report(), terminator: "")
                if let note = loaded.hindcast?.note { try say(TerminalText.wrap(note, first: "  ", rest: "  ").joined(separator: "\n")) }
                if let fit = result.calibration {
                    if !fit.converged { unconverged.append(path) }
                    warnIfRateExceeded(fit.rateExceededRuns > 0, where: "\(path): in \(fit.rateExceededRuns) of the calibration's "
                                       + "\(fit.simulations) simulations; \(fit.rateExceededDraws.count) of its \(fit.posterior.count) draws",
                                       reached: fit.rateExcess)
                }
                warnIfRateExceeded(result.rateExceededRuns > 0,
                                   where: "\(path): in \(result.rateExceededRuns) of the model's \(result.runs) runs",
                                   reached: result.rateExcess)
                totals.append((loaded.scenario.title, result.modelWins, result.baselineWins, result.bothMiss, result.rows.count))
            }
            if totals.count > 1 {
                try say("\n" + TerminalText.wrap("Summary: " + totals.map {
                    "\($0.title): model \($0.model), baseline \($0.baseline)" + ($0.neither > 0 ? ", neither \($0.neither)" : "") + " of \($0.rows)"
                }.joined(separator: "; "), rest: "  ").joined(separator: "\n"))
            }
            return unconverged
        }
        // As `calibrate`: a fit that did not converge is exit 65, once everything is printed.
        if !unconverged.isEmpty {
            complain("error: the calibration of \(unconverged.joined(separator: ", ")) did not converge (see DID NOT CONVERGE "
                     + "above): its scores rest on a posterior that is not the record's; raise --particles")
            throw ExitCode(Exit.data)
        }
    }
}
