import Experiments
import Foundation
import TestSupport
import Testing

/// Outputs named `.gz` are gzip-compressed; inputs that start with gzip's magic bytes are read
/// decompressed. Every file these tests make is in their own temporary folder.
@Suite(.serialized)
struct CompressedCSVTests {
    let flagship = "Scenarios/taji-2020.yaml"

    /// What `gzip -dc` makes of a file: the system's gzip, not ours, judges our output.
    func gunzip(_ path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/bin/gzip") ? "/bin/gzip" : "/usr/bin/gzip")
        process.arguments = ["-dc", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip -dc \(path)")
        return data
    }

    /// Compresses a file with the system's gzip.
    func gzip(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/bin/gzip") ? "/bin/gzip" : "/usr/bin/gzip")
        process.arguments = ["-n", path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip \(path)")
    }

    func contents(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    func listing(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    @Test func theManifestOfACompressedCSVHasThePlainName() {
        #expect(Manifest.path(forCSV: "out/runs.csv.gz") == "out/runs.manifest.json")
        #expect(Manifest.path(forCSV: "out/runs.csv") == "out/runs.manifest.json")
        #expect(Manifest.path(forCSV: "runs.gz") == "runs.manifest.json")
    }

    @Test func aBatchToGzIsThePlainBatchCompressed() throws {
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        let plain = try runEscalation(["batch", flagship, "--runs", "400", "--seed", "9", "--out", p("plain.csv"),
                                       "--summary", p("plain-summary.csv"), "--quiet"])
        #expect(plain.status == 0, "\(plain.stderr)")
        for name in ["gz", "again"] {
            let r = try runEscalation(["batch", flagship, "--runs", "400", "--seed", "9", "--threads", name == "gz" ? "1" : "2",
                                       "--out", p("\(name).csv.gz"), "--summary", p("\(name)-summary.csv.gz"), "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let compressed = contents(p("gz.csv.gz"))
        #expect(compressed.prefix(2) == Data([0x1f, 0x8b]))
        #expect(contents(p("gz-summary.csv.gz")).prefix(2) == Data([0x1f, 0x8b]))
        #expect(compressed.count < contents(p("plain.csv")).count / 2)
        #expect(try gunzip(p("gz.csv.gz")) == contents(p("plain.csv")))
        #expect(try gunzip(p("gz-summary.csv.gz")) == contents(p("plain-summary.csv")))
        // The same batch gives the same compressed bytes (gzip's header holds no time here).
        #expect(contents(p("again.csv.gz")) == compressed)
        // The manifest has the plain name; the plain partial file is gone once compressed.
        #expect(try listing(dir) == ["again-summary.csv.gz", "again.csv.gz", "again.manifest.json", "gz-summary.csv.gz", "gz.csv.gz",
                                     "gz.manifest.json", "plain-summary.csv", "plain.csv", "plain.manifest.json"])
        let manifest = try Manifest.read(p("gz.manifest.json"))
        #expect(manifest.runs == 400 && manifest.seed == "9")

        // An existing batch, compressed, reports like the plain one.
        let report = try runEscalation(["report", p("gz.csv.gz"), "--out", p("gz.html"), "--quiet"])
        #expect(report.status == 0, "\(report.stderr)")
        let page = String(decoding: contents(p("gz.html")), as: UTF8.self)
        #expect(page.contains("Camp Taji, March 2020") && page.contains("</html>"))
    }

    @Test func everyCSVOutputNamedGzIsCompressed() throws {
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        let commands: [(String, [String])] = [
            ("sweep", ["sweep", flagship, "--vary", "parameters.kh_control.value=0:1:0.5", "--runs", "20", "--quiet"]),
            ("sensitivity", ["sensitivity", flagship, "--runs", "20", "--only", "parameters.kh_control.value", "--quiet"]),
            ("trace", ["run", flagship, "--seed", "4", "--trace", "csv"]),
        ]
        for (name, arguments) in commands {
            let plain = try runEscalation(arguments + ["--out", p(name + ".csv")])
            #expect(plain.status == 0, "\(name): \(plain.stderr)")
            let compressed = try runEscalation(arguments + ["--out", p(name + ".csv.gz")])
            #expect(compressed.status == 0, "\(name): \(compressed.stderr)")
            #expect(contents(p(name + ".csv.gz")).prefix(2) == Data([0x1f, 0x8b]), "\(name)")
            #expect(try gunzip(p(name + ".csv.gz")) == contents(p(name + ".csv")), "\(name)")
        }
    }

    @Test func gzipShardsMergeAsPlainShardsDo() throws {
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        for i in 1...3 {
            for name in ["s\(i).csv", "z\(i).csv.gz"] {
                let r = try runEscalation(["batch", flagship, "--runs", "240", "--seed", "4", "--shard", "\(i)/3",
                                           "--out", p(name), "--quiet"])
                #expect(r.status == 0, "\(r.stderr)")
            }
        }
        let plain = try runEscalation(["merge", p("s1.csv"), p("s2.csv"), p("s3.csv"), "--out", p("m.csv"), "--summary", p("ms.csv")])
        #expect(plain.status == 0, "\(plain.stderr)")
        let gz = try runEscalation(["merge", p("z1.csv.gz"), p("z2.csv.gz"), p("z3.csv.gz"), "--out", p("mz.csv.gz"),
                                    "--summary", p("mzs.csv.gz")])
        #expect(gz.status == 0, "\(gz.stderr)")
        #expect(contents(p("mz.csv.gz")).prefix(2) == Data([0x1f, 0x8b]))
        #expect(try gunzip(p("mz.csv.gz")) == contents(p("m.csv")))
        #expect(try gunzip(p("mzs.csv.gz")) == contents(p("ms.csv")))
        // Compressed and plain shards mix; a merge to a plain name is plain.
        let mixed = try runEscalation(["merge", p("z1.csv.gz"), p("s2.csv"), p("z3.csv.gz"), "--out", p("mixed.csv")])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(contents(p("mixed.csv")) == contents(p("m.csv")))

        // gzip is known by its magic bytes, not the name; a file gzip itself wrote in two
        // members (`cat a.gz b.gz`) reads as one.
        let lines = contents(p("s2.csv")).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let half = lines.count / 2
        try Data(lines[..<half].joined(separator: [UInt8(ascii: "\n")]) + [UInt8(ascii: "\n")]).write(to: URL(fileURLWithPath: p("a")))
        try Data(lines[half...].joined(separator: [UInt8(ascii: "\n")])).write(to: URL(fileURLWithPath: p("b")))
        try gzip(p("a"))
        try gzip(p("b"))
        try (contents(p("a.gz")) + contents(p("b.gz"))).write(to: URL(fileURLWithPath: p("two.csv")))
        try FileManager.default.copyItem(atPath: p("s2.manifest.json"), toPath: p("two.manifest.json"))
        let members = try runEscalation(["merge", p("s1.csv"), p("two.csv"), p("s3.csv"), "--out", p("members.csv")])
        #expect(members.status == 0, "\(members.stderr)")
        #expect(contents(p("members.csv")) == contents(p("m.csv")))
    }

    @Test func aKilledGzipBatchResumesToTheSameBytes() throws {
        let dir = try temporaryDirectory()
        let whole = dir.appendingPathComponent("whole.csv").path
        let runs = "60000"
        let reference = try runEscalation(["batch", flagship, "--runs", runs, "--seed", "5", "--out", whole,
                                           "--summary", whole + ".summary", "--quiet"])
        #expect(reference.status == 0, "\(reference.stderr)")

        let out = dir.appendingPathComponent("killed.csv.gz").path
        let summary = dir.appendingPathComponent("killed-summary.csv.gz").path
        // Killed with SIGKILL once some rows are on disk but before the end.
        let child = try startAndKillBatch(["batch", flagship, "--runs", runs, "--seed", "5", "--out", out, "--summary", summary,
                                          "--threads", "2", "--quiet"], partial: out + ".partial")
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(!FileManager.default.fileExists(atPath: out), "the final name appears only when complete")
        // The partial file is plain CSV, cut anywhere.
        let partial = contents(out + ".partial")
        #expect(partial.starts(with: Data("run,seed,".utf8)))
        let partialRows = partial.split(separator: UInt8(ascii: "\n")).count - 1
        #expect(partialRows > 0 && partialRows < 60000)

        let resumed = try runEscalation(["batch", flagship, "--runs", runs, "--seed", "5", "--out", out,
                                         "--summary", summary, "--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try gunzip(out) == contents(whole))
        #expect(try gunzip(summary) == contents(whole + ".summary"))
        #expect(!FileManager.default.fileExists(atPath: out + ".partial"))
        #expect(!FileManager.default.fileExists(atPath: out + ".partial.json"))
    }

    @Test func aGzipBatchKilledWhileCompressingFinishesOnResume() throws {
        // Every row written, the process killed before the commit: the plain partial file and
        // its plan are all there is, and --resume compresses them into place.
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        #expect(try runEscalation(["batch", flagship, "--runs", "300", "--out", p("r.csv"), "--quiet"]).status == 0)
        try FileManager.default.moveItem(atPath: p("r.csv"), toPath: p("z.csv.gz.partial"))
        try FileManager.default.copyItem(atPath: p("r.manifest.json"), toPath: p("z.csv.gz.partial.json"))
        #expect(FileManager.default.createFile(atPath: p(".z.csv.gz.tmp-999999"), contents: Data([0x1f, 0x8b, 0x08])))
        let resumed = try runEscalation(["batch", flagship, "--runs", "300", "--out", p("z.csv.gz"), "--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try listing(dir) == ["r.manifest.json", "z.csv.gz", "z.manifest.json"])
        #expect(try runEscalation(["batch", flagship, "--runs", "300", "--out", p("r.csv"), "--quiet"]).status == 0)
        #expect(try gunzip(p("z.csv.gz")) == contents(p("r.csv")))
    }

    @Test func aDamagedOrCutGzipInputIsRefusedByName() throws {
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        for i in 1...2 {
            let r = try runEscalation(["batch", flagship, "--runs", "200", "--shard", "\(i)/2", "--out", p("s\(i).csv.gz"), "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let good = contents(p("s2.csv.gz"))
        func variant(_ name: String, _ bytes: Data) throws -> String {
            try bytes.write(to: URL(fileURLWithPath: p(name + ".csv.gz")))
            try FileManager.default.copyItem(atPath: p("s2.manifest.json"), toPath: p(name + ".manifest.json"))
            return p(name + ".csv.gz")
        }
        var badCRC = good
        badCRC[badCRC.count - 8] ^= 0xff
        var badHeader = good
        badHeader[2] = 0x07  // a compression method gzip does not have
        let cases = [
            (try variant("cut", good.prefix(good.count / 2)), "ends in the middle of its gzip stream"),
            (try variant("crc", badCRC), "is not a valid gzip file: incorrect data check"),
            (try variant("header", badHeader), "is not a valid gzip file: unknown compression method"),
        ]
        for (path, message) in cases {
            let merge = try runEscalation(["merge", p("s1.csv.gz"), path, "--out", p("m.csv.gz")])
            #expect(merge.status == 65, "\(merge.stderr)")
            #expect(merge.stderr.hasPrefix("error: \(path) \(message)"), "\(merge.stderr)")
            #expect(!FileManager.default.fileExists(atPath: p("m.csv.gz")))
            let report = try runEscalation(["report", path, "--out", p("r.html"), "--quiet"])
            #expect(report.status == 65 && report.stderr.contains("\(path) \(message)"), "\(report.stderr)")
            let replay = try runEscalation(["run", "--from", path, "--row", "199"])
            #expect(replay.status == 65 && replay.stderr.contains("\(path) \(message)"), "\(replay.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: p("r.html")))
    }
}
