import EscalationModel
import Foundation
import ScenarioIO

/// One `--vary PATH=FROM:TO:STEP`: the values FROM, FROM+STEP, ... up to TO.
public struct Vary: Sendable, Equatable {
    public let path: [String]
    public let values: [Double]

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
                             + "policies.us.rules.0.probability=0:1:0.25")
        }
        guard step > 0, from <= to else {
            throw BatchError("--vary \(argument): expected FROM no greater than TO and a STEP greater than 0")
        }
        let count = Int(((to - from) / step * (1 + 1e-12)).rounded(.down)) + 1
        guard count <= 10_000 else { throw BatchError("--vary \(argument): \(count) values is too many (at most 10000)") }
        self.path = path
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
    }

    /// Checks every path and compiles every grid point before running any; then runs them.
    public static func run(_ request: Request) throws -> [Point] {
        var tree = try ScenarioLoader.tree(path: request.path)
        for o in request.overrides { try o.apply(to: &tree) }
        for vary in request.varies {
            if let problem = Override.numericProblem(vary.path, in: tree) {
                throw OptionValueError(option: "vary", value: vary.name, reason: problem)
            }
        }
        var grid: [[Double]] = [[]]
        for vary in request.varies { grid = grid.flatMap { prefix in vary.values.map { prefix + [$0] } } }
        var scenarios: [Scenario] = []
        for point in grid {
            let overrides = request.overrides + zip(request.varies, point).map {
                Override(path: $0.path, text: Self.text($1), option: "--vary")
            }
            scenarios.append(try ScenarioLoader.load(path: request.path, overrides: overrides).scenario)
        }
        let progress = ProgressReporter(total: grid.count * request.runs, quiet: request.quiet)
        var points: [Point] = []
        for (i, scenario) in scenarios.enumerated() {
            var summary = BatchSummary(table: RunTable(scenario))
            let width = RecordLayout(scenario).width
            try BatchEngine(scenario: scenario).run(range: 0..<request.runs, masterSeed: request.masterSeed,
                                                    threads: request.threads) { chunk in
                for k in 0..<chunk.count { chunk.withRecord(k, width: width) { summary.add($0) } }
                progress.update(done: i * request.runs + chunk.first + chunk.count)
            }
            points.append(Point(values: grid[i], summary: summary))
        }
        progress.finish()
        return points
    }

    static func text(_ value: Double) -> String {
        var s = ""
        appendNumber(value, to: &s)
        return s
    }

    /// The tidy table: one row per grid point and metric. Columns: the varied paths, then
    /// `metric, n, estimate, ci95_low, ci95_high`. Outcome rows give the probability with a
    /// Wilson interval; the others the mean with a Student-t interval, exactly as the batch
    /// summary does.
    public static func csv(varies: [Vary], points: [Point]) -> String {
        var text = (varies.map(\.name) + ["metric", "n", "estimate", "ci95_low", "ci95_high"])
            .map(csvQuoted).joined(separator: ",") + "\n"
        for point in points {
            let prefix = point.values.map(Self.text).joined(separator: ",") + ","
            let s = point.summary
            for (k, name) in s.table.outcomeNames.enumerated() {
                let (low, high) = Interval.wilson(successes: s.outcomeCounts[k], n: s.n)
                text += prefix + "outcome_\(name),\(s.n),\(s.number(s.probability(ofOutcome: k))),"
                    + "\(s.number(low)),\(s.number(high))\n"
            }
            for (name, m) in zip(s.metricNames, s.metrics) {
                let (low, high) = Interval.mean(m.mean, sd: m.sd, n: m.n)
                text += prefix + "\(name),\(m.n),\(s.number(m.mean)),\(s.number(low)),\(s.number(high))\n"
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
}
