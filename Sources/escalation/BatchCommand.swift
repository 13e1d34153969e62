import ArgumentParser
import EscalationModel
import Experiments
import Foundation
import Record
import Reports
import ScenarioIO
import Stochastics

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run a scenario many times; write one CSV row a run and the statistics.",
        discussion: """
            Replication k draws only from the stream of (seed, k), so the CSV is the same bytes on any \
            number of threads, in shards merged with `escalation merge`, or resumed after a kill. \
            Without --out the CSV goes to standard output and the outcome table to standard error.

            Cluster use: --plan slurm|k8s|shell --shards N writes the job scripts (or manifests) that \
            run the N shards into the folder NAME.shards beside --out (NAME-0001-of-00NN.csv, ...) \
            and merge them into --out, and prints how to start them; nothing runs. By hand: run \
            shard I of N with --shard I/N (or --shard auto/N to take I from a Slurm job array's \
            SLURM_ARRAY_TASK_ID or a Kubernetes indexed Job's JOB_COMPLETION_INDEX); then \
            `escalation merge`. See docs/batches.md.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(parsing: .unconditional, help: "Number of replications in the whole batch.")
    var runs: Int

    @Option(parsing: .unconditional, help: "Master seed: replication k uses the stream of (seed, k).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores; with --plan, threads a shard: 1).")
    var threads: Int?

    @Option(help: ArgumentHelp("Run only the I-th of N contiguous slices of the replications.", valueName: "I/N"),
            transform: { text in
                do { return try Shard(parsing: text) } catch { throw ValidationError("--shard \(text): \(error)") }
            })
    var shard: Shard = .whole

    @Option(help: "The per-run CSV (written whole, then renamed into place; a manifest goes beside it; gzip if it ends in .gz).")
    var out: String?

    @Option(help: "The summary CSV: one row a metric (gzip if it ends in .gz).")
    var summary: String?

    @Flag(help: "Continue an interrupted batch from <out>.partial; if <out> is this batch finished, check it and run nothing (made again if it does not check).")
    var resume = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Flag(help: "No progress and no outcome table.")
    var quiet = false

    @OptionGroup var posterior: PosteriorOption

    @Option(help: ArgumentHelp("Write the job scripts (slurm), Job manifests (k8s) or script (shell) that run the batch in --shards shards and merge them; run nothing.",
                               valueName: "slurm|k8s|shell"),
            transform: { text in
                guard let kind = BatchPlan.Kind(rawValue: text) else {
                    throw ValidationError("--plan \(text): expected slurm, k8s or shell")
                }
                return kind
            })
    var plan: BatchPlan.Kind?

    @Option(parsing: .unconditional, help: "With --plan: the number of shards (array tasks, pods).")
    var shards: Int?

    @Option(help: "With --plan k8s: the container image (built from the repository's Containerfile).")
    var image = "localhost/escalation:latest"

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
        try CountLimits.check("runs", runs, atMost: CountLimits.streamedRuns, "runs are counted in 64 bits")
        if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more") }
        if let plan {
            guard let shards else { throw ValidationError("--plan \(plan.rawValue) needs --shards N, the number of shards") }
            if shards < 1 { throw ValidationError("--shards must be 1 or more") }
            if shards > runs { throw ValidationError("--shards \(shards): more shards than runs") }
            guard let out else { throw ValidationError("--plan \(plan.rawValue) needs --out, the merged CSV (the shards go in a folder beside it)") }
            if shard != .whole { throw ValidationError("--plan writes every shard's command; drop --shard") }
            if resume { throw ValidationError("--plan runs nothing to resume; its shards run with --resume") }
            if plan == .k8s && !out.hasPrefix("/data/") {
                throw ValidationError("--plan k8s: --out \(out) must be on the volume the pods mount at /data (for example /data/\(ShardFiles.split(out).stem.split(separator: "/").last ?? "runs").csv)")
            }
            if let summary, plan == .k8s, !summary.hasPrefix("/data/") {
                throw ValidationError("--plan k8s: --summary \(summary) must be on the volume the pods mount at /data")
            }
            return
        }
        if shards != nil { throw ValidationError("--shards goes with --plan; to run one shard, use --shard I/N") }
        if resume && out == nil { throw ValidationError("--resume needs --out") }
        if shard.count > runs { throw ValidationError("--shard \(shard): more shards than runs") }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides, posterior: posterior.choice)
            if let plan { return try writePlan(plan, loaded) }
            let threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
            var request = BatchRequest(loaded: loaded, masterSeed: seed, runs: runs, threads: threads)
            request.shard = shard
            request.out = out
            request.summary = summary
            request.resume = resume
            request.quiet = quiet
            let result = try BatchJob.run(request)
            if let why = result.replacedBroken {
                complain("warning: \(out!) was finished by its manifest, but \(why); it was made again")
            }
            let shardRuns = result.manifest.shard.end - result.manifest.shard.first
            warnIfRateExceeded(result.rateExceeded, where: result.manifest.maxRateExceeded.map { "in " + $0.described(of: shardRuns) })
            let invalid = result.summary.outcomeCounts[loaded.scenario.invalidOutcome]
            if invalid > 0 {
                complain("warning: \(invalid) run\(invalid == 1 ? "" : "s") ended invalid: a value computed during the run was "
                         + "infinite, not a number, or beyond its sampler's range (a Poisson or negative-binomial mean above "
                         + "\(format(Distribution.maximumCountMean))); replay one with "
                         + (out.map { "`escalation run --from \($0) --row K`" } ?? "`escalation run --replication K --master-seed \(seed)`")
                         + ", K its run column")
            }
            guard !quiet else { return }
            let range = shard.range(ofRuns: runs)
            if result.alreadyFinished {
                try say("\(out!) is already finished (its manifest matches and every row checks): nothing ran"
                        + (summary.map { "; its summary is in \($0)" } ?? ""))
            }
            let shardText = shard == .whole ? "" : ", shard \(shard) (runs \(range.lowerBound)..<\(range.upperBound))"
            let rate = result.seconds > 0 ? Double(result.computed) / result.seconds : 0
            let heading = "\(loaded.scenario.title) — \(range.count) runs, seed \(seed)\(shardText), "
                + (result.alreadyFinished ? "read back from \(out!)"
                   : "\(threads) thread\(threads == 1 ? "" : "s"): \(humanNumber(result.seconds, digits: 1)) s, \(Int(rate)) runs/s")
            let table = BatchTable(scenario: loaded.scenario, summary: result.summary).render(heading: heading)
            if out == nil { complain(table) } else { try say(table, terminator: "") }
        }
    }

    /// Everything a plan's files and its merge will write, checked before anything is made: no
    /// name is given twice (`--summary runs.sh` beside a shell plan's `runs.sh`), none holds a
    /// control character (the names are written into scripts) or is too long, and, on this
    /// machine (not for Kubernetes, whose paths are the pod's), the merge's outputs are regular
    /// files or new and none is a file the batch reads. The merge would refuse them only after
    /// every shard had run.
    func checkPlan(_ plan: BatchPlan, files: [String], loaded: LoadedScenario) throws {
        let kind = plan.kind, workingDirectory = plan.workingDirectory
        let merged = [out!, Manifest.path(forCSV: out!)] + (summary.map { [$0] } ?? [])
        let all = files + merged
        for path in all { try OutputFiles.checkName(path) }
        // Every shard's files are named alike (the index padded to one width): the first's stand
        // for all.
        let shard = plan.shardPath(1)
        for path in [shard, Manifest.path(forCSV: shard)] { try OutputFiles.checkName(path) }
        for path in [shard + ".partial", shard + ".partial.json"] { try OutputFiles.checkName(path, workFile: true) }
        if let twice = all.first(where: { p in all.filter { OutputFiles.canonical($0) == OutputFiles.canonical(p) }.count > 1 }) {
            throw WriteError(path: twice, reason: "it is named for two outputs of the same command (the plan's files and the merge's "
                             + "outputs: " + all.joined(separator: ", ") + ")")
        }
        if let control = firstControlCharacter(in: workingDirectory) {
            throw WriteError(path: workingDirectory, reason: "the plan runs in this folder, whose name holds the control character "
                             + "\(codePoint(control)); run from a folder without one")
        }
        if let control = firstControlCharacter(in: image) {
            throw ValidationError("--image: expected an image name, found the control character \(codePoint(control))")
        }
        if let problem = plan.slurmOutputProblem { throw WriteError(path: plan.folder, reason: problem) }
        guard kind != .k8s else { return }
        for path in merged where FileManager.default.fileExists(atPath: path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil {
            try OutputFiles.checkTarget(path)
        }
        try OutputFiles.refuseInputs(merged + files, inputFiles(of: loaded))
    }

    /// Writes the plan's files (all or none), makes the shards' folder, and says how to start it.
    func writePlan(_ kind: BatchPlan.Kind, _ loaded: LoadedScenario) throws {
        let threads = threads ?? 1
        let manifest = Manifest.planned(loaded, seed: seed, runs: runs, threads: threads)
        let here = FileManager.default.currentDirectoryPath
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var plan = BatchPlan(batch: manifest, kind: kind, shards: shards!, out: out!, summary: summary, threads: threads,
                             workingDirectory: kind == .k8s ? "/opt/escalation" : here,
                             program: kind == .k8s ? "escalation" : executable)
        plan.image = image
        let (files, start) = plan.files()
        try checkPlan(plan, files: files.map(\.path), loaded: loaded)
        // The shards' folder first (Slurm writes its logs there, and the scripts sit beside it),
        // with the output's folder DIR if it is new: `--out DIR/NAME.csv` names where the whole
        // run goes (a Kubernetes plan's paths are the pod's, not this machine's). A folder made
        // here is removed again if the plan's files cannot be written.
        var made: [String] = []
        if kind != .k8s {
            // The folders that are new, from the shards' folder up (removed in that order).
            var folder = plan.folder
            while !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
                made.append(folder)
                folder = folderPart(of: folder)
            }
            do {
                try FileManager.default.createDirectory(atPath: plan.folder, withIntermediateDirectories: true)
            } catch {
                for folder in made { rmdir(folder) }
                throw WriteError(path: plan.folder, reason: "cannot make the shards' folder (\(error.localizedDescription))")
            }
        }
        do {
            let outputs = try OutputFiles(files.map { $0.path })
            for file in files { try outputs.stage(file.text, for: file.path) }
            try outputs.commit()
        } catch {
            for folder in made { rmdir(folder) }
            throw error
        }
        for file in files where file.executable { chmod(file.path, 0o755) }
        try say("\(loaded.scenario.title): \(runs) runs, seed \(seed), in \(shards!) shards of \(threads) thread\(threads == 1 ? "" : "s") "
                + "into \(plan.folder)/, merged into \(out!)\(summary.map { " and " + $0 } ?? "")")
        try say("Wrote " + files.map { $0.path }.joined(separator: ", ") + ". Start it with:")
        for line in start { try say("  " + line) }
        if kind != .shell { try say("If a shard fails, `\(shellQuoted(["escalation", "merge", plan.folder, "--out", out!]))` names it and prints the command that re-runs it.") }
    }
}
