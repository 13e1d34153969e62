import Foundation
import TestSupport
import Testing

/// `escalation compare` as people use it: two files, one file and --set, the CSV and manifest,
/// the reproduce line, the report, and its mistakes.
@Suite(.serialized)
struct CompareCommandTests {
    @Test func twoFilesGiveAPairedDifferenceManifestAndReport() throws {
        let dir = try temporaryDirectory()
        let csv = dir.appendingPathComponent("cmp.csv").path, html = dir.appendingPathComponent("cmp.html").path
        let r = try runEscalation(["compare", repositoryPath("Scenarios/taji-2020.yaml"), repositoryPath("Scenarios/air-defense-early.yaml"),
                                   "--runs", "3000", "--seed", "4", "--out", csv, "--report", html])
        #expect(r.status == 0, "\(r.stderr)")
        for line in r.stdout.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
        #expect(r.stdout.contains("state.c_ram.initial: c_ram_start → c_ram_later"))
        #expect(r.stdout.contains("us_expelled"))
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0] == ["quantity", "n", "a", "b", "difference", "ci95_low", "ci95_high", "p_value", "method"])
        let expelled = try #require(rows.first { $0[0] == "outcome_us_expelled" })
        let a = Double(expelled[2])!, b = Double(expelled[3])!, d = Double(expelled[4])!
        #expect(abs(d - (b - a)) < 1e-12)
        #expect(Double(expelled[5])! <= d && d <= Double(expelled[6])!)
        #expect(rows.last?[0] == "outcome_changed")

        // The manifest names both scenarios and a command that writes the same bytes.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.appendingPathComponent("cmp.manifest.json").path))) as! [String: Any]
        #expect(manifest["kind"] as? String == "compare")
        #expect((manifest["scenarios"] as? [[String: Any]])?.count == 2)
        let reproduce = try #require(manifest["reproduce"] as? String)
        #expect(reproduce.hasPrefix("escalation compare "))
        var words = reproduce.split(separator: " ").map(String.init).dropFirst()
        let again = dir.appendingPathComponent("again.csv").path
        words.append(contentsOf: ["--out", again, "--quiet", "--threads", "1"])
        #expect(try runEscalation(Array(words)).status == 0)
        #expect(try String(contentsOfFile: again, encoding: .utf8) == text)

        let page = try String(contentsOfFile: html, encoding: .utf8)
        for id in ["diff-table", "chart-arms", "chart-outcome-differences", "outcome-differences", "transition-table",
                   "metric-differences", "manifest"] {
            #expect(page.contains("id=\"\(id)\""), "\(id)")
        }
        #expect(page.contains("c_ram_later"))
        #expect(page.contains("Reproduce: escalation compare"))
    }

    @Test func oneFileAndSetComparesTheFileWithItsChange() throws {
        let r = try runEscalation(["compare", repositoryPath("Scenarios/taji-2020.yaml"), "--set",
                                   "policies.us_limited.rules.Americans or allies killed by KH.probability=1", "--runs", "500", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.first == "quantity,n,a,b,difference,ci95_low,ci95_high,p_value,method")
        #expect(rows.count > 10)
    }

    @Test func mistakesAreUsageErrors() throws {
        let taji = repositoryPath("Scenarios/taji-2020.yaml")
        let one = try runEscalation(["compare", taji, "--runs", "10"])
        #expect(one.status == 64 && one.stderr.contains("--set"))
        let three = try runEscalation(["compare", taji, taji, taji, "--runs", "10"])
        #expect(three.status == 64)
        let badRule = try runEscalation(["compare", taji, "--set", "policies.us_limited.rules.no such rule.probability=1", "--runs", "10"])
        #expect(badRule.status == 64 && badRule.stderr.contains("non-lethal KH attacks"), "\(badRule.stderr)")
    }
}
