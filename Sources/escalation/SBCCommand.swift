import ArgumentParser
import Calibration
import Foundation
import ScenarioIO

struct SBCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbc",
        abstract: "Check that calibration is right: simulation-based calibration on a scenario.",
        discussion: """
            Draws parameter sets from the scenario's priors, simulates each into a synthetic record, \
            calibrates on it, and tests that the truth's posterior ranks are uniform (Pearson's \
            chi-square) and that the 90% intervals cover it 90% of the time (the binomial range). \
            Exits 1 if a test fails.
            """
    )

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(parsing: .unconditional, help: "Parameter sets drawn from the prior.") var sets = 100
    @Option(parsing: .unconditional, help: "Particles for each calibration.") var particles = 500
    @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Simulation budget of each calibration.") var simulations = 5_000_000
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "No progress lines (they go to standard error when it is a terminal).") var quiet = false

    func validate() throws {
        if sets < 10 { throw ValidationError("--sets: expected 10 or more, found \(sets)") }
        try CountLimits.check("sets", sets, atMost: CountLimits.sets, "each is a whole calibration, and its ranks are kept")
        if particles < 50 { throw ValidationError("--particles: expected 50 or more, found \(particles)") }
        try CountLimits.check("particles", particles, atMost: CountLimits.particles, "as calibration: particles: allows")
        if simulations < 1000 { throw ValidationError("--simulations: expected 1000 or more, found \(simulations)") }
        if threads < 1 { throw ValidationError("--threads: expected 1 or more, found \(threads)") }
    }

    func run() throws {
        let passed = try reportingFailures { try check() }
        if !passed { throw ExitCode(1) }
    }

    func check() throws -> Bool {
        let loaded = try ScenarioLoader.load(path: scenario, posterior: .none)
        let others = try (loaded.calibration?.with ?? []).map { try ScenarioLoader.load(path: $0, posterior: .none) }
        let problem = try CalibrationProblem(loaded, with: others)
        let clock = Date()
        let progress = progressLines(quiet: quiet)
        let settings = SimulationBasedCalibration.Settings(sets: sets, particles: particles, seed: seed, simulations: simulations,
                                                           threads: threads)
        let result = try SimulationBasedCalibration.run(problem, settings: settings, progress: progress)
        try say(result.report(title: loaded.scenario.title, seconds: Date().timeIntervalSince(clock)), terminator: "")
        warnIfRateExceeded(result.rateExceededRuns > 0, where: "in \(result.rateExceededRuns) runs, in \(result.setsRateExceeded) "
                           + "of the \(result.settings.sets) synthetic records and their fits", reached: result.rateExcess)
        return result.passed
    }
}
