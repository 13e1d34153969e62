import Experiments
import Foundation
import TestSupport
import Testing

/// `escalation merge FOLDER`: the shards found by their names (`runs-0002-of-0004.csv`), and
/// a refusal that lists every shard not ready with the command that makes it.
@Suite(.serialized)
struct MergeFolderTests {
    let flagship = "Scenarios/taji-2020.yaml"
    let runs = "3001"

    func name(_ i: Int, _ ext: String = ".csv") -> String { ShardFiles.Name(stem: "runs", index: i, count: 4, ext: ext).description }

    /// The batch run whole, and its four shards in `shards/` (the third gzip-compressed).
    func batch(in dir: URL) throws -> (csv: Data, summary: Data, shards: URL) {
        let whole = dir.appendingPathComponent("whole.csv").path
        let made = try runEscalation(["batch", flagship, "--runs", runs, "--seed", "4", "--out", whole,
                                      "--summary", whole + ".summary", "--quiet"])
        #expect(made.status == 0, "\(made.stderr)")
        let shards = dir.appendingPathComponent("shards")
        try FileManager.default.createDirectory(at: shards, withIntermediateDirectories: true)
        for i in 1...4 {
            let out = shards.appendingPathComponent(name(i, i == 3 ? ".csv.gz" : ".csv")).path
            let shard = try runEscalation(["batch", flagship, "--runs", runs, "--seed", "4", "--shard", "\(i)/4", "--out", out, "--quiet"])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        return (try Data(contentsOf: URL(fileURLWithPath: whole)), try Data(contentsOf: URL(fileURLWithPath: whole + ".summary")), shards)
    }

    func merged(_ shards: URL, into dir: URL) throws -> (result: CommandResult, csv: Data?, summary: Data?) {
        let out = dir.appendingPathComponent("merged.csv").path
        let result = try runEscalation(["merge", shards.path, "--out", out, "--summary", out + ".summary"])
        return (result, FileManager.default.contents(atPath: out), FileManager.default.contents(atPath: out + ".summary"))
    }

    /// Runs a command line as printed, in the shell, from the repository's root, with the built
    /// `escalation` first on the PATH.
    func shell(_ line: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        process.currentDirectoryURL = repositoryRoot
        var environment = ProcessInfo.processInfo.environment
        let bin = URL(fileURLWithPath: escalationExecutable).deletingLastPathComponent().path
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func aFolderOfFinishedShardsMergesToTheWholeBatch() throws {
        let dir = try temporaryDirectory()
        let whole = try batch(in: dir)
        let merge = try merged(whole.shards, into: dir)
        #expect(merge.result.status == 0, "\(merge.result.stderr)")
        #expect(merge.result.stdout == "merged 3001 runs from 4 shards into \(dir.appendingPathComponent("merged.csv").path)\n")
        #expect(merge.csv == whole.csv)
        #expect(merge.summary == whole.summary)
        // --no-sync changes when the bytes reach the disk, never what they are.
        let unsynced = dir.appendingPathComponent("unsynced.csv").path
        let quick = try runEscalation(["merge", whole.shards.path, "--out", unsynced, "--summary", unsynced + ".summary", "--no-sync"])
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(FileManager.default.contents(atPath: unsynced) == whole.csv)
        #expect(FileManager.default.contents(atPath: unsynced + ".summary") == whole.summary)
        #expect(try Manifest.read(Manifest.path(forCSV: unsynced)).runs == 3001)
    }

    @Test func missingCutAndUnfinishedShardsAreListedWithCommandsThatMakeThem() throws {
        let dir = try temporaryDirectory()
        let whole = try batch(in: dir)
        let files = FileManager.default
        let path = { (name: String) in whole.shards.appendingPathComponent(name).path }
        // Shard 1 deleted, manifest and all.
        try files.removeItem(atPath: path(name(1)))
        try files.removeItem(atPath: Manifest.path(forCSV: path(name(1))))
        // Shard 2 cut short by whole rows.
        let second = try String(contentsOfFile: path(name(2)), encoding: .utf8)
        try String(second.split(separator: "\n").dropLast(40).map { $0 + "\n" }.joined()).write(toFile: path(name(2)), atomically: true, encoding: .utf8)
        // Shard 4 stopped part way, as a killed batch leaves it: a partial file cut in a row, and its plan.
        let fourth = try Data(contentsOf: URL(fileURLWithPath: path(name(4))))
        try fourth.prefix(fourth.count * 2 / 3).write(to: URL(fileURLWithPath: path(name(4)) + ".partial"))
        try files.moveItem(atPath: Manifest.path(forCSV: path(name(4))), toPath: path(name(4)) + ".partial.json")
        try files.removeItem(atPath: path(name(4)))

        let refused = try merged(whole.shards, into: dir)
        #expect(refused.result.status == 65)
        #expect(refused.csv == nil && refused.summary == nil, "nothing is written")
        let message = refused.result.stderr
        #expect(message.hasPrefix("error: \(whole.shards.path) does not hold a finished batch: 3 of its 4 shards are missing or broken\n"))
        #expect(message.contains("  \(name(1)): missing: no \(name(1)) (nor .gz)\n"))
        #expect(message.contains("  \(name(2)): has 710 rows; its manifest says 750\n"))
        #expect(message.contains("  \(name(4)): unfinished: \(name(4)).partial is here"))
        let commands = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("escalation ") }
        #expect(commands == [1, 2, 4].map { i in
            "escalation batch \(flagship) --runs \(runs) --seed 4 --shard \(i)/4 --posterior Scenarios/params/taji-2020.csv "
                + "--out \(path(name(i))) --resume --quiet"
        })
        // The commands as printed make the shards again; then the folder merges to the whole batch.
        for command in commands { #expect(try shell(command) == 0, "\(command)") }
        #expect(!files.fileExists(atPath: path(name(4)) + ".partial"))
        let merge = try merged(whole.shards, into: dir)
        #expect(merge.result.status == 0, "\(merge.result.stderr)")
        #expect(merge.csv == whole.csv)
        #expect(merge.summary == whole.summary)
    }

    @Test func aShardOfAnotherBatchOrAnotherSeedIsNamed() throws {
        let dir = try temporaryDirectory()
        let whole = try batch(in: dir)
        let path = { (name: String) in whole.shards.appendingPathComponent(name).path }
        // Another batch's shards beside these: refused, both named.
        let other = whole.shards.appendingPathComponent("other-0001-of-0002.csv").path
        #expect(try runEscalation(["batch", flagship, "--runs", "10", "--shard", "1/2", "--out", other, "--quiet"]).status == 0)
        let mixed = try merged(whole.shards, into: dir)
        #expect(mixed.result.status == 65)
        #expect(mixed.result.stderr == "error: \(whole.shards.path) holds shards of more than one batch: other-*-of-0002 (2 files), "
                + "runs-*-of-0004 (8 files); keep one batch in a folder, or name its shard CSVs\n")
        try FileManager.default.removeItem(atPath: other)
        try FileManager.default.removeItem(atPath: Manifest.path(forCSV: other))
        // Shard 2 made with another seed: named, with the command for this batch's seed.
        #expect(try runEscalation(["batch", flagship, "--runs", runs, "--seed", "5", "--shard", "2/4", "--out", path(name(2)), "--quiet"]).status == 0)
        let seeds = try merged(whole.shards, into: dir)
        #expect(seeds.result.status == 65)
        #expect(seeds.result.stderr.contains("  \(name(2)): does not belong with the other shards: different seed (5 against 4)\n"
                                             + "    escalation batch \(flagship) --runs \(runs) --seed 4 --shard 2/4"))
        // An empty folder holds no shards.
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try runEscalation(["merge", empty.path, "--out", dir.appendingPathComponent("x.csv").path])
        #expect(none.status == 65)
        #expect(none.stderr.hasPrefix("error: \(empty.path) holds no shard files"))
    }
}
