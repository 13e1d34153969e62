import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// A scenario's teaching knobs and a what-if run on them: the scenario as written (arm A) and
/// with the knobs set (arm B), on the same replication streams, so the difference shows the
/// change's own effect. Arm B's summary is byte for byte what `escalation batch` writes for the
/// same settings, and the differences what `escalation compare` writes.
public enum Explore {
    /// A number of the scenario a student may move: an assumption within its stated range, or a
    /// calibrated probability within [0, 1] (set, it is pinned instead of drawn).
    public struct Knob: Sendable, Equatable {
        public let id: String
        public let label: String
        public let unit: String?
        public let why: String?
        /// The value as written (for a calibrated one, its posterior median).
        public let value: Double
        public let low: Double
        public let high: Double
        public let calibrated: Bool

        /// The `--set` argument that gives knob `id` the value `value` (`parameters.ID.value`,
        /// which keeps the parameter's label and, for a calibrated one, pins it).
        public static func setting(id: String, value: Double) -> String { "parameters.\(id).value=\(Explore.text(value))" }
    }

    /// Replications a what-if runs unless asked otherwise, and the most it may ask for.
    public static let defaultRuns = 5_000
    public static let maximumRuns = 20_000
    /// The master seed unless asked otherwise (as `batch`'s default).
    public static let defaultSeed: UInt64 = 1

    public static func knobs(_ loaded: LoadedScenario) -> [Knob] {
        loaded.parameters.compactMap { p in
            switch p.origin {
            case .assumption(let low, let high) where low < high:
                return Knob(id: p.id, label: p.label ?? p.id, unit: p.unit, why: p.why, value: p.value, low: low,
                            high: high, calibrated: false)
            case .calibrated(let prior, _) where prior.kind == .beta:
                return Knob(id: p.id, label: p.label ?? p.id, unit: p.unit,
                            why: "calibrated to the record; set here, it is fixed instead of drawn from the posterior",
                            value: p.value, low: 0, high: 1, calibrated: true)
            default:
                return nil
            }
        }
    }

    /// Checks settings against the knobs: known names, values within range.
    public static func overrides(_ settings: [(id: String, value: Double)], knobs: [Knob]) throws(ExploreError) -> [Override] {
        var seen = Set<String>()
        return try settings.map { (id, value) throws(ExploreError) in
            guard let knob = knobs.first(where: { $0.id == id }) else {
                throw ExploreError("no knob named \(id); the knobs are " + knobs.map(\.id).joined(separator: ", "))
            }
            guard seen.insert(id).inserted else { throw ExploreError("\(id) is set twice") }
            guard value.isFinite, value >= knob.low, value <= knob.high else {
                throw ExploreError("\(id): expected a number from \(text(knob.low)) to \(text(knob.high)), found \(text(value))")
            }
            return Override(path: ["parameters", id, "value"], text: text(value))
        }
    }

    public struct Result: Sendable {
        public let comparison: Compare.Result
        /// `incidence[arm][outcome][day]`: share of runs that ended in the outcome by that day.
        public let incidence: [[[Double]]]
        /// `ladder[rung][day]`: share of arm B's runs that had reached the rung or above by that day.
        public let ladder: [[Double]]
        /// Arm B's summary CSV, as `escalation batch --summary` writes it.
        public let summaryCSV: String
        /// The differences, as `escalation compare` writes them.
        public let compareCSV: String
        public let seconds: Double
    }

    /// The scenario as written, run once: the records of replications 0..<runs from master
    /// seed `seed`, which every what-if on it pairs with (a server keeps it for the next one).
    public struct Baseline: Sendable {
        public let runs: Int
        public let seed: UInt64
        let width: Int
        let records: [Double]
        let rateExceeded: Bool
        /// Per process, the highest rate ÷ `max_rate` the runs reached above 1.
        let rateExcess: [Double]

        public init(_ base: LoadedScenario, runs: Int, seed: UInt64, threads: Int) throws {
            let engine = BatchEngine(scenario: base.scenario)
            var records: [Double] = []
            records.reserveCapacity(runs * engine.layout.width)
            var exceeded = false
            var excess: [Double] = []
            try engine.run(range: 0..<runs, masterSeed: seed, threads: threads) { chunk in
                records += chunk.records
                exceeded = exceeded || chunk.rateExceeded
                excess = higherRateExcess(excess, chunk.rateExcess)
            }
            self.runs = runs
            self.seed = seed
            width = engine.layout.width
            self.records = records
            rateExceeded = exceeded
            rateExcess = excess
        }
    }

    /// Runs `runs` replications of `changed` from master seed `seed` and pairs them with the
    /// same replications of `base` (from `baseline` when given, which must be `base`'s for the
    /// same runs and seed). The pairs, and so every number, are `Compare.run`'s.
    public static func run(base: LoadedScenario, changed: LoadedScenario, runs: Int, seed: UInt64,
                           threads: Int, baseline: Baseline? = nil) throws -> Result {
        let clock = Date()
        let b = changed.scenario
        let baseline = try baseline ?? Baseline(base, runs: runs, seed: seed, threads: threads)
        precondition(baseline.runs == runs && baseline.seed == seed, "a baseline of other runs")
        let days = Int(b.horizon.rounded(.up)) + 1
        var counts = [[[Int]]](repeating: [[Int]](repeating: [Int](repeating: 0, count: days), count: b.outcomeNames.count),
                               count: 2)
        func tally(_ arm: Int, _ record: UnsafeBufferPointer<Double>) {
            let day = record[RecordLayout.outcomeDay]
            let bin = day.isFinite ? min(days - 1, max(0, Int(day.rounded(.up)))) : days - 1
            counts[arm][Int(record[RecordLayout.outcome])][bin] += 1
        }
        var pairing = Compare.Pairing(a: base.scenario, b: b)
        pairing.rateExceeded = baseline.rateExceeded
        pairing.raiseRateExcess(arm: 0, baseline.rateExcess)
        let widthA = baseline.width, widthB = RecordLayout(b).width
        let rungs = Ladder.top + 1
        var reachedBy = [[Int]](repeating: [Int](repeating: 0, count: days), count: rungs)
        // Arm B, chunk by chunk on the worker threads: each run's record and when it first
        // reached each rung (read from the run's buffers, so exact for every run, no trace).
        struct Part: Sendable {
            var records: [Double]
            var reached: [Double]
            var rateExceeded = false
            var rateExcess: [Double] = []
        }
        let chunk = 250
        let chunks = (runs + chunk - 1) / chunk
        var next = 0
        try baseline.records.withUnsafeBufferPointer { all in
            try computeInOrder(chunks: chunks, threads: threads, worker: { Simulator(scenario: b) }, compute: { c, simulator in
                let first = c * chunk, count = min(chunk, runs - first)
                var part = Part(records: [Double](repeating: 0, count: count * widthB),
                                reached: [Double](repeating: 0, count: count * rungs))
                part.records.withUnsafeMutableBufferPointer { records in
                    part.reached.withUnsafeMutableBufferPointer { reached in
                        for i in 0..<count {
                            let runSeed = StreamSeed.replication(master: seed, index: UInt64(first + i))
                            let record = UnsafeMutableBufferPointer(rebasing: records[(i * widthB)..<((i + 1) * widthB)])
                            let (_, exceeded) = simulator.run(seed: runSeed, into: record)
                            simulator.firstTimesAtRungs(into: UnsafeMutableBufferPointer(rebasing: reached[(i * rungs)..<((i + 1) * rungs)]))
                            if exceeded {
                                part.rateExceeded = true
                                simulator.mergeRateExcess(into: &part.rateExcess)
                            }
                        }
                    }
                }
                return part
            }, consume: { part in
                pairing.rateExceeded = pairing.rateExceeded || part.rateExceeded
                pairing.raiseRateExcess(arm: 1, part.rateExcess)
                part.records.withUnsafeBufferPointer { records in
                    for i in 0..<(part.records.count / widthB) {
                        let k = next
                        next += 1
                        let ra = UnsafeBufferPointer(rebasing: all[(k * widthA)..<((k + 1) * widthA)])
                        let rb = UnsafeBufferPointer(rebasing: records[(i * widthB)..<((i + 1) * widthB)])
                        pairing.add(ra, rb)
                        tally(0, ra)
                        tally(1, rb)
                        // Reached at a time t ≤ d counts from day ⌈t⌉, as the outcome curves count.
                        for r in 0..<rungs {
                            let t = part.reached[i * rungs + r]
                            if t.isFinite { reachedBy[r][min(days - 1, max(0, Int(t.rounded(.up))))] += 1 }
                        }
                    }
                }
            })
        }
        let comparison = pairing.result()
        let incidence = counts.map { arm in arm.map { cumulativeShares($0, of: runs) } }
        let ladder = reachedBy.map { cumulativeShares($0, of: runs) }
        return Result(comparison: comparison, incidence: incidence, ladder: ladder,
                      summaryCSV: comparison.summaryB.csv(), compareCSV: Compare.csv(comparison),
                      seconds: Date().timeIntervalSince(clock))
    }

    /// Counts by day as the share of `n` reached by each day.
    static func cumulativeShares(_ byDay: [Int], of n: Int) -> [Double] {
        var total = 0
        return byDay.map { c in
            total += c
            return Double(total) / Double(n)
        }
    }

    /// A knob's value as the command line and the page write it: the shortest form that reads back.
    public static func text(_ x: Double) -> String { Compare.number(x) }
}

public struct ExploreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
