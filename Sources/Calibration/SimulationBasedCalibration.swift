import CGSL
import EscalationModel
import Foundation
import Stochastics

/// Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018): proof that
/// `escalation calibrate` gives the posterior it claims.
///
/// For each of many parameter sets drawn from the prior, the scenario is run once to make a
/// synthetic record, calibration is run on that record, and the truth's place in the posterior
/// is noted: its posterior rank (the weighted share of draws below it) and whether the 90%
/// interval covers it. If the calibration is right, the ranks are uniform and the intervals
/// cover the truth 90% of the time, whatever the prior and the model.
///
/// A synthetic record reads the simulated values the way the real record is read: a floor ("at
/// least a") becomes the floor when the value reaches it; a range [a, b] is kept when the value
/// falls in it. A whole-number value outside the documented range is read by its distance d from
/// the range: exactly when d ≤ 4, else in the cell d ∈ [2^k + 1, 2^(k+1)] (5–8, 9–16, 17–32, ...)
/// on its side. Without that, a prior draw that makes forty attacks asks the fit to hit forty on
/// the dot in three targets at once, and one set can cost more simulations than all others. Each
/// reading is a partition of the possible values, so the exact posterior of the synthetic record
/// given its cells is what calibration targets, and the ranks stay uniform if calibration is right.
public enum SimulationBasedCalibration {
    public struct Settings: Sendable {
        public var sets: Int
        public var particles: Int
        public var seed: UInt64
        public var simulations: Int
        public var threads: Int
        /// Rank histogram bins.
        public var bins: Int
        /// Significance of each test (rank uniformity by chi-square; coverage by the binomial).
        public var alpha = 0.01

        public init(sets: Int, particles: Int, seed: UInt64, simulations: Int, threads: Int, bins: Int? = nil) {
            self.sets = sets
            self.particles = particles
            self.seed = seed
            self.simulations = simulations
            self.threads = threads
            self.bins = bins ?? max(2, min(10, sets / 10))
        }
    }

    public struct ParameterCheck: Sendable {
        public let name: String
        public let counts: [Int]
        public let chiSquare: Double
        public let degreesOfFreedom: Int
        public let pValue: Double
        public let covered: Int
        /// The central 1 − alpha range of the number of covered truths under Binomial(sets, 0.9).
        public let coverageRange: ClosedRange<Int>
        public let alpha: Double

        public var ranksUniform: Bool { pValue >= alpha }
        public var coverageOK: Bool { coverageRange.contains(covered) }
    }

    public struct Result: Sendable {
        public let settings: Settings
        public let checks: [ParameterCheck]
        /// Fits that did not reach tolerance 0 (their last generation is still used).
        public let unconverged: Int
        public let simulations: Int
        /// Runs (of the synthetic records and of their fits) in which a state-dependent rate went
        /// above its `max_rate`, and the synthetic records they belong to.
        public let rateExceededRuns: Int
        public let setsRateExceeded: Int
        /// By process id, the highest rate ÷ `max_rate` those runs reached above 1.
        public let rateExcess: [String: Double]
        /// Posterior ranks per set and parameter, for anyone who wants to plot them.
        public let ranks: [[Double]]
        public var passed: Bool { checks.allSatisfy { $0.ranksUniform && $0.coverageOK } && unconverged == 0 }
    }

    /// The synthetic reading of a simulated value, for a target read as `documented`.
    public static func synthetic(_ value: Double, readAs documented: ClosedRange<Double>) -> ClosedRange<Double> {
        if value.isNaN { return Double.infinity...Double.infinity }
        if documented.upperBound == .infinity, value >= documented.lowerBound { return documented }
        if documented.lowerBound < documented.upperBound, documented.contains(value) { return documented }
        guard value == value.rounded(), value.magnitude < 1e15,
              documented.lowerBound.isFinite || documented.upperBound.isFinite else { return value...value }
        // Distance from the documented range, and the cell of distances it falls in.
        let above = value > documented.upperBound
        let edge = above ? documented.upperBound : documented.lowerBound
        guard edge.isFinite, edge == edge.rounded() else { return value...value }
        let distance = (value - edge).magnitude
        guard distance > 4 else { return value...value }
        var high = 8.0
        while high < distance { high *= 2 }
        let low = high / 2 + 1
        return above ? (edge + low)...(edge + high) : (edge - high)...(edge - low)
    }

    /// One synthetic record's fit.
    struct SetOutcome {
        var ranks: [Double] = []
        var covered: [Bool] = []
        var converged = false
        var simulations = 0
        /// Of `simulations` and the synthetic record's runs, those in which a state-dependent
        /// rate went above its `max_rate`.
        var rateExceededRuns = 0
        /// By process id, the highest rate ÷ `max_rate` they reached above 1.
        var rateExcess: [String: Double] = [:]
        var error: String?
    }

    public static func run(_ problem: CalibrationProblem, settings: Settings,
                           progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let d = problem.names.count
        var outcomes = [SetOutcome](repeating: SetOutcome(), count: settings.sets)
        let next = SharedCounter(), done = SharedCounter()
        outcomes.withUnsafeMutableBufferPointer { buffer in
            let out = SharedSlots(buffer)
            // Sets run side by side, each fit on one thread: its result does not depend on threads.
            DispatchQueue.concurrentPerform(iterations: max(1, settings.threads)) { _ in
                while let s = next.take(below: settings.sets) {
                    let setSeed = StreamSeed.replication(master: settings.seed, index: UInt64(s))
                    let stream = RandomStream(seed: SplitMix64.mix(setSeed ^ 0x2545_F491_4F6C_DD1D))
                    let truth = problem.priors.map { $0.sample(stream) }
                    var accepted: [[ClosedRange<Double>]] = []
                    var truthExceeded = 0
                    var truthExcess: [String: Double] = [:]
                    for (e, episode) in problem.episodes.enumerated() {
                        let simulator = Simulator(scenario: episode.scenario)
                        simulator.stopDay = episode.stopDay
                        for (slot, k) in episode.slotMap.enumerated() { simulator.parameterValues[slot] = truth[k] }
                        let layout = RecordLayout(episode.scenario)
                        var record = [Double](repeating: 0, count: layout.width)
                        let run = record.withUnsafeMutableBufferPointer {
                            simulator.run(seed: StreamSeed.replication(master: setSeed, index: UInt64(e)), into: $0)
                        }
                        if run.rateExceeded {
                            truthExceeded += 1
                            var ratios: [Double] = []
                            simulator.mergeRateExcess(into: &ratios)
                            truthExcess.merge(episode.scenario.rateExcessByProcess(ratios), uniquingKeysWith: max)
                        }
                        accepted.append(episode.targets.map {
                            synthetic(record[layout.observationsStart + $0.observation], readAs: $0.accepted)
                        })
                    }
                    var fitSettings = SequentialABC.Settings(particles: settings.particles, seed: SplitMix64.mix(setSeed),
                                                             simulations: settings.simulations, threads: 1)
                    fitSettings.maxGenerations = 60
                    do {
                        let fit = try SequentialABC.run(problem.with(accepted: accepted), settings: fitSettings)
                        out[s] = SetOutcome(
                            ranks: (0..<d).map { fit.posterior.share($0, below: truth[$0]) },
                            covered: (0..<d).map { truth[$0] >= fit.posterior.quantile($0, 0.05) && truth[$0] <= fit.posterior.quantile($0, 0.95) },
                            converged: fit.finalTolerance == 0, simulations: fit.simulations,
                            rateExceededRuns: truthExceeded + fit.rateExceededRuns,
                            rateExcess: truthExcess.merging(fit.rateExcess, uniquingKeysWith: max))
                    } catch {
                        out[s] = SetOutcome(error: "\(error)")
                    }
                    let count = done.take(below: Int.max)! + 1
                    if count % max(1, settings.sets / 20) == 0 || count == settings.sets {
                        progress?("\(count) of \(settings.sets) synthetic records calibrated")
                    }
                }
            }
        }
        if let failed = outcomes.first(where: { $0.error != nil }) { throw CalibrationError(failed.error!) }
        let ranks = outcomes.map(\.ranks), covered = outcomes.map(\.covered), converged = outcomes.map(\.converged)
        let simulations = outcomes.map(\.simulations)

        let checks = self.checks(names: problem.names, ranks: ranks, covered: covered, bins: settings.bins, alpha: settings.alpha)
        return Result(settings: settings, checks: checks, unconverged: converged.filter { !$0 }.count,
                      simulations: simulations.reduce(0, +), rateExceededRuns: outcomes.reduce(0) { $0 + $1.rateExceededRuns },
                      setsRateExceeded: outcomes.filter { $0.rateExceededRuns > 0 }.count,
                      rateExcess: outcomes.reduce(into: [:]) { $0.merge($1.rateExcess, uniquingKeysWith: max) }, ranks: ranks)
    }

    /// The two checks per parameter over sets: the ranks (shares of the posterior below the
    /// truth, in [0, 1]) binned and compared with the uniform by Pearson's chi-square, and the
    /// number of 90% intervals that covered the truth against the central 1 − alpha range of
    /// Binomial(sets, 0.9).
    public static func checks(names: [String], ranks: [[Double]], covered: [[Bool]], bins: Int, alpha: Double) -> [ParameterCheck] {
        let sets = ranks.count
        let expected = Double(sets) / Double(bins)
        let binomial = coverageRange(sets: sets, probability: 0.9, alpha: alpha)
        return names.indices.map { k -> ParameterCheck in
            var counts = [Int](repeating: 0, count: bins)
            for s in 0..<sets { counts[min(bins - 1, Int(ranks[s][k] * Double(bins)))] += 1 }
            let chi = counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            gsl_set_error_handler_off()
            let p = gsl_cdf_chisq_Q(chi, Double(bins - 1))
            return ParameterCheck(name: names[k], counts: counts, chiSquare: chi, degreesOfFreedom: bins - 1, pValue: p,
                                  covered: covered.filter { $0[k] }.count, coverageRange: binomial, alpha: alpha)
        }
    }

    /// The central 1 − alpha range of Binomial(n, p).
    public static func coverageRange(sets n: Int, probability p: Double, alpha: Double) -> ClosedRange<Int> {
        gsl_set_error_handler_off()
        var low = 0
        while low < n && gsl_cdf_binomial_P(UInt32(low), p, UInt32(n)) < alpha / 2 { low += 1 }
        var high = n
        while high > 0 && gsl_cdf_binomial_Q(UInt32(high - 1), p, UInt32(n)) < alpha / 2 { high -= 1 }
        return low...high
    }
}

/// A counter threads take numbers from.
final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

extension SimulationBasedCalibration.Result {
    /// For a terminal (and the docs, which quote it).
    public func report(title: String, seconds: Double) -> String {
        var lines: [String] = []
        lines.append("Simulation-based calibration of \(title): \(settings.sets) parameter sets drawn from the prior, each simulated "
                     + "into a synthetic record and calibrated with \(settings.particles) particles (seed \(settings.seed)).")
        lines.append("Posterior ranks of the truth in \(settings.bins) bins (uniform if calibration is right: \(String(format: "%.1f", Double(settings.sets) / Double(settings.bins))) a bin), "
                     + "and how often the 90% interval covers the truth (\(settings.sets) × 0.9 = \(String(format: "%.1f", 0.9 * Double(settings.sets))) expected).")
        lines.append("")
        let widths = checks.map(\.name.count).max() ?? 9
        lines.append("  " + "parameter".padding(toLength: widths, withPad: " ", startingAt: 0)
                     + "   rank counts                         chi-square (df)   p       covered   99% binomial range   verdict")
        for c in checks {
            let verdict = c.ranksUniform && c.coverageOK ? "pass" : (c.ranksUniform ? "FAIL (coverage)" : "FAIL (ranks)")
            lines.append("  " + c.name.padding(toLength: widths, withPad: " ", startingAt: 0) + "   "
                         + c.counts.map { String($0) }.joined(separator: " ").padding(toLength: 34, withPad: " ", startingAt: 0)
                         + "  " + String(format: "%6.2f (%d)", c.chiSquare, c.degreesOfFreedom).padding(toLength: 16, withPad: " ", startingAt: 0)
                         + "  " + String(format: "%.3f", c.pValue) + "   "
                         + "\(c.covered)/\(settings.sets)".padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                         + "\(c.coverageRange.lowerBound)–\(c.coverageRange.upperBound)".padding(toLength: 20, withPad: " ", startingAt: 0) + " "
                         + verdict)
        }
        lines.append("")
        lines.append("Each test at significance \(checks.first?.alpha ?? 0.01): ranks by Pearson's chi-square against the uniform; coverage "
                     + "against the central 99% of Binomial(\(settings.sets), 0.9).")
        lines.append("\(simulations) simulations in \(String(format: "%.0f", seconds)) s; \(unconverged) of \(settings.sets) fits did not reach tolerance 0.")
        lines.append(passed ? "PASSED: the calibration's posteriors are calibrated." : "FAILED: see the rows above.")
        return lines.joined(separator: "\n") + "\n"
    }
}
