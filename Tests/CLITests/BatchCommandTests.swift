import Experiments
import Record
import Foundation
import TestSupport
import Testing

/// `escalation batch`, `merge` and `sweep` end to end.
@Suite(.serialized)
struct BatchCommandTests {
    let flagship = "Scenarios/taji-2020.yaml"

    @Test func aBatchKilledPartWayAndResumedIsTheSameBytes() throws {
        let dir = try temporaryDirectory()
        let whole = dir.appendingPathComponent("whole.csv").path
        let runs = "60000"
        let reference = try runEscalation(["batch", flagship, "--runs", runs, "--seed", "5", "--out", whole,
                                           "--summary", whole + ".summary", "--quiet"])
        #expect(reference.status == 0, "\(reference.stderr)")

        let out = dir.appendingPathComponent("killed.csv").path
        // Killed with SIGKILL once some rows are on disk but before the end.
        let child = try startAndKillBatch(["batch", flagship, "--runs", runs, "--seed", "5", "--out", out, "--summary", out + ".summary",
                                          "--threads", "2", "--quiet"], partial: out + ".partial")
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(!FileManager.default.fileExists(atPath: out), "the final name appears only when complete")
        let partialRows = try String(contentsOfFile: out + ".partial", encoding: .utf8).split(separator: "\n").count - 1
        #expect(partialRows > 0 && partialRows < 60000)

        let resumed = try runEscalation(["batch", flagship, "--runs", runs, "--seed", "5", "--out", out,
                                         "--summary", out + ".summary", "--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileManager.default.contents(atPath: out) == FileManager.default.contents(atPath: whole))
        #expect(FileManager.default.contents(atPath: out + ".summary") == FileManager.default.contents(atPath: whole + ".summary"))
    }

    /// A scheduler may run a finished shard again (a requeue, a retried array task): with
    /// --resume it is read back and checked, not simulated, and left as it was; its summary is
    /// the one the batch wrote. A finished file whose rows do not check is made again (with a
    /// warning), as is another batch's.
    @Test func resumingAFinishedBatchChecksItAndRunsNothing() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("runs-0002-of-0003.csv.gz").path
        let arguments = ["batch", flagship, "--runs", "9000", "--seed", "4", "--shard", "2/3", "--out", out]
        #expect(try runEscalation(arguments + ["--summary", out + ".first", "--quiet"]).status == 0)
        let written = try #require(FileManager.default.contents(atPath: out))
        let inode = try FileManager.default.attributesOfItem(atPath: out)[.systemFileNumber] as? Int

        let again = try runEscalation(arguments + ["--summary", out + ".again", "--resume"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("is already finished (its manifest matches and every row checks): nothing ran"))
        #expect(FileManager.default.contents(atPath: out) == written)
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.systemFileNumber] as? Int == inode, "the file was left in place")
        #expect(FileManager.default.contents(atPath: out + ".again") == FileManager.default.contents(atPath: out + ".first"))

        // Another seed: not this batch, so it runs and replaces the file.
        let other = try runEscalation(["batch", flagship, "--runs", "9000", "--seed", "5", "--shard", "2/3", "--out", out, "--resume", "--quiet"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(FileManager.default.contents(atPath: out) != written)
        #expect(try Manifest.read(Manifest.path(forCSV: out)).seed == "5")

        // A finished plain file with one digit changed deep inside: made again, with a warning.
        let plain = dir.appendingPathComponent("plain.csv").path
        #expect(try runEscalation(["batch", flagship, "--runs", "3000", "--seed", "4", "--out", plain, "--quiet"]).status == 0)
        let good = try #require(FileManager.default.contents(atPath: plain))
        var bytes = good
        let middle = try #require(bytes[(bytes.count / 2)...].firstIndex(of: UInt8(ascii: "\n"))) + 1
        bytes[middle] = bytes[middle] == UInt8(ascii: "9") ? UInt8(ascii: "8") : UInt8(ascii: "9")
        try bytes.write(to: URL(fileURLWithPath: plain))
        let broken = try runEscalation(["batch", flagship, "--runs", "3000", "--seed", "4", "--out", plain, "--resume", "--quiet"])
        #expect(broken.status == 0, "\(broken.stderr)")
        #expect(broken.stderr.contains("warning: \(plain) was finished by its manifest, but \(plain): line "))
        #expect(broken.stderr.contains("it was made again"))
        #expect(FileManager.default.contents(atPath: plain) == good)
    }

    @Test func anyRowIsReproducedByRunWithItsSeed() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("runs.csv").path
        #expect(try runEscalation(["batch", flagship, "--runs", "40", "--seed", "11", "--out", out, "--quiet"]).status == 0)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        for row in [lines[1], lines[17], lines[40]] {
            let f = row.split(separator: ",").map(String.init)
            let trace = try runEscalation(["run", flagship, "--seed", f[1], "--trace", "jsonl"])
            // The run draws the same calibrated parameters from the shipped posterior as the batch row did.
            let first = try JSONSerialization.jsonObject(with: Data(trace.stdout.split(separator: "\n").first!.utf8)) as! [String: Any]
            #expect(first["draw"] as? Int == Int(f[header.firstIndex(of: "draw")!]))
            let last = try JSONSerialization.jsonObject(with: Data(trace.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
            #expect(last["outcome"] as? String == f[2])
            #expect(last["actions"] as? Int == Int(f[5]))
            #expect(last["max_rung"] as? Int == Int(f[4]))
            let ledger = last["ledger"] as! [String: Any]
            for counter in ["us_killed", "militia_killed", "isf_killed", "us_wounded"] {
                #expect((ledger[counter] as? NSNumber)?.doubleValue == Double(f[header.firstIndex(of: counter)!]), "\(counter)")
            }
        }
        let manifest = try Manifest.read(Manifest.path(forCSV: out))
        #expect(manifest.seed == "11" && manifest.runs == 40 && manifest.columns == header)
        #expect(manifest.scenario == flagship)
        // The manifest names the posterior the draws came from and records its hash.
        let posterior = repositoryPath("Scenarios/params/taji-2020.csv")
        #expect(manifest.posterior == "Scenarios/params/taji-2020.csv")
        #expect(manifest.posteriorHash == SHA256.hex([UInt8](FileManager.default.contents(atPath: posterior)!)))
    }

    @Test func withoutOutTheCSVGoesToStandardOutputAndTheTableToStandardError() throws {
        let result = try runEscalation(["batch", flagship, "--runs", "50", "--threads", "1"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 51)
        #expect(lines[0].hasPrefix("run,seed,outcome,outcome_day,max_rung,events,us_killed,"))
        #expect(result.stderr.contains("outcome") && result.stderr.contains("95% interval"))
        // Standard error is not a terminal here, so there is no progress line.
        #expect(!result.stderr.contains("runs/s ·"))
    }

    @Test func withOutTheTablePrintsAndTheFilesAppearWithAManifest() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("runs.csv").path
        let result = try runEscalation(["batch", flagship, "--runs", "200", "--out", out, "--summary",
                                        dir.appendingPathComponent("summary.csv").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Camp Taji, March 2020 — 200 runs, seed 1"))
        #expect(result.stdout.contains("45 days without a lethal-rung attack or strike (calm)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                == ["runs.csv", "runs.manifest.json", "summary.csv"])
    }

    @Test func mergeExitCodesAndMessages() throws {
        let dir = try temporaryDirectory()
        func shard(_ i: Int, seed: String = "1", name: String) throws {
            let r = try runEscalation(["batch", flagship, "--runs", "90", "--seed", seed, "--shard", "\(i)/3",
                                       "--out", dir.appendingPathComponent(name).path, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try shard(1, name: "s1.csv")
        try shard(2, name: "s2.csv")
        try shard(3, name: "s3.csv")
        try shard(2, seed: "2", name: "other.csv")
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        let ok = try runEscalation(["merge", p("s1.csv"), p("s2.csv"), p("s3.csv"), "--out", p("m.csv")])
        #expect(ok.status == 0)
        #expect(ok.stdout == "merged 90 runs from 3 shards into \(p("m.csv"))\n")
        let gap = try runEscalation(["merge", p("s1.csv"), p("s3.csv"), "--out", p("gap.csv")])
        #expect(gap.status == 65)
        #expect(gap.stderr == "error: runs 30..<60 are missing: no shard covers them (next is \(p("s3.csv")), shard 3/3)\n")
        let seeds = try runEscalation(["merge", p("s1.csv"), p("other.csv"), p("s3.csv"), "--out", p("x.csv")])
        #expect(seeds.status == 65)
        #expect(seeds.stderr.contains("does not belong with \(p("s1.csv")): different seed (2 against 1)"))
        let missing = try runEscalation(["merge", p("nope.csv"), "--out", p("y.csv")])
        #expect(missing.status == 74)
        #expect(missing.stderr == "error: cannot read '\(p("nope.csv"))': no such shard file\n")
    }

    @Test func sweepChecksEveryPathBeforeRunning() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("sweep.csv").path
        let bad = try runEscalation(["sweep", flagship, "--vary", "parameters.us_strike_p.value=0:1:0.5",
                                     "--vary", "actions.kh_rokets.rung=3:4:1", "--runs", "10", "--out", out])
        #expect(bad.status == 64)
        #expect(bad.stderr == "error: --vary actions.kh_rokets.rung: no key 'kh_rokets' under actions (did you mean 'kh_rockets'?)\n")
        #expect(!FileManager.default.fileExists(atPath: out))
        // A path that holds a parameter's name says which path to vary instead.
        let named = try runEscalation(["sweep", flagship, "--vary", "policies.us_limited.rules.2.probability=0:1:0.5",
                                       "--runs", "10", "--out", out])
        #expect(named.status == 64)
        #expect(named.stderr == "error: --vary policies.us_limited.rules.2.probability: the value there is the parameter 'us_strike_p'; "
                + "vary parameters.us_strike_p.value instead\n")
        // A calibrated parameter (no value: written) is pinned at each point; an assumption may
        // leave its range in a what-if.
        let good = try runEscalation(["sweep", flagship, "--vary", "parameters.us_strike_p.value=0:1:0.5",
                                      "--vary", "parameters.c_ram_start.value=0:0.5:0.5", "--runs", "20", "--out", out, "--quiet"])
        #expect(good.status == 0, "\(good.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(rows[0] == "parameters.us_strike_p.value,parameters.c_ram_start.value,metric,n,estimate,ci95_low,ci95_high,"
                + "diff_vs_base,diff_ci95_low,diff_ci95_high,diff_p_value")
        let points = Set(rows.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") })
        #expect(points == ["0,0", "0,0.5", "0.5,0", "0.5,0.5", "1,0", "1,0.5"])
    }

    /// Each point's difference from the base point is paired run by run: at the base's own value
    /// it is exactly 0, elsewhere it is the point's estimate minus the base's, and the manifest's
    /// command writes the same bytes again.
    @Test func sweepPointsArePairedWithTheBase() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("sweep.csv").path
        let scenario = repositoryPath("Scenarios/air-defense-early.yaml")
        let r = try runEscalation(["sweep", scenario, "--vary", "parameters.c_ram_later.value=0:0.8:0.4", "--runs", "400",
                                   "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let expelled = rows.filter { $0[1] == "outcome_us_expelled" }
        #expect(expelled.map { $0[0] } == ["0", "0.4", "0.8"])
        // c_ram_later is 0.4 in the scenario as written: that point is the base itself.
        let base = expelled[1]
        #expect(base[6] == "0" && base[9] == "1")
        #expect(Double(base[7])! <= 0 && Double(base[8])! >= 0 && Double(base[8])! - Double(base[7])! < 0.03)
        for row in expelled {
            #expect(abs(Double(row[6])! - (Double(row[3])! - Double(base[3])!)) < 1e-12)
            #expect(Double(row[7])! <= Double(row[6])! && Double(row[6])! <= Double(row[8])!)
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("sweep.manifest.json").path))) as! [String: Any]
        let reproduce = try #require(manifest["reproduce"] as? String)
        let again = dir.appendingPathComponent("again.csv").path
        let words = Array(reproduce.split(separator: " ").map(String.init).dropFirst()) + ["--out", again, "--quiet", "--threads", "1"]
        #expect(try runEscalation(words).status == 0)
        #expect(try String(contentsOfFile: again, encoding: .utf8) == text)
    }

    /// A manifest is read back only up to 1 MiB (`merge`, `report`, `--resume`): a batch whose
    /// manifest would be larger (here, from a title of 600,000 quotation marks, each escaped in
    /// JSON) is refused before it runs, naming the manifest, and writes nothing.
    @Test func aManifestTooLargeToReadBackIsRefusedBeforeTheBatchRuns() throws {
        let dir = try temporaryDirectory()
        let toy = try String(contentsOfFile: "Scenarios/bench/toy.yaml", encoding: .utf8)
        let title = "title: Toy answer chain (benchmark)"
        #expect(toy.contains(title))
        let scenario = dir.appendingPathComponent("long-title.yaml").path
        try toy.replacingOccurrences(of: title, with: "title: '" + String(repeating: "\"", count: 600_000) + "'")
            .write(toFile: scenario, atomically: false, encoding: .utf8)
        let out = dir.appendingPathComponent("runs.csv").path
        let refused = try runEscalation(["batch", scenario, "--runs", "10", "--out", out, "--quiet"])
        #expect(refused.status == 65)
        #expect(refused.stderr.hasPrefix("error: \(dir.path)/runs.manifest.json would be about 1.15 MiB, more than"), "\(refused.stderr)")
        #expect(refused.stderr.contains("more than the 1 MiB a manifest is read back at"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["long-title.yaml"])
        // Half the title fits, and reads back.
        try toy.replacingOccurrences(of: title, with: "title: '" + String(repeating: "\"", count: 300_000) + "'")
            .write(toFile: scenario, atomically: false, encoding: .utf8)
        #expect(try runEscalation(["batch", scenario, "--runs", "10", "--out", out, "--quiet"]).status == 0)
        let resumed = try runEscalation(["batch", scenario, "--runs", "10", "--out", out, "--resume"])
        #expect(resumed.status == 0 && resumed.stdout.contains("already finished"), "\(resumed.stderr)")
    }

    @Test func batchUsageErrors() throws {
        #expect(try runEscalation(["batch", flagship]).status == 64)
        #expect(try runEscalation(["batch", flagship, "--runs", "0"]).status == 64)
        #expect(try runEscalation(["batch", flagship, "--runs", "10", "--resume"]).status == 64)
        #expect(try runEscalation(["batch", flagship, "--runs", "10", "--shard", "4/3"]).status == 64)
        #expect(try runEscalation(["batch", flagship, "--runs", "10", "--out", "/no/such/dir/r.csv", "--quiet"]).status == 74)
    }
}
