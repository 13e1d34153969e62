import ArgumentParser
import Experiments

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a batch into the CSV the whole batch would have written.",
        discussion: """
            Each shard's manifest must agree (program version, scenario text, overrides, seed, runs, \
            number of shards), and together the shards must cover every run exactly once.
            """
    )

    @Argument(help: "The shard CSVs, plain or gzip (each with its manifest beside it).")
    var shards: [String]

    @Option(help: "The merged per-run CSV (gzip if it ends in .gz).")
    var out: String

    @Option(help: "The summary CSV of the merged batch (gzip if it ends in .gz).")
    var summary: String?

    func validate() throws {
        if shards.isEmpty { throw ValidationError("name at least one shard CSV") }
    }

    func run() throws {
        try reportingFailures {
            let result = try Merge.merge(inputs: shards, out: out, summaryPath: summary)
            try say("merged \(result.runs) runs from \(shards.count) shard\(shards.count == 1 ? "" : "s") into \(out)")
        }
    }
}
