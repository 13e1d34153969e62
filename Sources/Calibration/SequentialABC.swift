import EscalationModel
import Foundation
import Stochastics

/// Approximate Bayesian computation by sequential Monte Carlo (population Monte Carlo: Beaumont,
/// Cornuet, Marin & Robert 2009, with the tolerance halved at each generation as in Del Moral,
/// Doucet & Jasra 2012), run on the scenario's own engine.
///
/// Why this and not a synthetic likelihood: the record gives whole numbers at the resolution of
/// a day (attacks in a window, days to an answer, killed), often small and often bounds ("at
/// least 25"). A Gaussian synthetic likelihood misreads small counts and cannot take a bound;
/// ABC compares the simulated numbers with the documented ranges directly. Because they are
/// whole numbers the tolerance can reach 0, and the last generation then holds weighted draws
/// from the exact posterior of the model given the record (up to Monte Carlo error).
///
/// Determinism: the k-th proposal of generation g draws only from streams seeded by
/// `(seed, g, k)`, and a generation keeps the first N accepted proposals in index order, so the
/// result does not depend on the number of threads.
public enum SequentialABC {
    public struct Settings: Sendable {
        public var particles: Int
        public var seed: UInt64
        /// Simulations allowed; calibration stops and says it did not converge beyond them.
        public var simulations: Int
        public var threads: Int
        /// The next tolerance is this quantile of the last generation's distances.
        public var quantile = 0.5
        /// Proposals step with this multiple of the last population's covariance. Beaumont et al.
        /// use 2; 1 gave about a third more effective draws per simulation on the bundled
        /// scenarios, and the weights keep any choice exact.
        public var kernelScale = 1.0
        public var maxGenerations = 60
        /// A parameter whose posterior variance exceeds this share of its prior's (on the
        /// prior's identification scale) is not identified by the data.
        public var identifiedBelow = 0.9

        public init(particles: Int, seed: UInt64, simulations: Int, threads: Int) {
            self.particles = particles
            self.seed = seed
            self.simulations = simulations
            self.threads = threads
        }
    }

    public struct Generation: Sendable {
        public let tolerance: Double
        public let attempts: Int
        public let simulations: Int
        public let effectiveSampleSize: Double
        /// Proposals kept over proposals made.
        public var acceptance: Double { Double(count) / Double(attempts) }
        let count: Int
    }

    public struct ParameterSummary: Sendable {
        public let name: String
        public let prior: Prior
        public let mean: Double
        public let median: Double
        public let low: Double
        public let high: Double
        /// 1 − posterior variance / prior variance, on the prior's identification scale (the value
        /// for a probability or a uniform range, its logarithm for a rate or a mean).
        public let contraction: Double
        public let identified: Bool
    }

    public struct Result: Sendable {
        public let posterior: Posterior
        public let generations: [Generation]
        public let simulations: Int
        /// Of `simulations`, the runs in which a state-dependent rate went above its `max_rate`
        /// (thinning then undercounts its events, so the distance was measured on a wrong model).
        public let rateExceededRuns: Int
        /// The posterior's draws (indices, in order) whose simulated runs did so.
        public let rateExceededDraws: [Int]
        /// By process id, the highest rate ÷ `max_rate` those runs reached above 1.
        public let rateExcess: [String: Double]
        /// Reached tolerance 0 with enough effective draws.
        public let converged: Bool
        /// Why not, when not.
        public let problems: [String]
        public let parameters: [ParameterSummary]
        public var identified: Bool { parameters.allSatisfy(\.identified) }
        public var finalTolerance: Double { generations.last?.tolerance ?? .infinity }
    }

    struct Particle {
        var u: [Double]
        var theta: [Double]
        var distance: Double
        var values: [Double]
        /// A state-dependent rate went above its `max_rate` in one of its runs.
        var rateExceeded = false
    }

    /// Fits `problem`. `progress` hears a line per generation.
    public static func run(_ problem: CalibrationProblem, settings: Settings,
                           progress: ((String) -> Void)? = nil) throws -> Result {
        let n = settings.particles
        let targets = problem.targets
        let workers = (0..<max(1, settings.threads)).map { _ in Worker(problem) }
        var generations: [Generation] = []
        var simulations = 0, rateExceededRuns = 0
        var rateExcess: [String: Double] = [:]
        var problems: [String] = []

        // Generation 0: the prior, every proposal kept, to set each target's scale.
        var population: Population
        do {
            population = try runGeneration(0, problem, settings, workers, tolerance: .infinity, scales: nil,
                                           previous: nil, budget: settings.simulations, simulations: &simulations,
                                           rateExceededRuns: &rateExceededRuns, rateExcess: &rateExcess)
        } catch is BudgetExhausted {
            throw CalibrationError("a simulation budget of \(settings.simulations) does not cover one generation from the prior "
                                   + "(\(n) particles × \(problem.episodes.count) episodes); raise it")
        }
        let scales = targets.indices.map { k in scale(population.particles.map { $0.values[k] }) }
        for k in targets.indices where targets[k].accepted.lowerBound == targets[k].accepted.upperBound {
            let fractional = population.particles.map { $0.values[k] }.filter { $0.isFinite && $0 != $0.rounded() }
            if fractional.count * 2 > population.particles.count {
                throw CalibrationError("target \(targets[k].id) takes values that are not whole numbers (such as \(fractional[0])) and cannot "
                                       + "match the record exactly; compare at the record's resolution, e.g. with floor() for days")
            }
        }
        for i in population.particles.indices {
            population.particles[i].distance = distance(population.particles[i].values, targets, scales)
        }
        // Simulate the episode the prior matches least often first: most proposals fail there,
        // and the others need not be run. (Each episode keeps its own seed, so the order changes
        // only the work done, not the result.)
        var offset = 0
        let matchRates = problem.episodes.map { episode -> Double in
            defer { offset += episode.targets.count }
            let hits = population.particles.filter { p in
                episode.targets.indices.allSatisfy { targets[offset + $0].accepted.contains(p.values[offset + $0]) }
            }.count
            return Double(hits) / Double(population.particles.count)
        }
        let order = problem.episodes.indices.sorted { (matchRates[$0], $0) < (matchRates[$1], $1) }
        for w in workers { w.order = order }
        generations.append(Generation(tolerance: .infinity, attempts: n, simulations: simulations,
                                      effectiveSampleSize: Double(n), count: n))
        progress?("generation 0: \(n) draws from the prior")

        var tolerance = Double.infinity
        while tolerance > 0 && generations.count < settings.maxGenerations {
            tolerance = nextTolerance(population.particles.map(\.distance), current: tolerance, quantile: settings.quantile)
            let before = simulations
            let next: Population
            do {
                next = try runGeneration(generations.count, problem, settings, workers, tolerance: tolerance, scales: scales,
                                         previous: population, budget: settings.simulations, simulations: &simulations,
                                         rateExceededRuns: &rateExceededRuns, rateExcess: &rateExcess)
            } catch is BudgetExhausted {
                problems.append("the simulation budget (\(settings.simulations)) ran out at tolerance \(fmt(tolerance)); "
                                + "raise calibration: simulations, or give the targets wider documented ranges")
                tolerance = generations.last!.tolerance
                break
            }
            population = next
            let ess = 1 / population.weights.reduce(0) { $0 + $1 * $1 }
            generations.append(Generation(tolerance: tolerance, attempts: population.attempts, simulations: simulations - before,
                                          effectiveSampleSize: ess, count: n))
            progress?("generation \(generations.count - 1): tolerance \(fmt(tolerance)), acceptance "
                      + "\(fmt(100 * Double(n) / Double(population.attempts)))%, ESS \(Int(ess.rounded())), \(simulations) simulations so far")
        }
        if tolerance > 0 && problems.isEmpty {
            problems.append("stopped after \(settings.maxGenerations) generations at tolerance \(fmt(tolerance))")
        }
        let weights = population.weights
        let ess = 1 / weights.reduce(0) { $0 + $1 * $1 }
        let minimum = max(50.0, Double(n) / 10)
        if ess < minimum {
            problems.append("only \(Int(ess)) effective draws (at least \(Int(minimum)) wanted); raise calibration: particles")
        }
        let posterior = Posterior(names: problem.names, values: population.particles.flatMap(\.theta), weights: weights)

        // Contraction, against a fixed prior sample on the same scale.
        let priorStream = RandomStream(seed: SplitMix64.mix(settings.seed ^ 0x9E37_79B9_7F4A_7C15))
        var summaries: [ParameterSummary] = []
        for (k, prior) in problem.priors.enumerated() {
            let priorSample = (0..<20_000).map { _ in prior.identificationScale(prior.sample(priorStream)) }
            let priorVariance = variance(priorSample, weights: nil)
            let posteriorSample = population.particles.map { prior.identificationScale($0.theta[k]) }
            let contraction = 1 - variance(posteriorSample, weights: weights) / priorVariance
            summaries.append(ParameterSummary(
                name: problem.names[k], prior: prior, mean: posterior.mean(k), median: posterior.quantile(k, 0.5),
                low: posterior.quantile(k, 0.05), high: posterior.quantile(k, 0.95), contraction: contraction,
                identified: contraction >= 1 - settings.identifiedBelow))
        }
        return Result(posterior: posterior, generations: generations, simulations: simulations,
                      rateExceededRuns: rateExceededRuns,
                      rateExceededDraws: population.particles.indices.filter { population.particles[$0].rateExceeded },
                      rateExcess: rateExcess,
                      converged: problems.isEmpty, problems: problems, parameters: summaries)
    }

    struct Population {
        var particles: [Particle]
        var weights: [Double]
        var attempts: Int
    }

    /// One generation: proposals in index order until `particles` are within `tolerance`.
    /// Throws when the budget runs out first.
    static func runGeneration(_ g: Int, _ problem: CalibrationProblem, _ settings: Settings, _ workers: [Worker],
                              tolerance: Double, scales: [Double]?, previous: Population?, budget: Int,
                              simulations: inout Int, rateExceededRuns: inout Int,
                              rateExcess: inout [String: Double]) throws -> Population {
        let n = settings.particles
        let generationSeed = StreamSeed.replication(master: settings.seed, index: UInt64(g))
        let proposal = previous.map { Proposal($0, problem.priors, scale: settings.kernelScale) }
        var accepted: [Particle] = []
        var next = 0
        var size = previous == nil ? n : 2 * n
        while accepted.count < n {
            var results = [Outcome](repeating: Outcome(particle: nil, simulations: 0, rateExceededRuns: 0), count: size)
            let first = next
            results.withUnsafeMutableBufferPointer { buffer in
                // Each worker writes only the slots of its own attempts.
                let out = SharedSlots(buffer)
                DispatchQueue.concurrentPerform(iterations: workers.count) { w in
                    for i in stride(from: w, to: out.count, by: workers.count) {
                        out[i] = workers[w].attempt(first + i, generationSeed: generationSeed, proposal: proposal,
                                                    tolerance: tolerance, scales: scales)
                    }
                }
            }
            // Attempts are read in index order and the budget is checked after each one, so where
            // it runs out does not depend on how many attempts a batch held (that is, on threads).
            for r in results {
                simulations += r.simulations
                rateExceededRuns += r.rateExceededRuns
                rateExcess.merge(r.rateExcess, uniquingKeysWith: max)
                next += 1
                if let p = r.particle {
                    accepted.append(p)
                    if accepted.count == n { break }
                }
                if simulations > budget { throw BudgetExhausted() }
            }
            let rate = Double(max(accepted.count, 1)) / Double(next)
            size = min(max(Int((Double(n - accepted.count) / rate * 1.1).rounded(.up)), 64 * workers.count), 400_000)
        }
        let weights: [Double]
        if let proposal {
            // A weight that is not a number (a proposal at the edge of floating point) counts as 0.
            let logs = accepted.map { p -> Double in let w = proposal.logWeight(p.u); return w.isNaN ? -.infinity : w }
            let top = logs.max()!
            guard top.isFinite else {
                throw CalibrationError("every importance weight of generation \(g) is 0 or infinite; the priors may be too wide for "
                                       + "the numbers they describe")
            }
            let raw = logs.map { exp($0 - top) }
            let total = raw.reduce(0, +)
            weights = raw.map { $0 / total }
        } else {
            weights = [Double](repeating: 1 / Double(n), count: n)
        }
        return Population(particles: accepted, weights: weights, attempts: next)
    }

    /// A generation could not gather its particles within the simulation budget.
    struct BudgetExhausted: Error {}

    struct Outcome {
        var particle: Particle?
        var simulations: Int
        /// Of `simulations`, those in which a state-dependent rate went above its `max_rate`.
        var rateExceededRuns: Int
        /// By process id, the highest rate ÷ `max_rate` they reached above 1.
        var rateExcess: [String: Double] = [:]
    }

    /// The α-quantile of the distances, strictly below the current tolerance.
    static func nextTolerance(_ distances: [Double], current: Double, quantile: Double) -> Double {
        let sorted = distances.sorted()
        var q = sorted[min(sorted.count - 1, Int((quantile * Double(sorted.count)).rounded(.down)))]
        if q >= current {
            q = sorted.last { $0 < current } ?? current / 2
        }
        return q <= 1e-12 ? 0 : q
    }

    /// How far a simulated value may stray from a target, for its share of the distance: the
    /// prior predictive spread (median absolute deviation), at least 1.
    static func scale(_ values: [Double]) -> Double {
        let finite = values.filter(\.isFinite).sorted()
        guard finite.count > 2 else { return 1 }
        let median = finite[finite.count / 2]
        let deviations = finite.map { abs($0 - median) }.sorted()
        return max(1, deviations[deviations.count / 2])
    }

    /// Sum over targets of the distance from the documented range, in units of the target's scale.
    static func distance(_ values: [Double], _ targets: [CalibrationProblem.Target], _ scales: [Double]) -> Double {
        var total = 0.0
        for k in targets.indices { total += term(values[k], targets[k].accepted, scales[k]) }
        return total
    }

    @inline(__always)
    static func term(_ v: Double, _ accepted: ClosedRange<Double>, _ scale: Double) -> Double {
        if accepted.contains(v) { return 0 }
        if !v.isFinite { return 1e6 }
        return (v < accepted.lowerBound ? accepted.lowerBound - v : v - accepted.upperBound) / scale
    }

    static func variance(_ xs: [Double], weights: [Double]?) -> Double {
        let w = weights ?? [Double](repeating: 1 / Double(xs.count), count: xs.count)
        let m = zip(xs, w).reduce(0) { $0 + $1.0 * $1.1 }
        return zip(xs, w).reduce(0) { $0 + $1.1 * ($1.0 - m) * ($1.0 - m) }
    }

    static func fmt(_ x: Double) -> String {
        if !x.isFinite { return "∞" }
        if x == 0 { return "0" }
        return String(format: x < 0.01 ? "%.2e" : "%.3g", x)
    }
}

/// The proposal of a generation: a previous particle, moved by a Gaussian step with a multiple of
/// the previous population's covariance (on the unconstrained scale).
struct Proposal {
    let us: [[Double]]
    let cumulative: [Double]
    let weights: [Double]
    /// Lower Cholesky factor of the step covariance.
    let cholesky: [[Double]]
    let priors: [Prior]

    init(_ population: SequentialABC.Population, _ priors: [Prior], scale: Double) {
        self.priors = priors
        us = population.particles.map(\.u)
        weights = population.weights
        var running = 0.0
        cumulative = weights.map { running += $0; return running }
        let d = priors.count
        var mean = [Double](repeating: 0, count: d)
        for (u, w) in zip(us, weights) { for k in 0..<d { mean[k] += w * u[k] } }
        var cov = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for (u, w) in zip(us, weights) {
            for a in 0..<d { for b in 0..<d { cov[a][b] += scale * w * (u[a] - mean[a]) * (u[b] - mean[b]) } }
        }
        for a in 0..<d { cov[a][a] = max(cov[a][a], 1e-8) + 1e-10 }
        cholesky = Proposal.cholesky(cov)
    }

    static func cholesky(_ a: [[Double]]) -> [[Double]] {
        let d = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                if i == j { l[i][j] = sqrt(max(s, 1e-12)) } else { l[i][j] = s / l[j][j] }
            }
        }
        return l
    }

    func propose(_ stream: RandomStream) -> [Double] {
        let x = stream.uniform()
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > x { high = mid } else { low = mid + 1 }
        }
        let parent = us[low]
        let z = priors.indices.map { _ in stream.gaussian() }
        return priors.indices.map { i in parent[i] + (0...i).reduce(0) { $0 + cholesky[i][$1] * z[$1] } }
    }

    /// log of prior / mixture-of-kernels density at u, up to a constant.
    func logWeight(_ u: [Double]) -> Double {
        let logPrior = priors.indices.reduce(0) { $0 + priors[$1].logDensityUnconstrained(u[$1]) }
        var terms: [Double] = []
        terms.reserveCapacity(us.count)
        for (j, v) in us.enumerated() where weights[j] > 0 {
            terms.append(log(weights[j]) - 0.5 * mahalanobis(u, v))
        }
        let top = terms.max()!
        return logPrior - (top + log(terms.reduce(0) { $0 + exp($1 - top) }))
    }

    /// (u − v)ᵀ S⁻¹ (u − v) for the step covariance S, by forward substitution.
    func mahalanobis(_ u: [Double], _ v: [Double]) -> Double {
        var y = [Double](repeating: 0, count: u.count)
        var total = 0.0
        for i in u.indices {
            var s = u[i] - v[i]
            for k in 0..<i { s -= cholesky[i][k] * y[k] }
            y[i] = s / cholesky[i][i]
            total += y[i] * y[i]
        }
        return total
    }
}

/// A buffer threads write to at disjoint indices.
struct SharedSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
    var count: Int { buffer.count }
    subscript(_ i: Int) -> Element {
        get { buffer[i] }
        nonmutating set { buffer[i] = newValue }
    }
}

/// One thread's simulators, buffers and proposal stream.
final class Worker: @unchecked Sendable {
    let problem: CalibrationProblem
    let simulators: [Simulator]
    var records: [[Double]]
    let stream = RandomStream(seed: 0)
    /// The order episodes are simulated in.
    var order: [Int]

    init(_ problem: CalibrationProblem) {
        self.problem = problem
        simulators = problem.episodes.map { episode in
            let s = Simulator(scenario: episode.scenario)
            s.stopDay = episode.stopDay
            return s
        }
        records = problem.episodes.map { [Double](repeating: 0, count: RecordLayout($0.scenario).width) }
        order = Array(problem.episodes.indices)
    }

    /// Proposal `index` of a generation: its parameters, simulated against every episode until
    /// the distance passes the tolerance. Returns the particle if accepted.
    func attempt(_ index: Int, generationSeed: UInt64, proposal: Proposal?, tolerance: Double,
                 scales: [Double]?) -> SequentialABC.Outcome {
        let seed = StreamSeed.replication(master: generationSeed, index: UInt64(index))
        stream.reseed(SplitMix64.mix(seed ^ 0x5851_F42D_4C95_7F2D))
        let priors = problem.priors
        var u: [Double], theta: [Double]
        if let proposal {
            u = proposal.propose(stream)
            theta = priors.indices.map { priors[$0].constrained(u[$0]) }
        } else {
            theta = priors.map { $0.sample(stream) }
            u = priors.indices.map { priors[$0].unconstrained(theta[$0]) }
        }
        var values = [Double](repeating: 0, count: problem.episodes.reduce(0) { $0 + $1.targets.count })
        var distance = 0.0
        var runs = 0, exceeded = 0
        var excess: [String: Double] = [:]
        for e in order {
            let episode = problem.episodes[e]
            let simulator = simulators[e]
            for (slot, k) in episode.slotMap.enumerated() { simulator.parameterValues[slot] = theta[k] }
            let layout = RecordLayout(episode.scenario)
            let run = records[e].withUnsafeMutableBufferPointer { record in
                simulator.run(seed: StreamSeed.replication(master: seed, index: UInt64(e)), into: record)
            }
            runs += 1
            if run.rateExceeded {
                exceeded += 1
                var ratios: [Double] = []
                simulator.mergeRateExcess(into: &ratios)
                excess.merge(episode.scenario.rateExcessByProcess(ratios), uniquingKeysWith: max)
            }
            let first = problem.episodes[..<e].reduce(0) { $0 + $1.targets.count }
            for (k, t) in episode.targets.enumerated() {
                let v = records[e][layout.observationsStart + t.observation]
                values[first + k] = v
                if let scales { distance += SequentialABC.term(v, t.accepted, scales[first + k]) }
            }
            if distance > tolerance {
                return SequentialABC.Outcome(particle: nil, simulations: runs, rateExceededRuns: exceeded, rateExcess: excess)
            }
        }
        return SequentialABC.Outcome(
            particle: SequentialABC.Particle(u: u, theta: theta, distance: distance, values: values, rateExceeded: exceeded > 0),
            simulations: runs, rateExceededRuns: exceeded, rateExcess: excess)
    }
}
