import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import Stochastics
import TestSupport
import Testing

/// Batches are the same bytes however they are run: threads, shards merged, resumed.
@Suite(.serialized)
struct BatchTests {
    let scenarioPath = repositoryPath("Scenarios/taji-2020.yaml")

    func batch(runs: Int, threads: Int, shard: Shard = .whole, in dir: URL, name: String, seed: UInt64 = 3,
               overrides: [Override] = []) throws -> (csv: String, summary: String, result: BatchResult) {
        let loaded = try ScenarioLoader.load(path: scenarioPath, overrides: overrides)
        var request = BatchRequest(loaded: loaded, masterSeed: seed, runs: runs, threads: threads)
        request.shard = shard
        request.out = dir.appendingPathComponent(name + ".csv").path
        request.summary = dir.appendingPathComponent(name + "-summary.csv").path
        request.quiet = true
        let result = try BatchJob.run(request)
        return (try String(contentsOfFile: request.out!, encoding: .utf8),
                try String(contentsOfFile: request.summary!, encoding: .utf8), result)
    }

    @Test func theSameBatchOnOneTwoAndThreeThreadsIsTheSameBytes() throws {
        let dir = try temporaryDirectory()
        let one = try batch(runs: 3000, threads: 1, in: dir, name: "t1")
        for threads in [2, 3] {
            let other = try batch(runs: 3000, threads: threads, in: dir, name: "t\(threads)")
            #expect(other.csv == one.csv, "\(threads) threads")
            #expect(other.summary == one.summary, "\(threads) threads")
        }
        #expect(one.csv.split(separator: "\n").count == 3001)
    }

    @Test func shardsMergedAreTheWholeBatch() throws {
        let dir = try temporaryDirectory()
        let whole = try batch(runs: 3001, threads: 2, in: dir, name: "whole")
        for i in 1...3 { _ = try batch(runs: 3001, threads: 2, shard: Shard(index: i, count: 3), in: dir, name: "s\(i)") }
        let inputs = [3, 1, 2].map { dir.appendingPathComponent("s\($0).csv").path }
        let out = dir.appendingPathComponent("merged.csv").path, summary = dir.appendingPathComponent("merged-summary.csv").path
        _ = try Merge.merge(inputs: inputs, out: out, summaryPath: summary)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == whole.csv)
        #expect(try String(contentsOfFile: summary, encoding: .utf8) == whole.summary)
        let manifest = try Manifest.read(Manifest.path(forCSV: out))
        #expect(manifest.shard == .init(index: 1, count: 1, first: 0, end: 3001))
    }

    @Test func mergeRefusesShardsThatDoNotBelongTogether() throws {
        let dir = try temporaryDirectory()
        for i in 1...3 { _ = try batch(runs: 600, threads: 1, shard: Shard(index: i, count: 3), in: dir, name: "a\(i)") }
        _ = try batch(runs: 600, threads: 1, shard: Shard(index: 2, count: 3), in: dir, name: "seed9", seed: 9)
        _ = try batch(runs: 600, threads: 1, shard: Shard(index: 2, count: 3), in: dir, name: "other",
                      overrides: [try Override(parsing: "horizon=90")])
        func merge(_ names: [String]) -> String? {
            do {
                _ = try Merge.merge(inputs: names.map { dir.appendingPathComponent($0 + ".csv").path },
                                    out: dir.appendingPathComponent("m.csv").path, summaryPath: nil)
                return nil
            } catch {
                return "\(error)"
            }
        }
        let path = { (name: String) in dir.appendingPathComponent(name + ".csv").path }
        #expect(merge(["a1", "a3"]) == "runs 200..<400 are missing: no shard covers them (next is \(path("a3")), shard 3/3)")
        #expect(merge(["a1", "a2"]) == "runs 400..<600 are missing: no shard covers them")
        #expect(merge(["a1", "a2", "a2", "a3"])?.hasPrefix("\(path("a2")) (shard 2/3, runs 200..<400) overlaps") == true)
        #expect(merge(["a1", "seed9", "a3"]) == "\(path("seed9")) does not belong with \(path("a1")): different seed (9 against 3)")
        #expect(merge(["a1", "other", "a3"])?.hasPrefix("\(path("other")) does not belong with \(path("a1")): different scenario (content hash") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.csv").path))
    }

    @Test func aResumedBatchHasTheBytesOfOneNeverStopped() throws {
        let dir = try temporaryDirectory()
        let whole = try batch(runs: 4000, threads: 2, in: dir, name: "whole")
        // Stop a batch part way by hand: keep its first 1234 rows and half of the next.
        let out = dir.appendingPathComponent("cut.csv").path
        _ = try batch(runs: 4000, threads: 2, in: dir, name: "cut")
        let plan = try Manifest.read(Manifest.path(forCSV: out))
        try FileManager.default.removeItem(atPath: out)
        let lines = whole.csv.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines[0...1234].joined(separator: "\n") + "\n" + lines[1235].prefix(17)
        try kept.write(toFile: out + ".partial", atomically: true, encoding: .utf8)
        try plan.encoded().write(toFile: out + ".partial.json", atomically: true, encoding: .utf8)

        let loaded = try ScenarioLoader.load(path: scenarioPath)
        var request = BatchRequest(loaded: loaded, masterSeed: 3, runs: 4000, threads: 3)
        request.out = out
        request.summary = dir.appendingPathComponent("cut-summary.csv").path
        request.resume = true
        request.quiet = true
        let result = try BatchJob.run(request)
        #expect(result.computed == 4000 - 1234)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == whole.csv)
        #expect(try String(contentsOfFile: request.summary!, encoding: .utf8) == whole.summary)
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
        #expect(!FileManager.default.fileExists(atPath: out + ".partial.json"))
    }

    @Test func resumeRefusesAPartialFileFromAnotherBatch() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("x.csv").path
        _ = try batch(runs: 100, threads: 1, in: dir, name: "x")
        var plan = try Manifest.read(Manifest.path(forCSV: out))
        plan.seed = "77"
        try plan.encoded().write(toFile: out + ".partial.json", atomically: true, encoding: .utf8)
        try "run,seed\n".write(toFile: out + ".partial", atomically: true, encoding: .utf8)
        var request = BatchRequest(loaded: try ScenarioLoader.load(path: scenarioPath), masterSeed: 3, runs: 100, threads: 1)
        request.out = out
        request.resume = true
        request.quiet = true
        #expect(throws: BatchError.self) { try BatchJob.run(request) }
    }

    /// Rows made where the math library answers differently are not joined: a manifest records
    /// the machine's fingerprint, `merge` refuses shards (named or in a folder) that record more
    /// than one, however they are ordered, and `--resume` a partial file made under another; a
    /// manifest written before the fingerprint was recorded joins with any. A finished shard of
    /// another fingerprint found again by `--resume` is made again here, as merge advises.
    @Test func mergeAndResumeRefusePartsMadeUnderAnotherMathLibrary() throws {
        let dir = try temporaryDirectory()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let here = MathFingerprint.current, other = "0123456789abcdef"
        #expect(here.count == 16 && here.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
        #expect(here != other)
        for i in 1...3 { _ = try batch(runs: 300, threads: 1, shard: Shard(index: i, count: 3), in: dir, name: "s\(i)") }
        #expect(try Manifest.read(path("s1.manifest.json")).math == here)
        let inputs = (1...3).map { path("s\($0).csv") }
        _ = try Merge.merge(inputs: inputs, out: path("m.csv"), summaryPath: nil)
        let merged = try #require(FileManager.default.contents(atPath: path("m.csv")))
        #expect(try Manifest.read(path("m.manifest.json")).math == here)

        func setMath(_ math: String?, of name: String) throws {
            var manifest = try Manifest.read(path(name + ".manifest.json"))
            manifest.math = math
            try manifest.encoded().write(toFile: path(name + ".manifest.json"), atomically: true, encoding: .utf8)
        }
        // The first shard written before fingerprints, the third made on another machine: each
        // agrees with the first, but not with each other.
        try setMath(nil, of: "s1")
        try setMath(other, of: "s3")
        let refusal = #expect(throws: BatchError.self) { try Merge.merge(inputs: inputs, out: path("m2.csv"), summaryPath: nil) }
        #expect(refusal?.description == "the shards were made on machines whose math libraries differ, by their manifests' "
                + "fingerprints: \(here) (\(path("s2.csv"))); \(other) (\(path("s3.csv"))): their log, exp or pow round some "
                + "results differently, so the same seeds can give other rows; make the shards of \(other) again on a machine "
                + "with \(here) (their batch commands do, with --resume too) (docs/batches.md, \"The same bytes on another machine\")")
        #expect(!FileManager.default.fileExists(atPath: path("m2.csv")))
        // The same shards in a folder, under their shard names.
        let folder = dir.appendingPathComponent("shards")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for i in 1...3 {
            let name = ShardFiles.Name(stem: "runs", index: i, count: 3, ext: ".csv").description
            try FileManager.default.copyItem(atPath: path("s\(i).csv"), toPath: folder.appendingPathComponent(name).path)
            try FileManager.default.copyItem(atPath: path("s\(i).manifest.json"),
                                             toPath: Manifest.path(forCSV: folder.appendingPathComponent(name).path))
        }
        // In a folder, the shard of the fingerprint fewer shards have is listed with the command
        // that makes it again (on a machine with the others').
        let folderRefusal = #expect(throws: BatchError.self) { try Merge.merge(inputs: [folder.path], out: path("m3.csv"), summaryPath: nil) }
        let listing = folderRefusal?.description ?? ""
        #expect(listing.hasPrefix("\(folder.path) does not hold a finished batch: 1 of its 3 shards is missing or broken\n"
                                  + "  runs-0003-of-0003.csv: it was made on a machine whose math library's fingerprint is \(other), "
                                  + "where most shards' is \(here) (their log, exp or pow round some results differently, so the "
                                  + "same seeds can give other rows); make it again on a machine with \(here)\n    escalation batch "),
                "\(listing)")
        #expect(listing.contains("--shard 3/3") && listing.contains("--resume"), "\(listing)")
        #expect(!FileManager.default.fileExists(atPath: path("m3.csv")))
        // With the first shard's fingerprint unknown and the others agreeing, they merge, and the
        // merged rows' fingerprint is not known.
        try setMath(here, of: "s3")
        _ = try Merge.merge(inputs: inputs, out: path("m4.csv"), summaryPath: nil)
        #expect(FileManager.default.contents(atPath: path("m4.csv")) == merged)
        #expect(try Manifest.read(path("m4.manifest.json")).math == nil)

        // Not a fingerprint escalation writes: the manifest is refused as such.
        try setMath("not-a-fingerprint", of: "s2")
        let malformed = #expect(throws: BatchError.self) { try Merge.merge(inputs: inputs, out: path("m5.csv"), summaryPath: nil) }
        #expect(malformed?.description == "\(path("s2.manifest.json")) is not a manifest escalation wrote: its math fingerprint is "
                + "'not-a-fingerprint', where escalation writes 16 lowercase hexadecimal digits")

        // A partial file made under another fingerprint is not resumed; one made before
        // fingerprints were recorded is, and the batch then records none.
        _ = try batch(runs: 100, threads: 1, in: dir, name: "x")
        var request = BatchRequest(loaded: try ScenarioLoader.load(path: scenarioPath), masterSeed: 3, runs: 100, threads: 1)
        request.out = path("r.csv")
        request.resume = true
        request.quiet = true
        func partial(math: String?) throws {
            var plan = try Manifest.read(path("x.manifest.json"))
            plan.math = math
            plan.finished = ""
            try plan.encoded().write(toFile: path("r.csv.partial.json"), atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: path("r.csv.partial"))
            let rows = try String(contentsOfFile: path("x.csv"), encoding: .utf8).split(separator: "\n").prefix(41)
            try (rows.joined(separator: "\n") + "\n").write(toFile: path("r.csv.partial"), atomically: true, encoding: .utf8)
        }
        try partial(math: other)
        let resumed = #expect(throws: BatchError.self) { try BatchJob.run(request) }
        #expect(resumed?.description == "cannot resume \(path("r.csv.partial")): it was made on a machine whose math library's "
                + "fingerprint is \(other), and this one's is \(here): their log, exp or pow round some results differently, so "
                + "the same seeds can give other rows; resume it on a machine with fingerprint \(other), or run without --resume "
                + "to start over")
        #expect(!FileManager.default.fileExists(atPath: path("r.csv")))
        try partial(math: nil)
        _ = try BatchJob.run(request)
        #expect(FileManager.default.contents(atPath: path("r.csv")) == FileManager.default.contents(atPath: path("x.csv")))
        #expect(try Manifest.read(path("r.manifest.json")).math == nil)

        // A finished shard made under another fingerprint, found again by --resume: made again
        // here, saying why (the same rows here: this machine made them).
        try setMath(other, of: "x")
        let rows = FileManager.default.contents(atPath: path("x.csv"))
        var again = request
        again.out = path("x.csv")
        let result = try BatchJob.run(again)
        #expect(!result.alreadyFinished)
        #expect(result.replacedBroken == "it was made on a machine whose math library's fingerprint is \(other), and this one's is "
                + "\(here) (their log, exp or pow round some results differently, so the same seeds can give other rows)")
        #expect(try Manifest.read(path("x.manifest.json")).math == here)
        #expect(FileManager.default.contents(atPath: path("x.csv")) == rows)
    }

    @Test func summaryNumbersMatchADirectComputationFromTheRows() throws {
        let dir = try temporaryDirectory()
        let b = try batch(runs: 999, threads: 2, in: dir, name: "s")
        let rows = b.csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = b.csv.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let summary = Dictionary(uniqueKeysWithValues: b.summary.split(separator: "\n").dropFirst().map {
            let f = $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (f[0], f)
        })
        for name in ["us_killed", "militia_killed", "events", "max_rung", "count_kh_rockets", "final_tension", "outcome_day"] {
            let c = header.firstIndex(of: name)!
            let xs = rows.map { Double($0[c])! }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let sd = (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)).squareRoot()
            let f = summary[name]!
            #expect(Int(f[1]) == 999)
            #expect(abs(Double(f[2])! - mean) <= 1e-9 * max(1, abs(mean)), "\(name) mean")
            #expect(abs(Double(f[3])! - sd) <= 1e-9 * max(1, sd), "\(name) sd")
            #expect(Double(f[11]) == xs.min() && Double(f[12]) == xs.max(), "\(name) min/max")
            let sorted = xs.sorted()
            let median = sorted[499]   // type 7 with n = 999: h = 499 exactly
            #expect(abs(Double(f[8])! - median) <= 0.001 * abs(median) + 1e-9, "\(name) median")
        }
        let outcomes = rows.map { String($0[2]) }
        for name in ["calm", "unresolved", "us_expelled"] {
            let k = outcomes.filter { $0 == name }.count
            let f = summary["outcome_" + name]!
            #expect(Double(f[2]) == Double(k) / 999)
            let (low, high) = Interval.wilson(successes: k, n: 999)
            #expect(Double(f[4]) == low && Double(f[5]) == high)
            #expect(Int(summary["days_to_" + name]![1]) == k)
        }
    }

    @Test func aSweepPointEqualToTheBaseScenarioReproducesThePlainBatch() throws {
        let dir = try temporaryDirectory()
        let plain = try batch(runs: 1500, threads: 2, in: dir, name: "plain")
        // The base scenario has host_tolerance_depot_strike = 0.04.
        let vary = try Vary(parsing: "parameters.host_tolerance_depot_strike.value=0.02:0.06:0.02")
        let points = try Sweep.run(Sweep.Request(path: scenarioPath, overrides: [], varies: [vary], runs: 1500,
                                                 masterSeed: 3, threads: 2))
        #expect(points.points.map(\.values) == [[0.02], [0.04], [0.06]])
        let sweep = Sweep.csv(varies: [vary], result: points)
        let base = plain.summary.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let rows = sweep.split(separator: "\n").filter { $0.hasPrefix("0.04,") }
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            let match = base.first { $0[0] == f[1] }!
            // estimate, ci95_low, ci95_high equal the batch's mean, ci95_low, ci95_high.
            #expect([f[3], f[4], f[5]] == [match[2], match[4], match[5]], "\(f[1])")
        }
        #expect(rows.count == base.filter { !$0[0].hasPrefix("days_to_") }.count)
        // Common random numbers: the points share streams, so what each strike costs the host's
        // tolerance moves the share of Iraqi expulsion in one direction only.
        let expelled = points.points.map { $0.summary.probability(ofOutcome: 1) }
        #expect(expelled[0] <= expelled[1] && expelled[1] <= expelled[2])
    }
}
