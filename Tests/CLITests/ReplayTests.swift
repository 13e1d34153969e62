import Experiments
import Foundation
import TestSupport
import Testing

/// `run --replication K --master-seed S` and `run --from runs.csv --row K` play a batch's row
/// without reading its 64-bit seed as a number, which R, Excel and pandas' pyarrow engine round.
@Suite(.serialized)
struct ReplayTests {
    let flagship = "Scenarios/taji-2020.yaml"
    /// Near the top of the 64-bit range, where a double keeps no unit digits at all.
    let master = "18446744073709551557"

    func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func aBatchRowReplaysFromItsRunNumberAndMasterSeed() throws {
        let dir = try temporaryDirectory()
        let csv = dir.appendingPathComponent("runs.csv").path
        let gz = dir.appendingPathComponent("gz/runs.csv.gz").path
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("gz").path, withIntermediateDirectories: false)
        for out in [csv, gz] {
            let batch = try runEscalation(["batch", flagship, "--runs", "50", "--seed", master, "--out", out, "--quiet"])
            #expect(batch.status == 0, "\(batch.stderr)")
        }
        let table = try rows(csv)
        #expect(table[0].prefix(3) == ["run", "seed", "outcome"])
        for k in [0, 4, 17, 33, 49] {
            let row = table[k + 1]
            #expect(row[0] == String(k))
            let bySeed = try runEscalation(["run", flagship, "--seed", row[1], "--trace", "csv"])
            #expect(bySeed.status == 0, "\(bySeed.stderr)")
            let byIndex = try runEscalation(["run", flagship, "--replication", String(k), "--master-seed", master, "--trace", "csv"])
            #expect(byIndex.status == 0, "\(byIndex.stderr)")
            #expect(byIndex.stdoutData == bySeed.stdoutData, "run \(k)")
            for file in [csv, gz] {
                let byRow = try runEscalation(["run", "--from", file, "--row", String(k), "--trace", "csv"])
                #expect(byRow.status == 0, "\(byRow.stderr)")
                #expect(byRow.stdoutData == bySeed.stdoutData, "run \(k) of \(file)")
            }
            // The trace ends with the outcome the batch row has.
            let last = bySeed.stdout.split(separator: "\n").last!.split(separator: ",", omittingEmptySubsequences: false)
            #expect(last[3] == "outcome" && String(last[4]) == row[2], "run \(k)")
        }
        // What a double makes of the seed column plays another run.
        let seed = table[18][1]
        let rounded = String(UInt64(Double(seed)!))
        #expect(rounded != seed)
        let roundedRun = try runEscalation(["run", flagship, "--seed", rounded, "--trace", "csv"])
        let exact = try runEscalation(["run", "--from", csv, "--row", "17", "--trace", "csv"])
        #expect(roundedRun.stdoutData != exact.stdoutData)
        // The scenario may be named beside --from; the batch's overrides and posterior still apply.
        let named = try runEscalation(["run", flagship, "--from", csv, "--row", "17", "--trace", "csv"])
        #expect(named.stdoutData == exact.stdoutData)
    }

    /// A batch made in one folder replays, reports and merges from another: its scenario and the
    /// posterior it drew from (paths from where the batch ran) are found beside the CSV.
    @Test func aBatchIsReadFromAnotherFolderWithItsPosterior() throws {
        let dir = try temporaryDirectory()
        for name in ["Scenarios", "seeds"] {
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(name).path, withDestinationPath: repositoryPath(name))
        }
        let batch = try runEscalation(["batch", flagship, "--runs", "60", "--seed", "3", "--out", "runs.csv", "--quiet"], in: dir.path)
        #expect(batch.status == 0, "\(batch.stderr)")
        let manifest = try String(contentsOf: dir.appendingPathComponent("runs.manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"posterior\" : \"Scenarios/params/taji-2020.csv\""))
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
        let row = try rows(dir.appendingPathComponent("runs.csv").path)[18]
        let replay = try runEscalation(["run", "--from", "../runs.csv", "--row", "17", "--trace", "csv"], in: elsewhere.path)
        #expect(replay.status == 0, "\(replay.stderr)")
        let direct = try runEscalation(["run", flagship, "--replication", "17", "--master-seed", "3", "--trace", "csv"], in: dir.path)
        #expect(replay.stdout == direct.stdout && !replay.stdout.isEmpty)
        #expect(row[0] == "17")
        for arguments in [["report", "../runs.csv", "--out", "r.html"], ["merge", "../runs.csv", "--out", "m.csv"]] {
            let r = try runEscalation(arguments, in: elsewhere.path)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        #expect(try Data(contentsOf: elsewhere.appendingPathComponent("m.csv")) == Data(contentsOf: dir.appendingPathComponent("runs.csv")))
    }

    @Test func replayOptionsAreCheckedAndRowsFoundOrRefusedInWords() throws {
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        #expect(try runEscalation(["batch", flagship, "--runs", "40", "--seed", "3", "--out", p("runs.csv"), "--quiet"]).status == 0)
        #expect(try runEscalation(["batch", flagship, "--runs", "40", "--seed", "3", "--shard", "2/2", "--out", p("s2.csv"),
                                   "--quiet"]).status == 0)
        let usage: [([String], String)] = [
            (["run", flagship, "--seed", "5", "--replication", "1", "--master-seed", "3"],
             "--seed and --replication/--master-seed each choose the run's seed; give one of them"),
            (["run", "--seed", "5", "--from", p("runs.csv"), "--row", "1"], "--seed and --from/--row each choose the run's seed"),
            (["run", flagship, "--replication", "1", "--master-seed", "3", "--from", p("runs.csv"), "--row", "1"],
             "--replication/--master-seed and --from/--row each choose the run's seed"),
            (["run", flagship, "--replication", "1"], "--replication needs --master-seed S"),
            (["run", flagship, "--master-seed", "3"], "--master-seed needs --replication K"),
            (["run", "--from", p("runs.csv")], "--from needs --row K"),
            (["run", flagship, "--row", "2"], "--row needs --from CSV"),
            (["run", flagship, "--replication", "-1", "--master-seed", "3"], "--replication: expected a run number of 0 or more, found -1"),
            (["run", "--from", p("runs.csv"), "--row", "1", "--set", "horizon=10"], "--set and --posterior cannot be combined with --from"),
            (["run"], "name the scenario file"),
        ]
        for (arguments, message) in usage {
            let r = try runEscalation(arguments)
            #expect(r.status == 64, "\(arguments)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
        }
        let beyond = try runEscalation(["run", "--from", p("runs.csv"), "--row", "40"])
        #expect(beyond.status == 64)
        #expect(beyond.stderr == "error: --row 40: expected the run column of a row, but \(p("runs.csv")) holds runs 0 to 39 (a batch of 40 runs)\n")
        let shard = try runEscalation(["run", "--from", p("s2.csv"), "--row", "3"])
        #expect(shard.status == 64)
        #expect(shard.stderr.contains("\(p("s2.csv")) is shard 2/2 of a batch of 40 runs and holds runs 20 to 39"))
        #expect(try runEscalation(["run", "--from", p("s2.csv"), "--row", "23"]).status == 0)

        try FileManager.default.copyItem(atPath: p("runs.csv"), toPath: p("alone.csv"))
        let alone = try runEscalation(["run", "--from", p("alone.csv"), "--row", "3"])
        #expect(alone.status == 65)
        #expect(alone.stderr.contains("no manifest at \(p("alone.manifest.json"))"))
        let missing = try runEscalation(["run", "--from", p("nope.csv"), "--row", "3"])
        #expect(missing.status == 74 && missing.stderr == "error: cannot read '\(p("nope.csv"))': no such file\n")

        // A seed column a spreadsheet rounded, or one of another batch, is refused.
        var table = try rows(p("runs.csv"))
        let original = table[8][1]
        for (written, message) in [("7.704966885247389e18", "the seed of run 7 is '7.704966885247389e18', not a 64-bit whole number"),
                                   ("12345", "run 7 has seed 12345 in its row, but master seed 3 gives \(original)")] {
            table[8][1] = written
            try (table.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(toFile: p("runs.csv"), atomically: false, encoding: .utf8)
            let r = try runEscalation(["run", "--from", p("runs.csv"), "--row", "7"])
            #expect(r.status == 65)
            #expect(r.stderr.contains(message), "\(r.stderr)")
        }
        // Other rows of the file still replay.
        #expect(try runEscalation(["run", "--from", p("runs.csv"), "--row", "8"]).status == 0)
    }
}
