import ArgumentParser
import EscalationModel
import Experiments
import Foundation
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

            Cluster use: run shard I of N with --shard I/N, or --shard auto/N to take I from a Slurm \
            job array (SLURM_ARRAY_TASK_ID) or a Kubernetes indexed Job (JOB_COMPLETION_INDEX); then \
            `escalation merge`. See docs/batches.md.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(parsing: .unconditional, help: "Number of replications in the whole batch.")
    var runs: Int

    @Option(parsing: .unconditional, help: "Master seed: replication k uses the stream of (seed, k).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Run only the I-th of N contiguous slices of the replications.", valueName: "I/N"),
            transform: { text in
                do { return try Shard(parsing: text) } catch { throw ValidationError("--shard \(text): \(error)") }
            })
    var shard: Shard = .whole

    @Option(help: "The per-run CSV (written whole, then renamed into place; a manifest goes beside it; gzip if it ends in .gz).")
    var out: String?

    @Option(help: "The summary CSV: one row a metric (gzip if it ends in .gz).")
    var summary: String?

    @Flag(help: "Continue an interrupted batch from <out>.partial.")
    var resume = false

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Flag(help: "No progress and no outcome table.")
    var quiet = false

    @OptionGroup var posterior: PosteriorOption

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
        if threads < 1 { throw ValidationError("--threads must be 1 or more") }
        if resume && out == nil { throw ValidationError("--resume needs --out") }
        if shard.count > runs { throw ValidationError("--shard \(shard): more shards than runs") }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides, posterior: posterior.choice)
            var request = BatchRequest(loaded: loaded, masterSeed: seed, runs: runs, threads: threads)
            request.shard = shard
            request.out = out
            request.summary = summary
            request.resume = resume
            request.quiet = quiet
            let result = try BatchJob.run(request)
            if result.rateExceeded {
                complain("warning: a state-dependent rate went above its max_rate in some runs; raise max_rate for exact results")
            }
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
            let shardText = shard == .whole ? "" : ", shard \(shard) (runs \(range.lowerBound)..<\(range.upperBound))"
            let rate = result.seconds > 0 ? Double(result.computed) / result.seconds : 0
            let heading = "\(loaded.scenario.title) — \(range.count) runs, seed \(seed)\(shardText), "
                + "\(threads) thread\(threads == 1 ? "" : "s"): \(humanNumber(result.seconds, digits: 1)) s, "
                + "\(Int(rate)) runs/s"
            let table = BatchTable(scenario: loaded.scenario, summary: result.summary).render(heading: heading)
            if out == nil { complain(table) } else { try say(table, terminator: "") }
        }
    }
}
