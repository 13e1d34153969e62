import Foundation
import ScenarioIO

/// The names of a sharded batch's files in its folder: shard I of N of a batch whose output is
/// `runs.csv` is `runs-0007-of-0064.csv` (or `.csv.gz`), its manifest `runs-0007-of-0064.manifest.json`.
/// Indices are written with at least four digits, more when N needs them, so that the files sort
/// in shard order by name.
public enum ShardFiles {
    /// The parts of a shard file's name.
    public struct Name: Equatable, Sendable, CustomStringConvertible {
        /// What comes before `-IIII-of-NNNN`: `runs`.
        public var stem: String
        public var index: Int
        public var count: Int
        /// `.csv` or `.csv.gz`.
        public var ext: String

        public init(stem: String, index: Int, count: Int, ext: String = ".csv") {
            self.stem = stem
            self.index = index
            self.count = count
            self.ext = ext
        }

        public var description: String {
            let width = max(4, String(count).count)
            return stem + "-" + Self.padded(index, width) + "-of-" + Self.padded(count, width) + ext
        }

        static func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }

        /// Reads `STEM-IIII-of-NNNN.csv` or `.csv.gz` (a file name, no folder); nil for any other
        /// name, including an index outside 1…N or digits padded to a different width than N's.
        public init?(parsing fileName: String) {
            var base = Substring(fileName)
            let ext: String
            if base.hasSuffix(".csv.gz") { ext = ".csv.gz"; base = base.dropLast(7) }
            else if base.hasSuffix(".csv") { ext = ".csv"; base = base.dropLast(4) }
            else { return nil }
            guard let of = base.range(of: "-of-", options: .backwards) else { return nil }
            let countText = base[of.upperBound...]
            let head = base[..<of.lowerBound]
            guard let dash = head.lastIndex(of: "-") else { return nil }
            let indexText = head[head.index(after: dash)...]
            let stem = String(head[..<dash])
            guard !stem.isEmpty, !indexText.isEmpty, !countText.isEmpty,
                  indexText.allSatisfy(\.isASCII), countText.allSatisfy(\.isASCII),
                  indexText.allSatisfy(\.isNumber), countText.allSatisfy(\.isNumber),
                  let index = Int(indexText), let count = Int(countText),
                  count >= 1, (1...count).contains(index) else { return nil }
            self.init(stem: stem, index: index, count: count, ext: ext)
            // One spelling per shard: runs-7-of-64.csv is not runs-0007-of-0064.csv.
            guard description == fileName else { return nil }
        }
    }

    /// The stem and extension of a batch's output name: `out/runs.csv.gz` → (`out/runs`, `.csv.gz`);
    /// a name with neither ending keeps the whole name as its stem and takes `.csv`.
    public static func split(_ path: String) -> (stem: String, ext: String) {
        if path.hasSuffix(".csv.gz") { return (String(path.dropLast(7)), ".csv.gz") }
        if path.hasSuffix(".csv") { return (String(path.dropLast(4)), ".csv") }
        return (path, ".csv")
    }
}

extension Manifest {
    /// What a manifest of the whole batch of `loaded` would say before it runs (no columns,
    /// times or shard): enough for its commands.
    public static func planned(_ loaded: LoadedScenario, seed: UInt64, runs: Int, threads: Int) -> Manifest {
        var manifest = Manifest(version: ProgramVersion.string, scenario: loaded.path, title: loaded.scenario.title,
                                scenarioHash: scenarioHash(loaded), overrides: loaded.overrides.map(\.description),
                                seed: String(seed), runs: runs, shard: .init(index: 1, count: 1, first: 0, end: runs),
                                threads: threads, columns: [], outcomes: [], started: "", finished: "")
        manifest.record(loaded.posterior)
        return manifest
    }

    /// The words of the `escalation batch` command that writes `out` as this manifest's batch
    /// (its scenario as the manifest names it, overrides, posterior, seed and runs), for the
    /// shard given, or the whole batch when nil; with `--resume` when asked.
    public func batchArguments(out: String?, shard: Shard?, resume: Bool = false, quiet: Bool = true,
                               program: String = "escalation") -> [String] {
        var words = [program, "batch", scenario, "--runs", String(runs), "--seed", seed]
        if let shard, shard.count > 1 || shard.index != 1 { words += ["--shard", shard.description] }
        for o in overrides { words += ["--set", o] }
        if let posterior { words += ["--posterior", posterior] }
        if let out { words += ["--out", out] }
        if resume { words.append("--resume") }
        if quiet { words.append("--quiet") }
        return words
    }

    /// `batchArguments` as one line a person can paste into a shell.
    public func batchCommand(out: String?, shard: Shard?, resume: Bool = false, quiet: Bool = true,
                             program: String = "escalation") -> String {
        shellQuoted(batchArguments(out: out, shard: shard, resume: resume, quiet: quiet, program: program))
    }
}
