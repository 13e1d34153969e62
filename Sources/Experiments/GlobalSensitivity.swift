import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// Global sensitivity of a scenario: first-order and total Sobol indices of an outcome's
/// probability (or a metric's mean) over the ranges of up to 20 parameters, each uniform over
/// its range, from Saltelli's design on GSL's Sobol sequence (see `SobolIndices`).
///
/// Each point of the design is the scenario compiled with the parameters set there and run for
/// R replications on the streams of the master seed (common random numbers), so the indices
/// are those of the expected output, estimated with the noise of R replications: noise that is
/// the same at every point cancels, noise that is not adds variance the estimators give to the
/// parameters, mostly to their total indices.
public enum GlobalSensitivity {
    /// A parameter varied, and the range it is varied over.
    public struct Factor: Sendable, Equatable {
        /// With list items by index, as the scenario's diagnostics name them.
        public let path: [String]
        public let label: String?
        public let low: Double
        public let high: Double
        /// Where the range comes from: `assumption`, `prior 5–95%` or `--range`.
        public let source: String

        public var name: String { path.joined(separator: ".") }
        /// `PATH=LOW:HIGH (source)`, for manifests.
        public var setting: String { "\(name)=\(number(low)):\(number(high)) (\(source))" }
    }

    public struct Row: Sendable {
        public let factor: Factor
        public let first: Double
        public let firstInterval: (low: Double, high: Double)
        public let total: Double
        public let totalInterval: (low: Double, high: Double)
    }

    public struct Result: Sendable {
        public let measure: SensitivityMeasure.Resolved
        public let samples: Int
        public let runs: Int
        /// The probability or mean at the scenario's own values (R runs).
        public let baseValue: Double
        public let indices: SobolIndices
        /// Largest total index first.
        public let rows: [Row]
        /// The smallest and largest output over the design's points.
        public let outputRange: (low: Double, high: Double)
        /// Replications run in all: R for the base, N·(d + 2)·R for the design.
        public let replications: Int
        /// A state-dependent rate went above its `max_rate` in some runs of the base, and at
        /// this many points of the design.
        public let baseRateExceeded: Bool
        public let pointsRateExceeded: Int
        /// By process id, the highest rate ÷ `max_rate` reached above 1 in the base's runs and
        /// the design's.
        public let rateExcess: [String: Double]
    }

    /// The parameters to vary, in path order: those named with `--only` (or, without it, every
    /// parameter with an assumption range that `--set` does not fix), plus those given a
    /// `--range`. A range comes from `--range`, else from the parameter's `assumption: [low,
    /// high]`, else from its prior's 5% and 95% quantiles. Also returns the overrides that widen
    /// a declared assumption range to a `--range`, so values outside it compile.
    public static func factors(_ loaded: LoadedScenario, tree: YAMLNode, only: [String], ranges: [ParameterRange])
        throws -> (factors: [Factor], overrides: [Override]) {
        func canonical(_ path: [String]) -> [String] { Override.canonical(path, in: tree) }
        let given = Dictionary(ranges.map { (canonical($0.path), $0) }, uniquingKeysWith: { _, last in last })
        func declared(_ path: [String]) -> (low: Double, high: Double, source: String)? {
            guard path.count == 3, path[0] == "parameters", path[2] == "value",
                  let parameter = loaded.parameters.first(where: { $0.id == path[1] }) else { return nil }
            switch parameter.origin {
            case .assumption(let low, let high) where low < high: return (low, high, "assumption")
            case .calibrated(let prior, _), .pinned(let prior): return (prior.quantile(0.05), prior.quantile(0.95), "prior 5–95%")
            default: return nil
            }
        }
        func factor(_ path: [String], option: String, as written: String) throws -> Factor {
            if let problem = Override.numericProblem(path, in: tree) {
                throw OptionValueError.fitting(option: option, value: written, reason: problem)
            }
            let c = canonical(path)
            let range: (low: Double, high: Double, source: String)
            if let r = given[c] { range = (r.low, r.high, "--range") } else if let d = declared(c) { range = d } else {
                throw OptionValueError.fitting(option: option, value: written, reason: "no range is declared for it (parameters: declares one "
                                       + "with\nan assumption: [low, high] or a prior); give one with\n  --range \(written)=LOW:HIGH")
            }
            return Factor(path: c, label: ParameterLabel.describe(c, in: tree), low: range.low, high: range.high,
                          source: range.source)
        }
        var factors: [Factor] = []
        func add(_ f: Factor) { if !factors.contains(where: { $0.path == f.path }) { factors.append(f) } }
        if only.isEmpty {
            let fixed = Set(loaded.overrides.map { canonical($0.path) })
            for p in loaded.parameters {
                guard case .assumption(let low, let high) = p.origin, low < high else { continue }
                let path = ["parameters", p.id, "value"]
                if fixed.contains(path) || fixed.contains(["parameters", p.id]) { continue }
                add(try factor(path, option: "only", as: path.joined(separator: ".")))
            }
            let paths = factors.map(\.name) + ranges.map { canonical($0.path).joined(separator: ".") }
            if Set(paths).count > SaltelliDesign.maximumInputs {
                throw OptionValueError.fitting(option: "method", value: "sobol", reason: "\(factors.count) parameters of \(loaded.path) "
                    + "have an assumption range,\nmore than the \(SaltelliDesign.maximumInputs) Sobol indices can take "
                    + "(GSL's Sobol sequence has 40 dimensions, two a parameter);\nname up to "
                    + "\(SaltelliDesign.maximumInputs) with --only PATH, from:\n" + wrappedList(factors.map(\.name)))
            }
        } else {
            for written in only {
                add(try factor(written.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
                               option: "only", as: written))
            }
        }
        for r in ranges { add(try factor(r.path, option: "range", as: r.path.joined(separator: "."))) }
        if factors.isEmpty {
            throw OptionValueError.fitting(option: "method", value: "sobol", reason: "\(loaded.path) has no parameter with an assumption "
                                   + "range;\nname parameters with --only PATH and --range PATH=LOW:HIGH")
        }
        if factors.count > SaltelliDesign.maximumInputs {
            throw OptionValueError.fitting(option: "only", value: "(\(factors.count) parameters)", reason: "Sobol indices take at most "
                                   + "\(SaltelliDesign.maximumInputs) (GSL's Sobol sequence has 40 dimensions, two a parameter)")
        }
        // In path order, so the design (which parameter takes which dimension of the sequence)
        // and the bytes do not depend on the order the options came in.
        factors.sort { $0.name < $1.name }
        // A --range on a parameter with an assumption range replaces that range (widened to
        // hold the parameter's own value, which the base scenario keeps), so values outside the
        // declared range compile.
        var widened: [Override] = []
        for f in factors where f.source == "--range" && f.path.count == 3 && f.path[0] == "parameters" && f.path[2] == "value" {
            if let p = loaded.parameters.first(where: { $0.id == f.path[1] }), case .assumption = p.origin {
                widened.append(Override(path: ["parameters", p.id, "assumption"],
                                        text: "[\(number(min(f.low, p.value))), \(number(max(f.high, p.value)))]", option: "--range"))
            }
        }
        return (factors, widened)
    }

    /// Evaluates the design and estimates the indices. `overrides` holds the `--set`s, then the
    /// overrides `factors(...)` returned.
    public static func run(path: String, overrides: [Override], measure: SensitivityMeasure, factors: [Factor],
                           samples: Int, runs: Int, masterSeed: UInt64, threads: Int, resamples: Int = 1000,
                           progress: ProgressReporter? = nil) throws -> Result {
        let d = factors.count
        guard let points = SaltelliDesign.points(samples: samples, inputs: d) else {
            throw OptionValueError.fitting(option: "only", value: "(\(d) parameters)", reason: "expected 1 to \(SaltelliDesign.maximumInputs)")
        }
        // Read once, compiled at every point.
        let variants = try ScenarioVariants(path: path, overrides: overrides)
        let base = try variants.scenario([])
        let metric = if case .metric = measure { try measure.resolve(in: base, path: path, outcomeCounts: []) } else { nil as SensitivityMeasure.Resolved? }
        let simulator = Simulator(scenario: base)
        var record = [Double](repeating: 0, count: RecordLayout(base).width)
        // The base runs: the default outcome is the first that happens in them.
        var outcomeCounts = [Int](repeating: 0, count: base.outcomeNames.count)
        var sum = 0.0, finite = 0
        var baseExceeded = false
        var excess: [Double] = []
        record.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<runs {
                let (_, exceeded) = simulator.run(seed: StreamSeed.replication(master: masterSeed, index: UInt64(r)), into: buffer)
                if exceeded {
                    baseExceeded = true
                    simulator.mergeRateExcess(into: &excess)
                }
                outcomeCounts[Int(buffer[RecordLayout.outcome])] += 1
                if let metric, case let v = metric.value(UnsafeBufferPointer(buffer)), v.isFinite { sum += v; finite += 1 }
            }
        }
        let resolved = try metric ?? measure.resolve(in: base, path: path, outcomeCounts: outcomeCounts)
        let baseValue = resolved.isMetric ? (finite > 0 ? sum / Double(finite) : .nan)
            : Double(outcomeCounts[resolved.index]) / Double(runs)

        // Every corner of the box compiles before hours go into the design: the lows, the highs.
        let ranged = factors.filter { $0.source == "--range" }.map(\.name)
        for corner in [0.0, 1.0] {
            do {
                _ = try scenario(at: [Double](repeating: corner, count: d), variants, factors: factors)
            } catch {
                throw pointError(error, ranged: ranged)
            }
        }
        var outputs: [Double] = []
        outputs.reserveCapacity(points.count)
        var exceededPoints = 0
        try computeInOrder(chunks: points.count, threads: threads, worker: {}, compute: { p, _ in
            Swift.Result<(Double, [Double]?), Error> {
                let s = try scenario(at: points[p], variants, factors: factors)
                return evaluate(s, resolved, runs: runs, masterSeed: masterSeed)
            }
        }, consume: { result in
            switch result {
            case .success(let (y, pointExcess)):
                outputs.append(y)
                if let pointExcess {
                    exceededPoints += 1
                    excess = higherRateExcess(excess, pointExcess)
                }
            case .failure(let error): throw pointError(error, ranged: ranged)
            }
            progress?.update(done: outputs.count)
        })
        if outputs.contains(where: { !$0.isFinite }) {
            throw OptionValueError.fitting(option: "metric", value: resolved.name, reason: "at some points of the design no run "
                                   + "has a finite value (an observed action that never came); choose another metric")
        }
        let indices = SobolIndices(outputs: outputs, inputs: d, resamples: resamples,
                                   seed: StreamSeed.replication(master: masterSeed, index: UInt64.max))
        var rows = factors.indices.map { i in
            Row(factor: factors[i], first: indices.first[i], firstInterval: indices.firstInterval[i], total: indices.total[i],
                totalInterval: indices.totalInterval[i])
        }
        rows.sort { ($0.total.isNaN ? -1 : $0.total) > ($1.total.isNaN ? -1 : $1.total) }
        return Result(measure: resolved, samples: samples, runs: runs, baseValue: baseValue, indices: indices, rows: rows,
                      outputRange: (outputs.min() ?? .nan, outputs.max() ?? .nan),
                      replications: runs * (1 + points.count), baseRateExceeded: baseExceeded,
                      pointsRateExceeded: exceededPoints, rateExcess: base.rateExcessByProcess(excess))
    }

    /// The scenario at a point of the unit cube: parameter i at low + uᵢ (high − low), written
    /// with 12 significant digits.
    static func scenario(at u: [Double], _ variants: ScenarioVariants, factors: [Factor]) throws -> Scenario {
        try variants.scenario(zip(u, factors).map { u, f in
            Override(path: f.path, text: number(f.low + u * (f.high - f.low)), option: "--range")
        })
    }

    /// The outcome's share of R runs, or the metric's mean over those with a finite value; and,
    /// if a state-dependent rate went above its `max_rate` in one of them, per process the
    /// highest rate ÷ `max_rate` reached (see `RunResult.rateExcess`).
    static func evaluate(_ scenario: Scenario, _ measure: SensitivityMeasure.Resolved, runs: Int,
                         masterSeed: UInt64) -> (Double, [Double]?) {
        let simulator = Simulator(scenario: scenario)
        var record = [Double](repeating: 0, count: RecordLayout(scenario).width)
        var sum = 0.0, n = 0
        var excess: [Double]? = nil
        record.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<runs {
                let (_, exceeded) = simulator.run(seed: StreamSeed.replication(master: masterSeed, index: UInt64(r)), into: buffer)
                if exceeded {
                    var merged = excess ?? []
                    simulator.mergeRateExcess(into: &merged)
                    excess = merged
                }
                let v = measure.value(UnsafeBufferPointer(buffer))
                if v.isFinite { sum += v; n += 1 }
            }
        }
        return (n > 0 ? sum / Double(n) : .nan, excess)
    }

    /// A point that does not compile: blamed on the --range options, if any (the declared
    /// ranges are ranges the scenario accepts).
    static func pointError(_ error: Error, ranged: [String]) -> Error {
        guard let error = error as? ScenarioError, let first = error.diagnostics.first else { return error }
        return OptionValueError.fitting(option: ranged.isEmpty ? "method" : "range",
                                value: ranged.isEmpty ? "sobol" : ranged.joined(separator: ", "),
                                reason: "the scenario does not compile at a point of the design: \(first.path): "
                                + "expected \(first.expected), found \(first.found)")
    }

    static func number(_ x: Double) -> String { String(format: "%.12g", x) }

    /// One row per parameter, largest total index first: its range, first-order and total
    /// indices with their bootstrap 95% intervals.
    public static func csv(_ result: Result) -> String {
        var out = "parameter,label,low,high,first_order,first_order_ci95_low,first_order_ci95_high,total,total_ci95_low,total_ci95_high\n"
        func n(_ x: Double) -> String { Compare.number(x) }
        for r in result.rows {
            out += [csvQuoted(r.factor.name), csvQuoted(r.factor.label ?? ""), n(r.factor.low), n(r.factor.high), n(r.first),
                    n(r.firstInterval.low), n(r.firstInterval.high), n(r.total), n(r.totalInterval.low),
                    n(r.totalInterval.high)].joined(separator: ",") + "\n"
        }
        return out
    }
}

/// `--range PATH=LOW:HIGH`: a parameter varied uniformly over [LOW, HIGH].
public struct ParameterRange: Sendable, Equatable, CustomStringConvertible {
    public let path: [String]
    public let low: Double
    public let high: Double

    public init(parsing argument: String) throws(OptionValueError) {
        let example = "such as parameters.kh_control.value=0.4:0.9"
        guard let equals = argument.firstIndex(of: "=") else {
            throw OptionValueError.fitting(option: "range", value: argument, reason: "expected PATH=LOW:HIGH, \(example)")
        }
        let path = argument[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let bounds = argument[argument.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
        guard !path.contains(where: \.isEmpty), bounds.count == 2, let low = Double(bounds[0]), let high = Double(bounds[1]),
              low.isFinite, high.isFinite else {
            throw OptionValueError.fitting(option: "range", value: argument, reason: "expected PATH=LOW:HIGH with two numbers, \(example)")
        }
        guard low < high else {
            throw OptionValueError.fitting(option: "range", value: argument, reason: "expected LOW below HIGH")
        }
        self.path = path
        self.low = low
        self.high = high
    }

    public var description: String { "\(path.joined(separator: "."))=\(GlobalSensitivity.number(low)):\(GlobalSensitivity.number(high))" }
}
