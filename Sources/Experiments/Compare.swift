import EscalationModel
import Foundation
import ScenarioIO

/// Two scenarios (or one scenario and a changed copy) run on the same replication streams, and
/// every difference between them with a paired interval: "what changes if ...?".
///
/// Replication k of both arms draws from the stream of (master seed, k), exactly as replication
/// k of `escalation batch` does, so arm A's runs are the runs of `batch A` with the same seed and
/// so are B's. Where the two scenarios make the same draws, the two runs of a pair share their
/// luck, and the differences measure the change, not the noise: the paired interval is
/// narrower than two separate intervals suggest, often many times.
public enum Compare {
    public struct Request {
        public var a: LoadedScenario
        public var b: LoadedScenario
        public var runs: Int
        public var masterSeed: UInt64
        public var threads: Int
        public var quiet = false

        public init(a: LoadedScenario, b: LoadedScenario, runs: Int, masterSeed: UInt64, threads: Int) {
            self.a = a
            self.b = b
            self.runs = runs
            self.masterSeed = masterSeed
            self.threads = threads
        }
    }

    /// An outcome of either arm, compared.
    public struct OutcomeDifference: Sendable {
        public let name: String
        public let pairs: PairedProportion
    }

    /// A column of the per-run CSV both arms have, compared.
    public struct MetricDifference: Sendable {
        public let name: String
        public let pairs: PairedMean
    }

    public struct Result: Sendable {
        public let runs: Int
        public let summaryA: BatchSummary
        public let summaryB: BatchSummary
        /// Every outcome of A, then those only B has, in declaration order.
        public let outcomes: [OutcomeDifference]
        public let metrics: [MetricDifference]
        /// Columns only one arm has (not compared).
        public let unpairedColumns: [String]
        /// `transitions[i][j]`: runs ending in outcome i under A and j under B (indices into `outcomes`).
        public let transitions: [[Int]]
        public let rateExceeded: Bool
        /// Per arm (A, then B), by process id, the highest rate ÷ `max_rate` reached above 1.
        public let rateExcess: [[String: Double]]

        /// Runs whose outcome is not the same in the two arms.
        public var changed: Int {
            transitions.indices.reduce(0) { sum, i in sum + transitions[i].indices.reduce(0) { $0 + (i == $1 ? 0 : transitions[i][$1]) } }
        }
    }

    public static func run(_ request: Request) throws -> Result {
        var pairing = Pairing(a: request.a.scenario, b: request.b.scenario)
        let engine = ArmsEngine(arms: [request.a.scenario, request.b.scenario])
        let progress = ProgressReporter(total: request.runs, quiet: request.quiet)
        try engine.run(range: 0..<request.runs, masterSeed: request.masterSeed, threads: request.threads) { chunk in
            pairing.rateExceeded = pairing.rateExceeded || chunk.rateExceeded
            for arm in 0..<2 { pairing.raiseRateExcess(arm: arm, chunk.excess[arm]) }
            for i in 0..<chunk.count {
                chunk.withRecord(arm: 0, i, width: engine.widths[0]) { ra in
                    chunk.withRecord(arm: 1, i, width: engine.widths[1]) { rb in
                        pairing.add(ra, rb)
                    }
                }
            }
            progress.update(done: chunk.first + chunk.count)
        }
        progress.finish()
        return pairing.result()
    }

    /// The pairs of a comparison, taken in replication order: both summaries, the paired
    /// outcomes and metrics, and where each run's outcome went.
    public struct Pairing {
        let names: [String]
        let indexA: [Int], indexB: [Int]
        let shared: [String], unshared: [String]
        let positionA: [Int], positionB: [Int]
        var summaryA: BatchSummary, summaryB: BatchSummary
        var outcomePairs: [PairedProportion]
        var metricPairs: [PairedMean]
        var transitions: [[Int]]
        var runs = 0
        public var rateExceeded = false
        /// Per arm, by process id, the highest rate ÷ `max_rate` reached above 1 so far.
        public var rateExcess: [[String: Double]] = [[:], [:]]
        let processIDs: [[String]]

        public init(a: Scenario, b: Scenario) {
            var names = a.outcomeNames
            for name in b.outcomeNames where !names.contains(name) { names.insert(name, at: names.count) }
            // The built-in endings (unresolved, runaway, invalid) last, as in a batch.
            let builtIn = [a.outcomeNames[a.unresolvedOutcome]] + a.outcomeNames.suffix(from: a.outcomes.count).filter { $0 != a.outcomeNames[a.unresolvedOutcome] }
            names = names.filter { !builtIn.contains($0) } + builtIn.filter(names.contains)
            self.names = names
            indexA = a.outcomeNames.map { names.firstIndex(of: $0)! }
            indexB = b.outcomeNames.map { names.firstIndex(of: $0)! }
            let tableA = RunTable(a), tableB = RunTable(b)
            summaryA = BatchSummary(table: tableA)
            summaryB = BatchSummary(table: tableB)
            let columnsA = Array(tableA.metricColumns.dropFirst().filter { $0 != "draw" })
            let columnsB = Array(tableB.metricColumns.dropFirst().filter { $0 != "draw" })
            let shared = columnsA.filter(columnsB.contains)
            self.shared = shared
            unshared = columnsA.filter { !shared.contains($0) } + columnsB.filter { !shared.contains($0) }
            // Record positions: metric column c (after `outcome`) is record index c + 1.
            positionA = shared.map { tableA.metricColumns.firstIndex(of: $0)! }
            positionB = shared.map { tableB.metricColumns.firstIndex(of: $0)! }
            outcomePairs = [PairedProportion](repeating: PairedProportion(), count: names.count)
            metricPairs = [PairedMean](repeating: PairedMean(), count: shared.count)
            transitions = [[Int]](repeating: [Int](repeating: 0, count: names.count), count: names.count)
            processIDs = [a.processes.map(\.id), b.processes.map(\.id)]
        }

        /// Raises arm `arm`'s ratios to `excess`'s (one per process, in the scenario's order, as
        /// `RunResult.rateExcess`).
        public mutating func raiseRateExcess(arm: Int, _ excess: [Double]) {
            for (k, ratio) in excess.enumerated() where ratio > 0 && k < processIDs[arm].count {
                rateExcess[arm][processIDs[arm][k]] = max(rateExcess[arm][processIDs[arm][k]] ?? 0, ratio)
            }
        }

        /// The next pair: replication k of arm A and of arm B.
        public mutating func add(_ ra: UnsafeBufferPointer<Double>, _ rb: UnsafeBufferPointer<Double>) {
            runs += 1
            summaryA.add(ra)
            summaryB.add(rb)
            let oa = indexA[Int(ra[RecordLayout.outcome])], ob = indexB[Int(rb[RecordLayout.outcome])]
            transitions[oa][ob] += 1
            for k in names.indices { outcomePairs[k].add(a: oa == k, b: ob == k) }
            for m in shared.indices { metricPairs[m].add(a: ra[positionA[m]], b: rb[positionB[m]]) }
        }

        public func result() -> Result {
            Result(runs: runs, summaryA: summaryA, summaryB: summaryB,
                   outcomes: names.indices.map { OutcomeDifference(name: names[$0], pairs: outcomePairs[$0]) },
                   metrics: shared.indices.map { MetricDifference(name: shared[$0], pairs: metricPairs[$0]) },
                   unpairedColumns: unshared, transitions: transitions, rateExceeded: rateExceeded,
                   rateExcess: rateExcess)
        }
    }

    /// The comparison as a tidy CSV: one row per outcome and metric.
    ///
    ///     quantity,n,a,b,difference,ci95_low,ci95_high,p_value,method
    ///
    /// `difference` is B − A. Outcome rows (`outcome_<name>`) give probabilities, a Newcombe
    /// paired interval and McNemar's exact p-value; metric rows give means over the pairs where
    /// both values are finite, the paired Student-t interval and p-value. The last row,
    /// `outcome_changed`, is the share of runs whose outcome differs between the arms (Wilson
    /// interval).
    public static func csv(_ result: Result) -> String {
        var text = "quantity,n,a,b,difference,ci95_low,ci95_high,p_value,method\n"
        func n(_ x: Double) -> String { number(x) }
        for o in result.outcomes {
            let p = o.pairs, ci = p.interval()
            text += "outcome_\(o.name),\(p.n),\(n(p.probabilityA)),\(n(p.probabilityB)),\(n(p.difference)),"
                + "\(n(ci.low)),\(n(ci.high)),\(n(p.pValue)),newcombe-paired;mcnemar-exact\n"
        }
        for m in result.metrics {
            let p = m.pairs, ci = p.interval()
            text += "\(m.name),\(p.n),\(n(p.n > 0 ? p.a.mean : .nan)),\(n(p.n > 0 ? p.b.mean : .nan)),\(n(p.difference)),"
                + "\(n(ci.low)),\(n(ci.high)),\(n(p.pValue)),paired-t\n"
        }
        let changed = result.changed, w = Interval.wilson(successes: changed, n: result.runs)
        text += "outcome_changed,\(result.runs),,,\(n(Double(changed) / Double(result.runs))),\(n(w.low)),\(n(w.high)),,share-of-pairs;wilson\n"
        return text
    }

    /// A statistic as CSV text: the shortest round-trip form, undefined (NaN) as empty.
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        var s = ""
        appendNumber(x, to: &s)
        return s
    }
}
