import ArgumentParser
import Experiments
import Foundation
import Reports
import ScenarioIO

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a grid of parameter values, with common random numbers.",
        discussion: """
            Every grid point runs the same replication streams, so differences between points are \
            the parameter's effect, not luck. The CSV has one row per grid point and metric: the \
            varied values, then metric, n, estimate, ci95_low, ci95_high, and the difference from \
            the base point run by run: diff_vs_base, diff_ci95_low, diff_ci95_high, \
            diff_p_value. A path must hold a number: `escalation paths SCENARIO --numbers` lists \
            them. Every path is checked, and every grid point compiled, before anything runs.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: ArgumentHelp("A parameter and its values, e.g. parameters.kh_control.value=0.4:0.9:0.1 (repeatable; the grid is every combination).",
                               valueName: "PATH=FROM:TO:STEP"),
            transform: { text in
                do { return try Vary(parsing: text) } catch { throw ValidationError("\(error)") }
            })
    var vary: [Vary] = []

    @Option(parsing: .unconditional, help: "Replications at each grid point.")
    var runs: Int

    @Option(parsing: .unconditional, help: "Master seed (the same streams at every grid point).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The sweep CSV (standard output if omitted; gzip if it ends in .gz).")
    var out: String?

    @Option(help: "Also write an HTML report: outcome probabilities against the parameter(s).")
    var report: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Flag(help: "No progress and no table.")
    var quiet = false

    func validate() throws {
        if vary.isEmpty { throw ValidationError("name at least one --vary PATH=FROM:TO:STEP") }
        // Named twice, a path would make a grid of its values against themselves.
        if let twice = vary.map(\.name).first(where: { name in vary.filter { $0.name == name }.count > 1 }) {
            throw ValidationError("--vary \(twice): expected each path once, found it twice")
        }
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
        try CountLimits.check("runs", runs, atMost: CountLimits.streamedRuns, "runs are counted in 64 bits")
        if threads < 1 { throw ValidationError("--threads must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let outputs = try claim(out, out.map(Manifest.path(forCSV:)), report, reading: [scenario])
            let started = Date()
            var request = Sweep.Request(path: scenario, overrides: overrides, varies: vary, runs: runs,
                                        masterSeed: seed, threads: threads)
            request.quiet = quiet
            let base = try ScenarioLoader.load(path: scenario, overrides: overrides)
            try outputs.protect(inputFiles(of: base))
            let result = try Sweep.run(request)
            let over = result.points.filter(\.rateExceeded).map { point in
                zip(vary, point.values).map { "\($0.name)=\(Sweep.text($1))" }.joined(separator: ", ")
            }
            var places: [String] = result.baseRateExceeded ? ["the base"] : []
            if !over.isEmpty {
                places.append("at \(over.count) of \(result.points.count) points: " + over.prefix(3).joined(separator: "; ")
                              + (over.count > 3 ? "; …" : ""))
            }
            let reached = result.points.reduce(result.baseRateExcess) { $0.merging($1.rateExcess, uniquingKeysWith: max) }
            warnIfRateExceeded(!places.isEmpty, where: places.joined(separator: ", "), reached: reached)
            let csv = Sweep.csv(varies: vary, result: result)
            var tree = try ScenarioLoader.tree(path: scenario)
            for o in overrides { try o.apply(to: &tree) }
            let labels = vary.map { ParameterLabel.title($0.path, in: tree) }
            let reproduce = reproduceLine()
            try emit(csv, to: out, in: outputs)
            if let out {
                let manifest = AnalysisManifest(
                    kind: "sweep", scenarios: [.init(role: "base", base)], seed: seed, runs: runs, threads: threads,
                    settings: ["vary": vary.map(\.argument).joined(separator: " "), "points": String(result.points.count)],
                    columns: AnalysisManifest.columns(ofCSV: csv), reproduce: reproduce, started: started)
                try outputs.stage(manifest.encoded(), for: Manifest.path(forCSV: out))
            }
            if let report {
                try outputs.stage(AnalysisReport.sweep(title: base.scenario.title, varies: vary, labels: labels, result: result,
                                                       runs: runs, seed: seed, reproduce: reproduce), for: report)
            }
            try outputs.commit()
            // With the CSV on standard output and its reader gone, nobody is there to read a table.
            guard !quiet, !(out == nil && FileWriter.standardOutputClosed) else { return }
            let table = SweepTable(scenario: base.scenario, varies: vary, labels: labels, result: result, runs: runs, seed: seed)
                .render() + (out.map { "Swept \(result.points.count) grid points × \(runs) runs into \($0).\n" } ?? "")
            if out == nil { complain(table) } else { try say(table, terminator: "") }
        }
    }

    /// The command that writes the same CSV (threads and progress do not change a byte).
    func reproduceLine() -> String {
        var words = ["escalation", "sweep", scenario]
        for v in vary { words += ["--vary", v.argument] }
        words += ["--runs", String(runs), "--seed", String(seed)]
        for o in overrides { words += ["--set", o.description] }
        return shellQuoted(words)
    }
}
