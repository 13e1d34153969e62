import ArgumentParser
import Experiments
import Foundation
import Reports
import ScenarioIO

struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Rank parameters by their effect on an outcome's probability or a metric's mean.",
        discussion: """
            One at a time (--method oat, a tornado chart): each numeric parameter of the scenario \
            (or those named with --only) is scaled by 1 - change and 1 + change (0.8 and 1.2 by \
            default; probabilities capped at 1), and the two variants run on the same random \
            streams, so each swing (raised - lowered) gets a paired 95% interval. Numbers inside \
            expressions, rungs, dates, bounds and documented casualties are not varied.

            Global (--method sobol): first-order and total Sobol indices over the parameters' \
            ranges (assumption ranges, priors' 5-95% quantiles, or --range), from Saltelli's \
            design on GSL's Sobol sequence with bootstrap intervals; at most 20 parameters. It \
            costs samples x (parameters + 2) x runs replications.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case oat, sobol
    }

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(help: "oat: one parameter at a time (a tornado); sobol: Sobol indices over the parameters' ranges.")
    var method: Method = .oat
    @Option(help: "The outcome whose probability is ranked (default: the first the scenario declares that happens in the base runs).")
    var outcome: String?
    @Option(help: "Rank by the mean of this column of the per-run CSV instead (us_killed, max_rung, events ...).")
    var metric: String?
    @Option(parsing: .unconditional, help: "Relative change, up and down (oat; default 0.2).") var change: Double?
    @Option(parsing: .unconditional, help: "Replications per variant or design point (default: 2000 for oat, 200 for sobol).")
    var runs: Int?
    @Option(parsing: .unconditional, help: "Rows of Saltelli's design (sobol; default 64; powers of two suit the sequence).")
    var samples: Int?
    @Option(parsing: .unconditional, help: "Master seed (the same streams for every variant).") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("only"), help: ArgumentHelp("Vary only this parameter (repeatable), e.g. parameters.kh_control.value; list items by index or name.",
                                                          valueName: "PATH"))
    var only: [String] = []
    @Option(name: .customLong("range"), help: ArgumentHelp("Vary this parameter over [LOW, HIGH] (sobol; repeatable).",
                                                           valueName: "PATH=LOW:HIGH"))
    var rangeTexts: [String] = []
    /// Parsed by `validate()` first, which reports a malformed one.
    var ranges: [ParameterRange] { rangeTexts.map { try! ParameterRange(parsing: $0) } }
    @Option(help: "The sensitivity CSV (standard output if omitted; gzip if it ends in .gz; with a file, its manifest goes beside it).") var out: String?
    @Option(help: "Also write an HTML report with the chart.") var report: String?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []
    @Flag(help: "No progress and no summary.") var quiet = false

    func validate() throws {
        if outcome != nil && metric != nil { throw ValidationError("--outcome and --metric: expected one of them, not both") }
        for text in rangeTexts {
            do { _ = try ParameterRange(parsing: text) } catch { throw ValidationError("\(error)") }
        }
        if let runs, runs < 1 { throw ValidationError("--runs: expected 1 or more, found \(runs)") }
        if let runs { try CountLimits.check("runs", runs, atMost: CountLimits.streamedRuns, "runs are counted in 64 bits") }
        if threads < 1 { throw ValidationError("--threads: expected 1 or more, found \(threads)") }
        if let twice = only.first(where: { path in only.filter { $0 == path }.count > 1 }) {
            throw ValidationError("--only \(twice): expected each path once, found it twice")
        }
        switch method {
        case .oat:
            if let change, !(change > 0 && change < 1) {
                throw ValidationError("--change: expected a share between 0 and 1, such as 0.2, found \(change)")
            }
            if samples != nil { throw ValidationError("--samples: expected only with --method sobol") }
            if !ranges.isEmpty { throw ValidationError("--range: expected only with --method sobol (oat scales by --change)") }
        case .sobol:
            if change != nil { throw ValidationError("--change: expected only with --method oat (sobol varies over ranges; see --range)") }
            if let samples, samples < 4 { throw ValidationError("--samples: expected 4 or more, found \(samples)") }
            if let samples {
                try CountLimits.check("samples", samples, atMost: CountLimits.samples, "the design keeps each of its points")
            }
        }
    }

    /// What --outcome or --metric asked for.
    var requested: SensitivityMeasure { metric.map { .metric($0) } ?? .outcome(outcome) }

    func run() throws {
        try reportingFailures {
            let started = Date()
            let manifest = out.map(Manifest.path(forCSV:))
            let outputs = try claim(out, manifest, report, reading: [scenario])
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides)
            try outputs.protect(inputFiles(of: loaded))
            let csv: String, measure: SensitivityMeasure.Resolved, page: String?, settings: [String: String], summary: [String]
            let runs = self.runs ?? (method == .oat ? 2000 : 200)
            switch method {
            case .oat:
                let change = self.change ?? 0.2
                let count = only.isEmpty ? Sensitivity.parameters(in: try ScenarioLoader.tree(path: scenario)).count : only.count
                let progress = ProgressReporter(total: count, label: "parameters", quiet: quiet)
                let result = try Sensitivity.run(path: scenario, overrides: overrides, measure: requested, change: change,
                                                 only: only.isEmpty ? nil : only, runs: runs, masterSeed: seed, threads: threads,
                                                 progress: progress)
                progress.finish()
                let over = result.rows.filter(\.rateExceeded).map(\.path)
                var places: [String] = result.baseRateExceeded ? ["the base"] : []
                if !over.isEmpty { places.append("varying " + over.prefix(3).joined(separator: ", ") + (over.count > 3 ? ", …" : "")) }
                let reached = result.rows.reduce(result.baseRateExcess) { $0.merging($1.rateExcess, uniquingKeysWith: max) }
                warnIfRateExceeded(!places.isEmpty, where: places.joined(separator: "; "), reached: reached)
                (csv, measure) = (Sensitivity.csv(result), result.measure)
                let command = reproduce(measure, runs: runs, out: out)
                page = report.map { _ in AnalysisReport.sensitivity(title: loaded.scenario.title, result, reproduce: command) }
                settings = ["method": "oat", "change": "\(change)"]
                summary = Self.summary(result)
            case .sobol:
                let samples = self.samples ?? 64
                var tree = try ScenarioLoader.tree(path: scenario)
                for o in overrides { try o.apply(to: &tree) }
                let (factors, widened) = try GlobalSensitivity.factors(loaded, tree: tree, only: only, ranges: ranges)
                let progress = ProgressReporter(total: samples * (factors.count + 2), label: "points", quiet: quiet)
                let result = try GlobalSensitivity.run(path: scenario, overrides: overrides + widened, measure: requested,
                                                       factors: factors, samples: samples, runs: runs, masterSeed: seed,
                                                       threads: threads, progress: progress)
                progress.finish()
                let designPoints = result.replications / result.runs - 1
                var places: [String] = result.baseRateExceeded ? ["the base"] : []
                if result.pointsRateExceeded > 0 {
                    places.append("at \(result.pointsRateExceeded) of \(designPoints) points of the design")
                }
                warnIfRateExceeded(!places.isEmpty, where: places.joined(separator: ", "), reached: result.rateExcess)
                (csv, measure) = (GlobalSensitivity.csv(result), result.measure)
                let command = reproduce(measure, runs: runs, out: out)
                page = report.map { _ in AnalysisReport.sobol(title: loaded.scenario.title, result, reproduce: command) }
                settings = ["method": "sobol", "samples": "\(samples)", "bootstrap resamples": "\(result.indices.resamples)",
                            "parameters": factors.map(\.setting).joined(separator: "; ")]
                summary = Self.summary(result)
            }
            try emit(csv, to: out, in: outputs)
            if let out, let manifest {
                var all = settings
                all[measure.isMetric ? "metric" : "outcome"] = measure.name
                if !only.isEmpty { all["only"] = only.joined(separator: "; ") }
                let record = AnalysisManifest(kind: "sensitivity", scenarios: [.init(role: "base", loaded)], seed: seed, runs: runs,
                                              threads: threads, settings: all, columns: AnalysisManifest.columns(ofCSV: csv),
                                              reproduce: reproduce(measure, runs: runs, out: out), started: started)
                try outputs.stage(record.encoded(), for: manifest)
            }
            if let report, let page { try outputs.stage(page, for: report) }
            try outputs.commit()
            if !quiet && out != nil {
                for line in summary { try say(Self.fit(line)) }
            }
        }
    }

    /// The command that writes the same CSV: every option that changes its bytes, with the
    /// measure and the run count as resolved (a default outcome named).
    func reproduce(_ measure: SensitivityMeasure.Resolved, runs: Int, out: String? = nil) -> String {
        var words = ["escalation", "sensitivity", scenario]
        if method == .sobol { words += ["--method", "sobol"] }
        words += [measure.isMetric ? "--metric" : "--outcome", measure.name]
        if method == .oat { words += ["--change", "\(change ?? 0.2)"] }
        if method == .sobol { words += ["--samples", "\(samples ?? 64)"] }
        words += ["--runs", "\(runs)", "--seed", "\(seed)"]
        for path in only { words += ["--only", path] }
        for range in ranges { words += ["--range", range.description] }
        for o in overrides { words += ["--set", o.description] }
        if let out { words += ["--out", out] }
        return shellQuoted(words)
    }

    /// A line cut to 100 columns.
    static func fit(_ line: String) -> String { line.count <= 100 ? line : String(line.prefix(99)) + "…" }

    static func summary(_ result: Sensitivity.Result) -> [String] {
        let m = result.measure
        let value = { (x: Double) in m.isMetric ? String(format: "%.3g", x) : String(format: "%.1f%%", 100 * x) }
        let swing = { (x: Double) -> String in
            let text = m.isMetric ? String(format: "%+.3g", x) : String(format: "%+.1f", 100 * x)
            return Double(text) == 0 ? "0" : text
        }
        var lines = ["Most influential on \(m.phrase), \(value(result.baseValue)) in the base scenario;",
                     "swing = raised − lowered\(m.isMetric ? "" : " (in points)") [95% paired interval], parameter:"]
        for row in result.rows.prefix(5) {
            lines.append("  \(swing(row.swing)) [\(swing(row.swingInterval.low)), \(swing(row.swingInterval.high))]  \(row.path)")
            if let label = row.label { lines.append("      \(label)") }
        }
        if result.rows.isEmpty { lines.append("  (no parameter could be varied)") }
        lines.append("A swing whose interval holds 0 is within the noise of \(result.runs) runs.")
        return lines
    }

    static func summary(_ result: GlobalSensitivity.Result) -> [String] {
        let m = result.measure, d = result.rows.count
        let value = m.isMetric ? String(format: "%.3g", result.baseValue) : String(format: "%.1f%%", 100 * result.baseValue)
        var lines = ["Sobol indices of \(m.phrase) (\(value) at the scenario's values), \(d) parameter\(d == 1 ? "" : "s"),",
                     "\(result.samples) rows × \(d + 2) points × \(result.runs) runs (\(result.replications) runs in all):"]
        if result.indices.variance == 0 || result.indices.variance.isNaN {
            lines.append("  \(m.phrase) is the same at every point: there is no variance to apportion.")
            return lines
        }
        lines.append("  first order [95%]      total [95%]            parameter")
        // Fixed decimals, without the minus of a value that rounds to 0.
        func f(_ x: Double, _ digits: Int) -> String {
            let text = String(format: "%.\(digits)f", x)
            return Double(text) == 0 ? String(format: "%.\(digits)f", 0.0) : text
        }
        func cell(_ x: Double, _ i: (low: Double, high: Double)) -> String {
            let text = f(x, 3)
            return (String(repeating: " ", count: max(0, 6 - text.count)) + "\(text) [\(f(i.low, 2)), \(f(i.high, 2))]")
                .padding(toLength: 23, withPad: " ", startingAt: 0)
        }
        for r in result.rows {
            lines.append("  \(cell(r.first, r.firstInterval))\(cell(r.total, r.totalInterval))\(r.factor.name)")
            if let label = r.factor.label { lines.append("      \(label)") }
        }
        return lines
    }
}
