import EscalationModel
import Foundation
import Stochastics

/// The documented episode set beside the simulated distribution: for each observation with a
/// documented value, where that value falls among the runs (its percentile), flagged when it
/// lies outside the central 90%.
public enum Backtest {
    public struct Row: Sendable {
        public let id: String
        public let label: String
        public let documented: Double
        public let source: String?
        /// Simulated values, sorted (+∞ for "had not happened yet").
        public let simulated: [Double]
        /// What the observation reads that injections from the record feed by its day (for
        /// example "us_killed, 8 of it injected (camp_loyalty 5, wasit 3)"); nil if nothing.
        public var injected: String? = nil

        /// Mid-rank percentile: the share of runs below the documented value plus half the share
        /// equal to it, in percent. For whole-number quantities this treats ties fairly.
        public var percentile: Double { Backtest.percentile(of: documented, inSorted: simulated) }

        /// Outside the central 90% of the simulated distribution.
        public var flagged: Bool { percentile < 5 || percentile > 95 }

        public func quantile(_ p: Double) -> Double {
            guard !simulated.isEmpty else { return .nan }
            let h = Double(simulated.count - 1) * p
            let lower = Int(h.rounded(.down)), upper = min(lower + 1, simulated.count - 1)
            let (a, b) = (simulated[lower], simulated[upper])
            if a == b || !a.isFinite || !b.isFinite { return h - Double(lower) < 0.5 ? a : b }
            return a + (h - Double(lower)) * (b - a)
        }

        /// Share of runs in which the quantity was still +∞ (the thing had not happened).
        public var neverShare: Double {
            Double(simulated.filter { $0 == .infinity }.count) / Double(max(simulated.count, 1))
        }
    }

    public static func percentile(of value: Double, inSorted values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var below = 0, equal = 0
        for v in values {
            if v < value { below += 1 } else if v == value { equal += 1 }
        }
        return 100 * (Double(below) + 0.5 * Double(equal)) / Double(values.count)
    }

    /// The rows, and whether a state-dependent rate went above its `max_rate` in some runs
    /// (thinning then undercounts it).
    public struct Result: Sendable {
        public let rows: [Row]
        public let rateExceeded: Bool
        /// In how many runs, and by process id the highest rate ÷ `max_rate` they reached above 1.
        public var rateExceededRuns = 0
        public var rateExcess: [String: Double] = [:]
    }

    /// Runs the scenario `runs` times and compares every observation that has a documented value.
    public static func run(scenario: Scenario, runs: Int, masterSeed: UInt64, threads: Int) throws -> Result {
        let layout = RecordLayout(scenario)
        let documented = scenario.observations.indices.filter { scenario.observations[$0].documented != nil }
        guard !documented.isEmpty else {
            throw BatchError("\(scenario.name) has no observations with a documented value to backtest; "
                             + "add them under observations: (see docs/scenario-format.md)")
        }
        var values = [[Double]](repeating: [], count: scenario.observations.count)
        var exceeded = 0
        var excess: [Double] = []
        try BatchEngine(scenario: scenario).run(range: 0..<runs, masterSeed: masterSeed, threads: threads) { chunk in
            exceeded += chunk.rateExceededRuns
            excess = higherRateExcess(excess, chunk.rateExcess)
            for i in 0..<chunk.count {
                for k in documented {
                    values[k].append(chunk.records[i * layout.width + layout.observationsStart + k])
                }
            }
        }
        let rows = documented.map { k in
            let o = scenario.observations[k]
            var row = Row(id: o.id, label: o.label, documented: o.documented!, source: o.source, simulated: values[k].sorted())
            row.injected = injected(into: o, of: scenario)
            return row
        }
        return Result(rows: rows, rateExceeded: exceeded > 0, rateExceededRuns: exceeded,
                      rateExcess: scenario.rateExcessByProcess(excess))
    }

    /// What injections on or before an observation's day put into what it reads: documented
    /// casualties into `total.<counter>`, injected actions into `count()` and `first()`, and
    /// their rungs into `max_rung`. In-sample, those parts of the value are given, not predicted.
    public static func injected(into o: Observation, of scenario: Scenario) -> String? {
        let injections = scenario.interventions.filter { $0.day <= o.day }.flatMap { i in i.injections.map { (i, $0) } }
        guard !injections.isEmpty else { return nil }
        var parts: [String] = []
        for op in o.value.code {
            switch op {
            case .total(let c):
                let given = injections.compactMap { i, j -> (String, Double)? in
                    guard let v = j.casualties?.first(where: { $0.counter == Int(c) })?.value, v > 0 else { return nil }
                    return (i.id, v)
                }
                if !given.isEmpty {
                    let sum = given.reduce(0) { $0 + $1.1 }
                    parts.append("\(scenario.counters[Int(c)].name), \(format(sum)) of it injected ("
                                 + given.map { "\($0.0) \(format($0.1))" }.joined(separator: ", ") + ")")
                }
            case .count(let a), .first(let a):
                let given = injections.filter { $0.1.action == Int(a) }.map(\.0.id)
                if !given.isEmpty { parts.append("\(scenario.actions[Int(a)].id), injected by \(given.joined(separator: ", "))") }
            case .maxRung:
                if let top = injections.max(by: { scenario.actions[$0.1.action].rung < scenario.actions[$1.1.action].rung }) {
                    parts.append("max_rung, \(scenario.actions[top.1.action].rung) reached by the injected \(top.0.id)")
                }
            default:
                break
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
