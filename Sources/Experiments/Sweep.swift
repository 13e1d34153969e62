import EscalationModel
import Foundation
import ScenarioIO

/// One `--vary PATH=FROM:TO:STEP`: the values FROM, FROM+STEP, ... up to TO.
public struct Vary: Sendable, Equatable {
    public let path: [String]
    public let values: [Double]
    /// As given on the command line: `PATH=FROM:TO:STEP`.
    public let argument: String

    public var name: String { path.joined(separator: ".") }

    public init(parsing argument: String) throws {
        guard let equals = argument.firstIndex(of: "=") else {
            throw BatchError("--vary \(argument): expected PATH=FROM:TO:STEP, found no '='")
        }
        let path = argument[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let range = argument[argument.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
        guard !path.contains(where: \.isEmpty), range.count == 3,
              let from = Double(range[0]), let to = Double(range[1]), let step = Double(range[2]) else {
            throw BatchError("--vary \(argument): expected PATH=FROM:TO:STEP with three numbers, such as "
                             + "parameters.kh_control.value=0.4:0.9:0.1")
        }
        guard step > 0, from <= to else {
            throw BatchError("--vary \(argument): expected FROM no greater than TO and a STEP greater than 0")
        }
        let steps = ((to - from) / step * (1 + 1e-12)).rounded(.down)
        guard steps.isFinite, steps < 10_000 else {
            // A count as large as 1e300 has no Int: written as a number, not converted.
            let count = !steps.isFinite ? "no end to the values" : steps < 1e15 ? "\(Int(steps) + 1) values"
                : String(format: "%.3g values", steps + 1)
            throw BatchError("--vary \(argument): \(count) is too many (at most 10000)")
        }
        let count = Int(steps) + 1
        self.path = path
        self.argument = argument
        // Computed, not accumulated, and rounded to 12 significant digits: 0.1 steps give 0.3,
        // not 0.30000000000000004.
        self.values = (0..<count).map { Double(String(format: "%.12g", from + Double($0) * step))! }
    }
}

/// A grid of parameter values, each run as a batch with the same replication streams (common
/// random numbers), so differences between grid points are not differences of luck.
public enum Sweep {
    public struct Request {
        public var path: String
        public var overrides: [Override]
        public var varies: [Vary]
        public var runs: Int
        public var masterSeed: UInt64
        public var threads: Int
        public var quiet = false

        public init(path: String, overrides: [Override], varies: [Vary], runs: Int, masterSeed: UInt64, threads: Int) {
            self.path = path
            self.overrides = overrides
            self.varies = varies
            self.runs = runs
            self.masterSeed = masterSeed
            self.threads = threads
        }
    }

    public struct Point {
        public let values: [Double]
        public let summary: BatchSummary
        /// Against the base point (the scenario as written, with its --set values), run by run:
        /// one per outcome, and one per metric of the summary.
        public let outcomes: [PairedProportion]
        public let metrics: [PairedMean]
        /// A state-dependent rate went above its `max_rate` in some runs at this point.
        public let rateExceeded: Bool
        /// By process id, the highest rate ÷ `max_rate` reached above 1 at this point.
        public let rateExcess: [String: Double]
    }

    /// The grid's results and its base point's.
    public struct Result {
        public let base: BatchSummary
        public let points: [Point]
        /// A state-dependent rate went above its `max_rate` in some runs of the base.
        public let baseRateExceeded: Bool
        /// By process id, the highest rate ÷ `max_rate` reached above 1 in the base's runs.
        public let baseRateExcess: [String: Double]
    }

    /// The most grid points a sweep runs: each is compiled before any runs, and keeps its summary.
    public static let maximumPoints = 10_000

    /// Grid points run together with the base point, so each point's differences from the base
    /// are paired; the base is run again for each group, which bounds memory.
    static let pointsPerGroup = 8

    /// Checks every path and compiles every grid point before running any; then runs them, each
    /// beside the base point on the same streams.
    public static func run(_ request: Request) throws -> Result {
        var tree = try ScenarioLoader.tree(path: request.path)
        for o in request.overrides { try o.apply(to: &tree) }
        for vary in request.varies {
            if let problem = Override.numericProblem(vary.path, in: tree) {
                throw OptionValueError(option: "vary", value: vary.name, reason: problem)
            }
        }
        let size = request.varies.reduce(1.0) { $0 * Double($1.values.count) }
        guard size <= Double(maximumPoints) else {
            throw OptionValueError(option: "vary", value: request.varies.map(\.name).joined(separator: ", "),
                                   reason: "a grid of \(Int(size)) points is too many (at most \(maximumPoints))")
        }
        var grid: [[Double]] = [[]]
        for vary in request.varies { grid = grid.flatMap { prefix in vary.values.map { prefix + [$0] } } }
        let base = try ScenarioLoader.load(path: request.path, overrides: request.overrides).scenario
        var scenarios: [Scenario] = []
        for point in grid {
            let overrides = request.overrides + zip(request.varies, point).map {
                Override(path: $0.path, text: Self.text($1), option: "--vary")
            }
            let scenario = try ScenarioLoader.load(path: request.path, overrides: overrides).scenario
            guard RunTable(scenario).metricColumns == RunTable(base).metricColumns else {
                throw BatchError("sweep: the point \(point.map(Self.text).joined(separator: ", ")) changes the scenario's "
                                 + "columns (its actions, sides, state or observations), so it cannot be paired with the base")
            }
            scenarios.append(scenario)
        }
        let table = RunTable(base)
        let outcomes = table.outcomeNames.count
        var baseSummary = BatchSummary(table: table)
        let progress = ProgressReporter(total: grid.count * request.runs, quiet: request.quiet)
        var points: [Point] = []
        var baseExceeded = false
        var baseExcess: [Double] = []
        for groupStart in stride(from: 0, to: scenarios.count, by: pointsPerGroup) {
            let group = Array(scenarios[groupStart..<min(groupStart + pointsPerGroup, scenarios.count)])
            var summaries = group.map { BatchSummary(table: RunTable($0)) }
            var pairedOutcomes = [[PairedProportion]](repeating: [PairedProportion](repeating: PairedProportion(), count: outcomes), count: group.count)
            var pairedMetrics = [[PairedMean]](repeating: [PairedMean](repeating: PairedMean(), count: baseSummary.metrics.count), count: group.count)
            let engine = ArmsEngine(arms: [base] + group)
            let width = engine.widths[0]
            var exceeded = [Bool](repeating: false, count: group.count)
            var excess = [[Double]](repeating: [], count: group.count)
            try engine.run(range: 0..<request.runs, masterSeed: request.masterSeed, threads: request.threads) { chunk in
                if chunk.exceeded[0] { baseExceeded = true }
                baseExcess = higherRateExcess(baseExcess, chunk.excess[0])
                for g in group.indices where chunk.exceeded[g + 1] {
                    exceeded[g] = true
                    excess[g] = higherRateExcess(excess[g], chunk.excess[g + 1])
                }
                for k in 0..<chunk.count {
                    chunk.withRecord(arm: 0, k, width: width) { b in
                        if groupStart == 0 { baseSummary.add(b) }
                        let ob = Int(b[RecordLayout.outcome])
                        for g in group.indices {
                            chunk.withRecord(arm: g + 1, k, width: width) { r in
                                summaries[g].add(r)
                                let o = Int(r[RecordLayout.outcome])
                                for j in 0..<outcomes { pairedOutcomes[g][j].add(a: ob == j, b: o == j) }
                                for m in pairedMetrics[g].indices { pairedMetrics[g][m].add(a: b[m + 1], b: r[m + 1]) }
                            }
                        }
                    }
                }
                progress.update(done: groupStart * request.runs + (chunk.first + chunk.count) * group.count)
            }
            for g in group.indices {
                points.append(Point(values: grid[groupStart + g], summary: summaries[g], outcomes: pairedOutcomes[g],
                                    metrics: pairedMetrics[g], rateExceeded: exceeded[g],
                                    rateExcess: group[g].rateExcessByProcess(excess[g])))
            }
        }
        progress.finish()
        return Result(base: baseSummary, points: points, baseRateExceeded: baseExceeded,
                      baseRateExcess: base.rateExcessByProcess(baseExcess))
    }

    /// A swept value as `--vary` and the CSV write it.
    public static func text(_ value: Double) -> String {
        var s = ""
        appendNumber(value, to: &s)
        return s
    }

    /// The tidy table: one row per grid point and metric. Columns: the varied paths, then
    /// `metric, n, estimate, ci95_low, ci95_high` (outcome rows: the probability with a Wilson
    /// interval; the others: the mean with a Student-t interval, as the batch summary), then the
    /// difference from the base point run by run on the same streams, `diff_vs_base,
    /// diff_ci95_low, diff_ci95_high, diff_p_value` (Newcombe's paired interval and McNemar's
    /// exact test for outcomes; the paired t for means, over pairs where both are finite).
    public static func csv(varies: [Vary], result: Result) -> String {
        var text = (varies.map(\.name) + ["metric", "n", "estimate", "ci95_low", "ci95_high", "diff_vs_base", "diff_ci95_low",
                                          "diff_ci95_high", "diff_p_value"])
            .map(csvQuoted).joined(separator: ",") + "\n"
        for point in result.points {
            let prefix = point.values.map(Self.text).joined(separator: ",") + ","
            let s = point.summary
            func n(_ x: Double) -> String { s.number(x) }
            for (k, name) in s.table.outcomeNames.enumerated() {
                let (low, high) = Interval.wilson(successes: s.outcomeCounts[k], n: s.n)
                let d = point.outcomes[k], ci = d.interval()
                text += prefix + "outcome_\(name),\(s.n),\(n(s.probability(ofOutcome: k))),\(n(low)),\(n(high)),"
                    + "\(n(d.difference)),\(n(ci.low)),\(n(ci.high)),\(n(d.pValue))\n"
            }
            for (i, (name, m)) in zip(s.metricNames, s.metrics).enumerated() {
                let (low, high) = Interval.mean(m.mean, sd: m.sd, n: m.n)
                let d = point.metrics[i], ci = d.interval()
                text += prefix + "\(name),\(m.n),\(n(m.mean)),\(n(low)),\(n(high)),"
                    + "\(n(d.difference)),\(n(ci.low)),\(n(ci.high)),\(n(d.pValue))\n"
            }
        }
        return text
    }

    static func csvQuoted(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// A `--vary` over a path the scenario does not have (a command-line mistake: exit 64).
/// A command-line option whose value does not fit the scenario (a path that is not there, an
/// outcome it does not have): a usage error, named by its option.
public struct OptionValueError: Error, CustomStringConvertible {
    public let option: String
    public let value: String
    public let reason: String
    public var description: String { "--\(option) \(value): \(reason)" }

    public init(option: String, value: String, reason: String) {
        self.option = option
        self.value = value
        self.reason = reason
    }
}
