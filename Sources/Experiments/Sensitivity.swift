import EscalationModel
import Foundation
import ScenarioIO

/// One-at-a-time sensitivity: each numeric parameter lowered and raised by a share of its value,
/// with common random numbers, and the change in one outcome's probability; the basis of a
/// tornado chart.
public enum Sensitivity {
    public struct Row: Sendable {
        public let path: String
        public let base: Double
        public let low: Double
        public let high: Double
        public let pLow: Double
        public let pHigh: Double
        public let countLow: Int
        public let countHigh: Int
        /// |p(raised) − p(lowered)|: how much the outcome moves across the range.
        public var swing: Double { abs(pHigh - pLow) }
    }

    public struct Result: Sendable {
        public let outcome: String
        public let runs: Int
        public let change: Double
        public let pBase: Double
        public let countBase: Int
        /// Most influential first.
        public let rows: [Row]
        /// Parameters left out, with the reason (the changed scenario would not compile).
        public let skipped: [(path: String, reason: String)]
    }

    /// Keys whose numbers are not parameters of the dynamics: the ladder's structure, dates and
    /// days, bounds, caps and documented facts.
    static let structural: Set<String> = [
        "rung", "offset", "horizon", "max_events", "at", "from", "min_rung", "quiet_days", "documented", "min", "max",
        "max_rate", "start", "values",
    ]
    /// Sections that hold no parameters of the dynamics.
    static let excludedSections: Set<String> = ["rungs", "sides", "outcomes", "observations", "name", "title", "summary",
                                                "record", "calibration", "hindcast"]
    /// Keys holding probabilities: a raised value is capped at 1.
    static let probabilityKeys: Set<String> = ["probability", "control", "forgive", "interception", "p", "bernoulli"]

    /// Every number in the scenario's merged tree that sets the dynamics, with its path.
    public static func parameters(in tree: YAMLNode) -> [(path: [String], value: Double)] {
        var found: [(path: [String], value: Double)] = []
        func walk(_ node: YAMLNode, _ path: [String]) {
            switch node.value {
            case .mapping(let pairs):
                for pair in pairs {
                    if path.isEmpty && excludedSections.contains(pair.key) { continue }
                    if structural.contains(pair.key) { continue }
                    // Documented casualties of injected incidents are facts, not parameters; a
                    // parameter's range and prior describe it, they are not numbers of the model.
                    if pair.key == "inject" || pair.key == "assumption" || pair.key == "prior" { continue }
                    walk(pair.value, path + [pair.key])
                }
            case .sequence(let items):
                for (i, item) in items.enumerated() { walk(item, path + [String(i)]) }
            case .scalar(let text, let quoted):
                if !quoted, let v = Double(text), v.isFinite, v != 0 { found.append((path, v)) }
            case .null:
                break
            }
        }
        walk(tree, [])
        return found
    }

    public static func run(path: String, overrides: [Override], outcome: String?, change: Double, only: [String]?,
                           runs: Int, masterSeed: UInt64, threads: Int, progress: ProgressReporter? = nil) throws -> Result {
        let base = try ScenarioLoader.load(path: path, overrides: overrides).scenario
        func counts(_ scenario: Scenario) throws -> [Int] {
            var counts = [Int](repeating: 0, count: scenario.outcomeNames.count)
            let width = RecordLayout(scenario).width
            try BatchEngine(scenario: scenario).run(range: 0..<runs, masterSeed: masterSeed, threads: threads) { chunk in
                for i in 0..<chunk.count { counts[Int(chunk.records[i * width + RecordLayout.outcome])] += 1 }
            }
            return counts
        }
        let baseCounts = try counts(base)
        // By default, the first declared outcome that happens at all in the base scenario.
        let outcomeName = outcome ?? base.outcomes.indices.first { baseCounts[$0] > 0 }.map { base.outcomeNames[$0] }
            ?? base.outcomeNames[base.unresolvedOutcome]
        guard let k = base.outcomeNames.firstIndex(of: outcomeName) else {
            throw OptionValueError(option: "outcome", value: outcomeName,
                                   reason: "\(path) has no such outcome; its outcomes are \(base.outcomeNames.joined(separator: ", "))")
        }
        var tree = try ScenarioLoader.tree(path: path)
        for o in overrides { try o.apply(to: &tree) }
        var candidates = parameters(in: tree)
        if let only {
            for wanted in only where !candidates.contains(where: { $0.path.joined(separator: ".") == wanted }) {
                let path = wanted.split(separator: ".").map(String.init)
                throw OptionValueError(option: "only", value: wanted, reason: Override.numericProblem(path, in: tree)
                                    ?? "not a numeric parameter (it is 0, which a relative change leaves alone, or a calibrated "
                                    + "parameter, whose uncertainty the posterior already carries)")
            }
            candidates = candidates.filter { only.contains($0.path.joined(separator: ".")) }
        }
        func probability(_ scenario: Scenario) throws -> Int { try counts(scenario)[k] }
        let countBase = baseCounts[k]
        var rows: [Row] = []
        var skipped: [(path: String, reason: String)] = []
        for (n, candidate) in candidates.enumerated() {
            let name = candidate.path.joined(separator: ".")
            // Rounded to 12 significant digits, as they are written into the scenario.
            func rounded(_ x: Double) -> Double { Double(String(format: "%.12g", x))! }
            var low = rounded(candidate.value * (1 - change)), high = rounded(candidate.value * (1 + change))
            if probabilityKeys.contains(candidate.path.last!) || candidate.path.dropLast().last.map(probabilityKeys.contains) == true {
                low = max(0, min(1, low))
                high = max(0, min(1, high))
            }
            do {
                var counts: [Int] = []
                for v in [low, high] {
                    let scenario = try ScenarioLoader.load(path: path, overrides: overrides + [
                        Override(path: candidate.path, text: String(format: "%.12g", v), option: "--only"),
                    ]).scenario
                    counts.append(try probability(scenario))
                }
                rows.append(Row(path: name, base: candidate.value, low: low, high: high, pLow: Double(counts[0]) / Double(runs),
                                pHigh: Double(counts[1]) / Double(runs), countLow: counts[0], countHigh: counts[1]))
            } catch let error as ScenarioError {
                skipped.append((name, error.diagnostics.first.map { "\($0.expected), found \($0.found)" } ?? "\(error)"))
            }
            progress?.update(done: n + 1)
        }
        rows.sort { $0.swing > $1.swing || ($0.swing == $1.swing && $0.path < $1.path) }
        return Result(outcome: outcomeName, runs: runs, change: change, pBase: Double(countBase) / Double(runs),
                      countBase: countBase, rows: rows, skipped: skipped)
    }

    /// One row per parameter, most influential first: the values tried and the outcome's
    /// probability at each, with 95% Wilson intervals.
    public static func csv(_ result: Result) -> String {
        var out = "parameter,base_value,low_value,high_value,outcome,n,p_base,p_low,p_low_ci95_low,p_low_ci95_high,p_high,p_high_ci95_low,p_high_ci95_high,swing\n"
        func n(_ x: Double) -> String { var s = ""; appendNumber(x, to: &s); return s }
        for r in result.rows {
            let lowCI = Interval.wilson(successes: r.countLow, n: result.runs), highCI = Interval.wilson(successes: r.countHigh, n: result.runs)
            out += [r.path, n(r.base), n(r.low), n(r.high), result.outcome, String(result.runs), n(result.pBase),
                    n(r.pLow), n(lowCI.low), n(lowCI.high), n(r.pHigh), n(highCI.low), n(highCI.high), n(r.swing)]
                .joined(separator: ",") + "\n"
        }
        return out
    }
}
