import EscalationModel
import Foundation
import ScenarioIO

/// One-at-a-time sensitivity: each numeric parameter lowered and raised by a share of its value,
/// with common random numbers, and the change in one outcome's probability or one metric's
/// mean; the basis of a tornado chart. The lowered and raised variants run as two arms on the
/// same replication streams, so their difference (the swing) gets a paired interval.
public enum Sensitivity {
    public struct Row: Sendable {
        /// The path as the scenario's diagnostics name it (list items by index).
        public let path: String
        /// What the parameter is, in words (nil when the path says it best).
        public let label: String?
        public let base: Double
        public let low: Double
        public let high: Double
        /// The outcome's probability, or the metric's mean, with the parameter lowered and raised.
        public let valueLow: Double
        public let valueHigh: Double
        /// 95% intervals of each: Wilson (probabilities) or Student t (means).
        public let intervalLow: (low: Double, high: Double)
        public let intervalHigh: (low: Double, high: Double)
        /// valueHigh − valueLow: signed, so the direction of the effect shows.
        public let swing: Double
        /// The paired 95% interval of the swing: Newcombe's (probabilities) or the paired t
        /// interval (means), over replications run on the same streams.
        public let swingInterval: (low: Double, high: Double)
        /// McNemar's exact test (probabilities) or the paired t test (means) of no swing.
        public let pValue: Double
        /// Pairs of runs compared (for a metric, those with a finite value in both variants).
        public let n: Int
        /// A state-dependent rate went above its `max_rate` in some runs of either variant.
        public let rateExceeded: Bool
        /// By process id, the highest rate ÷ `max_rate` either variant's runs reached above 1.
        public let rateExcess: [String: Double]

        /// Whether the swing's interval holds 0: the parameter's effect, if any, is within the noise.
        public var withinNoise: Bool { swingInterval.low <= 0 && swingInterval.high >= 0 }
    }

    public struct Result: Sendable {
        public let measure: SensitivityMeasure.Resolved
        public let runs: Int
        public let change: Double
        /// The probability or mean in the base scenario, with its 95% interval.
        public let baseValue: Double
        public let baseInterval: (low: Double, high: Double)
        /// Most influential (largest |swing|) first.
        public let rows: [Row]
        /// Parameters left out, with the reason (the changed scenario would not compile).
        public let skipped: [(path: String, reason: String)]
        /// A state-dependent rate went above its `max_rate` in some runs of the base.
        public let baseRateExceeded: Bool
        /// By process id, the highest rate ÷ `max_rate` the base's runs reached above 1.
        public let baseRateExcess: [String: Double]
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

    /// Why a number `--only` names is not among those varied.
    static func notVaried(_ path: [String]) -> String {
        if let section = path.first, excludedSections.contains(section) {
            return "it is in \(section), which holds no number of the dynamics"
        }
        if let key = path.first(where: { structural.contains($0) || $0 == "inject" || $0 == "assumption" || $0 == "prior" }) {
            return "\(key) is part of the scenario's structure or record (a rung, an offset, a day, a bound, documented "
                + "casualties, a parameter's range), which a relative change does not vary"
        }
        return "not a numeric parameter (it is 0, which a relative change leaves alone, or a calibrated parameter, whose "
            + "uncertainty the posterior already carries)"
    }

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

    /// Runs the base scenario, then each parameter lowered and raised (two arms on the base's
    /// replication streams), and ranks the parameters by the size of their swing.
    public static func run(path: String, overrides: [Override], measure: SensitivityMeasure, change: Double,
                           only: [String]?, runs: Int, masterSeed: UInt64, threads: Int,
                           progress: ProgressReporter? = nil) throws -> Result {
        let base = try ScenarioLoader.load(path: path, overrides: overrides).scenario
        // A metric is found before anything runs; the default outcome needs the base runs.
        let metric = if case .metric = measure { try measure.resolve(in: base, path: path, outcomeCounts: []) } else { nil as SensitivityMeasure.Resolved? }
        var outcomeCounts = [Int](repeating: 0, count: base.outcomeNames.count)
        var baseMetric = Metric()
        var baseExceeded = false
        var baseExcess: [Double] = []
        let baseEngine = ArmsEngine(arms: [base])
        try baseEngine.run(range: 0..<runs, masterSeed: masterSeed, threads: threads) { chunk in
            if chunk.rateExceeded { baseExceeded = true }
            baseExcess = higherRateExcess(baseExcess, chunk.excess[0])
            for i in 0..<chunk.count {
                chunk.withRecord(arm: 0, i, width: baseEngine.widths[0]) { record in
                    outcomeCounts[Int(record[RecordLayout.outcome])] += 1
                    if let metric, case let v = metric.value(record), v.isFinite { baseMetric.add(v) }
                }
            }
        }
        let resolved = try metric ?? measure.resolve(in: base, path: path, outcomeCounts: outcomeCounts)
        let (baseValue, baseInterval) = resolved.isMetric
            ? (baseMetric.mean, Interval.mean(baseMetric.mean, sd: baseMetric.sd, n: baseMetric.n))
            : (Double(outcomeCounts[resolved.index]) / Double(runs), Interval.wilson(successes: outcomeCounts[resolved.index], n: runs))

        var tree = try ScenarioLoader.tree(path: path)
        for o in overrides { try o.apply(to: &tree) }
        var candidates = parameters(in: tree)
        if let only {
            // Rule names and indices both name an item of a list: compare the paths with indices.
            let dotted = { (path: [String]) in Override.canonical(path, in: tree).joined(separator: ".") }
            let wanted = only.map { dotted($0.split(separator: ".", omittingEmptySubsequences: false).map(String.init)) }
            for (given, path) in zip(only, wanted) where !candidates.contains(where: { $0.path.joined(separator: ".") == path }) {
                let parts = given.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                throw OptionValueError.fitting(option: "only", value: given, reason: Override.numericProblem(parts, in: tree)
                                    ?? notVaried(parts))
            }
            candidates = candidates.filter { wanted.contains($0.path.joined(separator: ".")) }
        }
        let compiler = try ScenarioVariants(path: path, overrides: overrides)
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
            let variants: [Scenario]
            do {
                variants = try [low, high].map { v in
                    try compiler.scenario([Override(path: candidate.path, text: String(format: "%.12g", v), option: "--only")])
                }
            } catch let error as ScenarioError {
                skipped.append((name, error.diagnostics.first.map { "\($0.expected), found \($0.found)" } ?? "\(error)"))
                progress?.update(done: n + 1)
                continue
            }
            rows.append(try compare(variants, resolved, runs: runs, masterSeed: masterSeed, threads: threads,
                                    path: name, label: ParameterLabel.describe(candidate.path, in: tree),
                                    values: (candidate.value, low, high)))
            progress?.update(done: n + 1)
        }
        rows.sort { abs($0.swing) > abs($1.swing) || (abs($0.swing) == abs($1.swing) && $0.path < $1.path) }
        return Result(measure: resolved, runs: runs, change: change, baseValue: baseValue, baseInterval: baseInterval,
                      rows: rows, skipped: skipped, baseRateExceeded: baseExceeded,
                      baseRateExcess: base.rateExcessByProcess(baseExcess))
    }

    /// The lowered and raised variants run side by side, replication k of each on stream k.
    static func compare(_ variants: [Scenario], _ measure: SensitivityMeasure.Resolved, runs: Int, masterSeed: UInt64,
                        threads: Int, path: String, label: String?, values: (base: Double, low: Double, high: Double)) throws -> Row {
        let engine = ArmsEngine(arms: variants)
        var proportion = PairedProportion(), mean = PairedMean()
        var exceeded = false
        var excess: [[Double]] = [[], []]
        try engine.run(range: 0..<runs, masterSeed: masterSeed, threads: threads) { chunk in
            if chunk.rateExceeded { exceeded = true }
            for arm in 0..<2 { excess[arm] = higherRateExcess(excess[arm], chunk.excess[arm]) }
            for i in 0..<chunk.count {
                let a = chunk.withRecord(arm: 0, i, width: engine.widths[0]) { measure.value($0) }
                let b = chunk.withRecord(arm: 1, i, width: engine.widths[1]) { measure.value($0) }
                if measure.isMetric { mean.add(a: a, b: b) } else { proportion.add(a: a == 1, b: b == 1) }
            }
        }
        // The two variants differ in one number, not in their processes.
        let reached = variants[0].rateExcessByProcess(higherRateExcess(excess[0], excess[1]))
        if measure.isMetric {
            return Row(path: path, label: label, base: values.base, low: values.low, high: values.high,
                       valueLow: mean.a.mean, valueHigh: mean.b.mean,
                       intervalLow: Interval.mean(mean.a.mean, sd: mean.a.sd, n: mean.a.n),
                       intervalHigh: Interval.mean(mean.b.mean, sd: mean.b.sd, n: mean.b.n),
                       swing: mean.difference, swingInterval: mean.interval(), pValue: mean.pValue, n: mean.n,
                       rateExceeded: exceeded, rateExcess: reached)
        }
        return Row(path: path, label: label, base: values.base, low: values.low, high: values.high,
                   valueLow: proportion.probabilityA, valueHigh: proportion.probabilityB,
                   intervalLow: Interval.wilson(successes: proportion.countA, n: proportion.n),
                   intervalHigh: Interval.wilson(successes: proportion.countB, n: proportion.n),
                   swing: proportion.difference, swingInterval: proportion.interval(), pValue: proportion.pValue,
                   n: proportion.n, rateExceeded: exceeded, rateExcess: reached)
    }

    /// One row per parameter, most influential first: the values tried, the outcome's probability
    /// (`p_…`, with 95% Wilson intervals) or the metric's mean (`mean_…`, with Student t
    /// intervals) at each, and the swing (raised − lowered) with its paired interval and p-value.
    public static func csv(_ result: Result) -> String {
        let m = result.measure
        let v = m.isMetric ? "mean" : "p"
        var out = ["parameter", "label", "base_value", "low_value", "high_value", m.isMetric ? "metric" : "outcome", "n",
                   "\(v)_base", "\(v)_low", "\(v)_low_ci95_low", "\(v)_low_ci95_high", "\(v)_high", "\(v)_high_ci95_low",
                   "\(v)_high_ci95_high", "swing", "swing_ci95_low", "swing_ci95_high", "swing_p_value"].joined(separator: ",") + "\n"
        func n(_ x: Double) -> String { Compare.number(x) }
        for r in result.rows {
            out += [csvQuoted(r.path), csvQuoted(r.label ?? ""), n(r.base), n(r.low), n(r.high), m.name, String(r.n),
                    n(result.baseValue), n(r.valueLow), n(r.intervalLow.low), n(r.intervalLow.high), n(r.valueHigh),
                    n(r.intervalHigh.low), n(r.intervalHigh.high), n(r.swing), n(r.swingInterval.low), n(r.swingInterval.high),
                    n(r.pValue)].joined(separator: ",") + "\n"
        }
        return out
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
func csvQuoted(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
