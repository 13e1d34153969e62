import Experiments
import Foundation
import TestSupport
import Testing

/// The same seed gives the same bytes only where the math library gives the same results. On a
/// processor with fused multiply-add (FMA), glibc can be told to use its versions of `log`, `exp`
/// and `pow` for processors without it (`GLIBC_TUNABLES`), as such a machine would: the rows
/// change, the fingerprint must tell the two apart, and `merge` must refuse to join shards made
/// one way and the other.
@Suite(.serialized)
struct MathFingerprintTests {
    static let withoutFMA = ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4"]

    /// Whether this processor has FMA, so that glibc has two versions of its functions to choose from.
    static var processorHasFMA: Bool {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return info.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.split(separator: " ").contains("fma") }
    }

    @Test(.enabled(if: processorHasFMA, "no FMA on this processor: glibc has one version of log, exp and pow here"))
    func shardsMadeWithAndWithoutFMAAreToldApartAndNotMerged() throws {
        let dir = try temporaryDirectory()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        // Runs 22,000 to 23,999 of a 100,000-run flagship batch, seed 1, where run 23,162 ends with
        // a final_tension one unit in the last place apart with FMA and without (5 rows of the
        // 100,000 differ).
        let shard = ["batch", "Scenarios/taji-2020.yaml", "--runs", "100000", "--seed", "1", "--shard", "12/50", "--quiet"]
        let with = try runEscalation(shard + ["--out", path("with.csv")])
        let without = try runEscalation(shard + ["--out", path("without.csv")], environment: Self.withoutFMA)
        #expect(with.status == 0, "\(with.stderr)")
        #expect(without.status == 0, "\(without.stderr)")
        let rows = { (name: String) in try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n") }
        let differing = zip(try rows("with.csv"), try rows("without.csv")).filter { $0.0 != $0.1 }.map { $0.0.prefix { $0 != "," } }
        #expect(!differing.isEmpty, "no row differs with FMA and without: choose a shard where one does")

        let fingerprint = { (name: String) in try Manifest.read(Manifest.path(forCSV: path(name))).math }
        let a = try #require(try fingerprint("with.csv")), b = try #require(try fingerprint("without.csv"))
        #expect(a != b)

        // The first shard made with FMA, the second without: not one batch.
        let arguments = ["batch", "Scenarios/taji-2020.yaml", "--runs", "2000", "--seed", "1", "--quiet"]
        #expect(try runEscalation(arguments + ["--shard", "1/2", "--out", path("s1.csv")]).status == 0)
        #expect(try runEscalation(arguments + ["--shard", "2/2", "--out", path("s2.csv")], environment: Self.withoutFMA).status == 0)
        let merge = try runEscalation(["merge", path("s1.csv"), path("s2.csv"), "--out", path("m.csv")])
        #expect(merge.status == 65)
        #expect(merge.stderr.contains("\(path("s2.csv")) does not belong with \(path("s1.csv")): different math library "
                                      + "(fingerprint \(b) against \(a): their log, exp or pow round some results differently"),
                "\(merge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("m.csv")))
        // Made again with FMA, it merges.
        #expect(try runEscalation(arguments + ["--shard", "2/2", "--out", path("s2.csv")]).status == 0)
        let again = try runEscalation(["merge", path("s1.csv"), path("s2.csv"), "--out", path("m.csv")])
        #expect(again.status == 0, "\(again.stderr)")
    }
}
