import ArgumentParser

/// Upper bounds on the counts a command line asks for, checked before anything runs (see
/// docs/limits.md): past them a command would overflow its arithmetic or hold more than memory.
enum CountLimits {
    /// Runs a command streams, holding a summary and not the runs (a batch, a report, a
    /// comparison, each point of a sweep, each variant of a sensitivity analysis): 10^12, years
    /// of one machine, and far below where run counts overflow a product with a sweep's points.
    static let streamedRuns = 1_000_000_000_000
    /// Runs a command holds in memory, values of each run (`backtest` keeps every observation of
    /// every run to rank the documented one among them): about 80 MB for 10 observations.
    static let heldRuns = 1_000_000
    /// Particles of a calibration, as a scenario's `calibration: particles:` allows.
    static let particles = 1_000_000
    /// Synthetic records of `sbc`, each a whole calibration.
    static let sets = 100_000
    /// Base samples of a Sobol design, each (parameters + 2) points of `runs` runs, every point
    /// kept: at most 2.2 million points of 20 parameters, about 350 MB.
    static let samples = 100_000

    /// Refuses `value` of option `name` above `limit`, saying why.
    static func check(_ name: String, _ value: Int, atMost limit: Int, _ why: String) throws {
        if value > limit {
            throw ValidationError("--\(name): expected at most \(limit), found \(value) (\(why))")
        }
    }
}
