import Experiments
import Foundation
import TestSupport
import Testing

/// The same seed gives the same bytes only where the math library gives the same results. On a
/// processor with fused multiply-add (FMA) and AVX2, glibc can be told to use its versions of
/// `log`, `exp` and `pow` for processors without them (`GLIBC_TUNABLES`), as such a machine
/// would: the rows change, the fingerprint must tell the two apart, and `merge` must refuse to
/// join shards made one way and the other.
@Suite(.serialized)
struct MathFingerprintTests {
    static let withoutFMA = ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4"]

    /// Whether this processor has FMA and AVX2, with which glibc chooses other versions of its
    /// functions than without.
    static var processorHasFMA: Bool {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").contains {
            let flags = $0.split(separator: " ")
            return $0.hasPrefix("flags") && flags.contains("fma") && flags.contains("avx2")
        }
    }

    @Test(.enabled(if: processorHasFMA, "no FMA and AVX2 on this processor: glibc has one version of log, exp and pow here"))
    func shardsMadeWithAndWithoutFMAAreToldApartAndNotMerged() throws {
        let dir = try temporaryDirectory()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        // Runs 22,000 to 23,999 of a 100,000-run flagship batch, seed 1, where run 23,162 ends with
        // a final_tension one unit in the last place apart with FMA and without (5 rows of the
        // 100,000 differ, with glibc 2.36).
        let shard = ["batch", "Scenarios/taji-2020.yaml", "--runs", "100000", "--seed", "1", "--shard", "12/50", "--quiet"]
        let with = try runEscalation(shard + ["--out", path("with.csv")])
        let without = try runEscalation(shard + ["--out", path("without.csv")], environment: Self.withoutFMA)
        #expect(with.status == 0, "\(with.stderr)")
        #expect(without.status == 0, "\(without.stderr)")
        let rows = { (name: String) in try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n") }
        let differing = zip(try rows("with.csv"), try rows("without.csv")).filter { $0.0 != $0.1 }
        let fingerprint = { (name: String) in try Manifest.read(Manifest.path(forCSV: path(name))).math }
        let a = try #require(try fingerprint("with.csv")), b = try #require(try fingerprint("without.csv"))
        // Where the setting changes nothing (a glibc that names these features otherwise, or
        // picks by other features), there is nothing to tell apart.
        if differing.isEmpty && a == b { return }
        #expect(a != b, "\(differing.count) rows differ with FMA and without, under one fingerprint")

        // The first shard made with FMA, the second without: not one batch.
        let arguments = ["batch", "Scenarios/taji-2020.yaml", "--runs", "2000", "--seed", "1", "--quiet"]
        #expect(try runEscalation(arguments + ["--shard", "1/2", "--out", path("s1.csv")]).status == 0)
        #expect(try runEscalation(arguments + ["--shard", "2/2", "--out", path("s2.csv")], environment: Self.withoutFMA).status == 0)
        let merge = try runEscalation(["merge", path("s1.csv"), path("s2.csv"), "--out", path("m.csv")])
        #expect(merge.status == 65)
        #expect(merge.stderr.contains("the shards were made on machines whose math libraries differ, by their manifests' "
                                      + "fingerprints: \(a) (\(path("s1.csv"))); \(b) (\(path("s2.csv")))"), "\(merge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("m.csv")))
        // Made again with FMA, it merges.
        #expect(try runEscalation(arguments + ["--shard", "2/2", "--out", path("s2.csv")]).status == 0)
        let again = try runEscalation(["merge", path("s1.csv"), path("s2.csv"), "--out", path("m.csv")])
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// A row that does not reproduce, in a batch whose manifest records another fingerprint than
    /// this machine's: `report` and `run --from` say so, beside the row.
    @Test func aRowThatDoesNotReproduceUnderAnotherFingerprintSaysSo() throws {
        let dir = try temporaryDirectory()
        let csv = dir.appendingPathComponent("runs.csv").path
        #expect(try runEscalation(["batch", "Scenarios/taji-2020.yaml", "--runs", "50", "--seed", "2", "--out", csv, "--quiet"]).status == 0)
        var manifest = try Manifest.read(Manifest.path(forCSV: csv))
        let here = try #require(manifest.math)
        manifest.math = "0123456789abcdef"
        try manifest.encoded().write(toFile: Manifest.path(forCSV: csv), atomically: true, encoding: .utf8)
        // Run 7's last column (a whole number) one more, as a last digit from another library would be.
        var lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var fields = lines[8].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[fields.count - 1] = String(try #require(Int(fields[fields.count - 1])) + 1)
        lines[8] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)

        let note = "the batch ran on a machine whose math library's fingerprint is 0123456789abcdef, and this one's is \(here)"
        let report = try runEscalation(["report", csv, "--out", dir.appendingPathComponent("r.html").path, "--quiet"])
        #expect(report.status == 65)
        #expect(report.stderr.contains("the row of run 7 is not what the scenario gives") && report.stderr.contains(note), "\(report.stderr)")
        let replay = try runEscalation(["run", "--from", csv, "--row", "7"])
        #expect(replay.status == 65)
        #expect(replay.stderr.contains(note), "\(replay.stderr)")
        // Under this machine's own fingerprint, the refusal has no such note.
        manifest.math = here
        try manifest.encoded().write(toFile: Manifest.path(forCSV: csv), atomically: true, encoding: .utf8)
        let plain = try runEscalation(["report", csv, "--out", dir.appendingPathComponent("r.html").path, "--quiet"])
        #expect(plain.status == 65)
        #expect(!plain.stderr.contains("math library"), "\(plain.stderr)")
    }
}
