import ArgumentParser
import EscalationModel
import Experiments
import Foundation
import Reports
import ScenarioIO

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "What changes if ...? Two scenarios on the same random streams, with paired intervals.",
        discussion: """
            Arm A is the first scenario; arm B is the second, or, with one scenario, the same file \
            changed by --set. Replication k of both arms draws from the stream of (seed, k), as \
            replication k of `escalation batch` does, so each pair of runs shares its luck and the \
            differences B − A measure the change: outcome probabilities with Newcombe's paired \
            interval and McNemar's exact test, every metric with a paired t interval, and the runs \
            whose ending changed. With two scenarios, --set changes both arms; --set-a and --set-b \
            change one. The CSV has one row per outcome and metric (quantity, n, a, b, difference, \
            ci95_low, ci95_high, p_value, method); a manifest beside it holds the command that \
            reproduces it.
            """
    )

    @Argument(help: ArgumentHelp("Arm A's scenario, then arm B's (or one scenario and --set for B).", valueName: "SCENARIO"))
    var scenarios: [String]

    @Option(parsing: .unconditional, help: "Replications of each arm.")
    var runs = 10000

    @Option(parsing: .unconditional, help: "Master seed: replication k of both arms uses the stream of (seed, k).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "With one scenario: a change that makes arm B. With two: a change to both arms (repeatable).",
        valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Option(name: .customLong("set-a"), help: ArgumentHelp("A change to arm A only (repeatable).", valueName: "PATH=VALUE"),
            transform: Override.init(parsing:))
    var overridesA: [Override] = []

    @Option(name: .customLong("set-b"), help: ArgumentHelp("A change to arm B only (repeatable).", valueName: "PATH=VALUE"),
            transform: Override.init(parsing:))
    var overridesB: [Override] = []

    @Option(help: "The comparison CSV (standard output if omitted; a manifest goes beside it).")
    var out: String?

    @Option(help: "Also write an HTML report: both arms side by side, the differences and what changed.")
    var report: String?

    @Flag(help: "No progress and no table.")
    var quiet = false

    @OptionGroup var posterior: PosteriorOption

    func validate() throws {
        if scenarios.isEmpty || scenarios.count > 2 {
            throw ValidationError("name one or two scenarios (found \(scenarios.count)): A.yaml B.yaml, or A.yaml --set PATH=VALUE")
        }
        if scenarios.count == 1 && overrides.isEmpty && overridesB.isEmpty && overridesA.isEmpty {
            throw ValidationError("with one scenario, say what arm B changes with --set PATH=VALUE (or name a second scenario)")
        }
        if runs < 2 { throw ValidationError("--runs must be 2 or more") }
        try CountLimits.check("runs", runs, atMost: CountLimits.streamedRuns, "runs are counted in 64 bits")
        if threads < 1 { throw ValidationError("--threads must be 1 or more") }
    }

    /// Overrides of each arm, in the order they apply.
    var armOverrides: (a: [Override], b: [Override]) {
        scenarios.count == 1 ? (overridesA, overrides + overridesB) : (overrides + overridesA, overrides + overridesB)
    }

    func run() throws {
        try reportingFailures {
            let outputs = try claim(out, out.map(Manifest.path(forCSV:)), report, reading: scenarios)
            let started = Date()
            let (setA, setB) = armOverrides
            let pathA = scenarios[0], pathB = scenarios.count == 2 ? scenarios[1] : scenarios[0]
            // --posterior is for the arms that draw from one: an arm with nothing calibrated (another
            // scenario, or one whose --set pins every calibrated parameter) runs as it is. Only
            // when neither arm has anything to draw is it a mistake.
            func load(_ path: String, _ set: [Override]) throws -> LoadedScenario? {
                do { return try ScenarioLoader.load(path: path, overrides: set, posterior: posterior.choice) } catch is PosteriorOptionError {
                    return nil
                }
            }
            let drawnA = try load(pathA, setA), drawnB = try load(pathB, setB)
            if drawnA == nil && drawnB == nil { _ = try ScenarioLoader.load(path: pathA, overrides: setA, posterior: posterior.choice) }
            let a = try drawnA ?? ScenarioLoader.load(path: pathA, overrides: setA)
            let b = try drawnB ?? ScenarioLoader.load(path: pathB, overrides: setB)
            try outputs.protect(inputFiles(of: a) + inputFiles(of: b))
            var treeA = try ScenarioLoader.tree(path: pathA), treeB = try ScenarioLoader.tree(path: pathB)
            for o in setA { try o.apply(to: &treeA) }
            for o in setB { try o.apply(to: &treeB) }
            var differences = ScenarioDiff.differences(treeA, treeB)
            let infoA = AnalysisManifest.ScenarioInfo(role: "a", a), infoB = AnalysisManifest.ScenarioInfo(role: "b", b)
            if infoA.posterior != infoB.posterior || infoA.posteriorHash != infoB.posteriorHash {
                differences.append(.init(path: ["posterior"], a: infoA.posterior ?? "(none)", b: infoB.posterior ?? "(none)"))
            }

            var request = Compare.Request(a: a, b: b, runs: runs, masterSeed: seed, threads: threads)
            request.quiet = quiet
            let clock = Date()
            let result = try Compare.run(request)
            let seconds = Date().timeIntervalSince(clock)
            let csv = Compare.csv(result)
            let manifest = AnalysisManifest(
                kind: "compare", scenarios: [infoA, infoB], seed: seed, runs: runs, threads: threads,
                settings: ["set": overrides.map(\.description).joined(separator: " "),
                           "set-a": overridesA.map(\.description).joined(separator: " "),
                           "set-b": overridesB.map(\.description).joined(separator: " ")].filter { !$0.value.isEmpty },
                columns: AnalysisManifest.columns(ofCSV: csv), reproduce: reproduceLine(), started: started)
            try emit(csv, to: out, in: outputs)
            if let out { try outputs.stage(manifest.encoded(), for: Manifest.path(forCSV: out)) }
            if let report {
                try outputs.stage(CompareReport.render(a: .init(loaded: a, tree: treeA), b: .init(loaded: b, tree: treeB),
                                                       result: result, differences: differences, manifest: manifest), for: report)
            }
            try outputs.commit()
            let arms = zip(["A", "B"], result.rateExcess).compactMap { $1.isEmpty ? nil : "\($0): \(rateExcessText($1))" }
            warnIfRateExceeded(result.rateExceeded, where: arms.isEmpty ? nil : arms.joined(separator: "; "))
            // With the CSV on standard output and its reader gone, nobody is there to read a table.
            guard !quiet, !(out == nil && FileWriter.standardOutputClosed) else { return }
            let rate = seconds > 0 ? Double(2 * runs) / seconds : 0
            let heading = [
                "A: \(a.scenario.title) (\(describe(pathA, setA)))",
                "B: \(b.scenario.title) (\(describe(pathB, setB)))",
                "\(runs) runs of each on the same streams, seed \(seed), \(threads) thread\(threads == 1 ? "" : "s"): "
                    + "\(humanNumber(seconds, digits: 1)) s, \(Int(rate)) runs/s",
            ]
            let table = CompareTable(a: a.scenario, b: b.scenario, result: result, differences: differences).render(heading: heading)
            if out == nil { complain(table) } else { try say(table, terminator: "") }
        }
    }

    func describe(_ path: String, _ overrides: [Override]) -> String {
        ([path] + overrides.map { "--set \($0)" }).joined(separator: " ")
    }

    /// The command that writes the same CSV (threads and progress do not change a byte).
    func reproduceLine() -> String {
        var words = ["escalation", "compare"] + scenarios + ["--runs", String(runs), "--seed", String(seed)]
        for o in overrides { words += ["--set", o.description] }
        for o in overridesA { words += ["--set-a", o.description] }
        for o in overridesB { words += ["--set-b", o.description] }
        if let p = posterior.posterior { words += ["--posterior", p] }
        return shellQuoted(words)
    }
}
