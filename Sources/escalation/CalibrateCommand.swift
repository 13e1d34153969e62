import ArgumentParser
import Calibration
import EscalationModel
import Experiments
import Foundation
import Record
import ScenarioIO

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a scenario's calibrated parameters to its documented observations by simulation.",
        discussion: """
            Approximate Bayesian computation by sequential Monte Carlo on the scenario's own engine: \
            parameters declared with a prior: under parameters: are proposed, the scenario (and any \
            scenario it is calibrated with:) is simulated, and proposals whose observations fall inside \
            every documented range are kept, the tolerance falling generation by generation to 0. \
            Prints the targets, the generations and each parameter's posterior (mean, median, 90% \
            interval, contraction); with --out writes the weighted posterior sample (CSV) and the \
            summary beside it (.summary.txt). The same seed gives the same bytes on any number of \
            threads. Exits 65 if it did not converge or a parameter is not identified by the data.
            """
    )

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(help: "Write the posterior sample here (CSV); the summary goes beside it.") var out: String?
    @Option(parsing: .unconditional, help: "Particles a generation (default: the scenario's calibration: particles, else 1000).") var particles: Int?
    @Option(parsing: .unconditional, help: "Seed (default: the scenario's calibration: seed, else 1).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Simulation budget (default: the scenario's calibration: simulations).") var simulations: Int?
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("kernel-scale"), parsing: .unconditional, help: "Proposal steps use this multiple of the last population's covariance.")
    var kernelScale = 1.0
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).", valueName: "PATH=VALUE"),
            transform: Override.init(parsing:))
    var overrides: [Override] = []
    @Flag(help: "No progress lines (they go to standard error when it is a terminal).") var quiet = false

    func validate() throws {
        if let particles, particles < 50 { throw ValidationError("--particles: expected 50 or more, found \(particles)") }
        if let particles { try CountLimits.check("particles", particles, atMost: CountLimits.particles, "as calibration: particles: allows") }
        if let simulations, simulations < 1000 { throw ValidationError("--simulations: expected 1000 or more, found \(simulations)") }
        if threads < 1 { throw ValidationError("--threads: expected 1 or more, found \(threads)") }
        if !(kernelScale > 0 && kernelScale <= 10) { throw ValidationError("--kernel-scale: expected a number above 0 and at most 10, found \(kernelScale)") }
        if let out, !out.hasSuffix(".csv") { throw ValidationError("--out: expected a file name ending in .csv, found '\(out)'") }
    }

    func run() throws {
        let result = try reportingFailures { () -> SequentialABC.Result in
            let summaryPath = out.map { String($0.dropLast(4)) + ".summary.txt" }
            let outputs = try claim(out, summaryPath, reading: [scenario])
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides, posterior: .none)
            let others = try (loaded.calibration?.with ?? []).map { try ScenarioLoader.load(path: $0, posterior: .none) }
            // The posterior is what a calibration writes, not what it reads.
            try outputs.protect(([loaded] + others).flatMap { inputFiles(of: $0, posterior: false) })
            let problem = try CalibrationProblem(loaded, with: others)
            let declared = loaded.calibration ?? CalibrationSettings()
            var settings = SequentialABC.Settings(particles: particles ?? declared.particles, seed: seed ?? declared.seed,
                                                  simulations: simulations ?? declared.simulations, threads: threads)
            settings.kernelScale = kernelScale
            // The posterior is read back whole, at most CSVTable.maximumBytes: a row is a draw
            // number (7 digits), a weight and each parameter (shortest round-trip doubles, at most
            // 24 characters), with their commas and newline.
            let rowBytes = 9 + 25 * (problem.names.count + 1)
            if out != nil && settings.particles > CSVTable.maximumBytes / rowBytes {
                throw OptionValueError(option: "particles", value: String(settings.particles),
                                       reason: "with \(problem.names.count) parameters the posterior could be larger than the "
                                       + "\(CSVTable.maximumBytes >> 20) MiB any command reads back; expected at most "
                                       + "\(CSVTable.maximumBytes / rowBytes)")
            }
            let clock = Date()
            let result = try SequentialABC.run(problem, settings: settings, progress: progressLines(quiet: quiet))
            let seconds = Date().timeIntervalSince(clock)
            let text = result.report(problem: problem, title: loaded.scenario.title, seconds: seconds, threads: threads)
            try say(text, terminator: "")
            warnIfRateExceeded(result.rateExceededRuns > 0, where: "in \(result.rateExceededRuns) of \(result.simulations) "
                               + "simulations; \(result.rateExceededDraws.count) of the posterior's \(result.posterior.count) draws",
                               reached: result.rateExcess)
            if let out, let summaryPath {
                try outputs.stage(PosteriorFile.text(result.posterior), for: out)
                // The summary without the timing line, so the same calibration writes the same bytes.
                try outputs.stage(text.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("Effective sample size") }.joined(separator: "\n"), for: summaryPath)
                try outputs.commit()
                try say("\nwrote \(out) and \(summaryPath)")
            }
            return result
        }
        if !(result.converged && result.identified) {
            complain("error: calibration did not give a usable posterior (see the lines marked above)")
            throw ExitCode(Exit.data)
        }
    }
}
