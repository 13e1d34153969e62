import ArgumentParser
import Experiments

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a batch into the CSV the whole batch would have written.",
        discussion: """
            Name the shard CSVs, or one folder: its files named like runs-0007-of-0064.csv (or \
            .csv.gz) are the shards, and every one of them must be there and finished; if any is \
            missing, unfinished (a .partial file beside it), cut short or broken, merge lists \
            each with the reason and the command that makes it again, and exits 65.

            Each shard's manifest must agree (program version, scenario text, overrides, seed, runs, \
            number of shards), and together the shards must cover every run exactly once.
            """
    )

    @Argument(help: "The shard CSVs, plain or gzip (each with its manifest beside it), or one folder of shards.")
    var shards: [String]

    @Option(help: "The merged per-run CSV (gzip if it ends in .gz).")
    var out: String

    @Option(help: "The summary CSV of the merged batch (gzip if it ends in .gz).")
    var summary: String?

    @Flag(name: .customLong("no-sync"),
          help: "Rename the outputs into place without first waiting for the disk to hold them (fsync): faster where the disk is slow or the file system is scratch space, but a power cut soon after may leave the merged CSV incomplete under its name.")
    var noSync = false

    func validate() throws {
        if shards.isEmpty { throw ValidationError("name at least one shard CSV, or a folder of shards") }
    }

    func run() throws {
        try reportingFailures {
            let result = try Merge.merge(inputs: shards, out: out, summaryPath: summary, durable: !noSync)
            if let rates = result.manifest.maxRateExceeded {
                warnIfRateExceeded(rates.runs > 0, where: "in " + rates.described(of: result.runs, source: ", as the shards' manifests record"))
            }
            let count = result.shards
            try say("merged \(result.runs) runs from \(count) shard\(count == 1 ? "" : "s") into \(out)")
        }
    }
}
