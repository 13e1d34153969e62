import Foundation
import Record
import TestSupport
import Testing

/// Reports of big batches stay small and say what they checked: the page does not grow with the
/// number of runs, and names the sample re-simulated and the CSV's SHA-256.
@Suite(.serialized)
struct ReportSizeTests {
    let flagship = "Scenarios/taji-2020.yaml"

    @Test func thePageDoesNotGrowWithRunsAndSaysWhatWasChecked() throws {
        let dir = try temporaryDirectory()
        var pages: [Int: String] = [:], hashes: [Int: String] = [:]
        for runs in [2000, 20000, 50000] {
            let csv = dir.appendingPathComponent("runs\(runs).csv").path, html = dir.appendingPathComponent("r\(runs).html").path
            #expect(try runEscalation(["batch", flagship, "--runs", String(runs), "--seed", "1", "--out", csv, "--quiet"]).status == 0)
            let report = try runEscalation(["report", csv, "--out", html, "--quiet"])
            #expect(report.status == 0, "\(report.stderr)")
            pages[runs] = try String(contentsOfFile: html, encoding: .utf8)
            hashes[runs] = SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: csv))))
        }
        // Far under 1 MB. From 2,000 to 20,000 runs the histograms gain bars (up to about 30 a
        // side); from 20,000 to 50,000 the page is the same size within 2% (digits of numbers).
        let sizes = [2000, 20000, 50000].map { pages[$0]!.utf8.count }
        #expect(sizes.allSatisfy { $0 < 1_000_000 } && sizes[1] < sizes[0] + sizes[0] / 10, "\(sizes)")
        #expect(abs(sizes[2] - sizes[1]) < sizes[1] / 50, "\(sizes)")

        #expect(pages[2000]!.contains("All 2,000 replications were re-simulated and matched runs2000.csv byte for byte"))
        #expect(pages[2000]!.contains("the CSV's SHA-256 is \(hashes[2000]!)"))
        let page = pages[20000]!
        #expect(page.contains("10,000 of the 20,000 replications were re-simulated and matched runs20000.csv byte for byte"))
        #expect(page.contains("every row's run and seed columns were checked"))
        #expect(page.contains("the scenario's content hash matched the manifest's"))
        #expect(page.contains("the CSV's SHA-256 is \(hashes[20000]!)") && page.contains("data-sha256=\"\(hashes[20000]!)\""))
        #expect(page.contains("Drawn from 10,000 of the 20,000 runs, re-simulated with their traces"))
        #expect(page.contains("on average over 10,000 of the 20,000 runs"))

        // Simulated for the report, the same runs draw the same sample: the same page, which
        // gives the hash of the CSV `batch` writes for them.
        let html = dir.appendingPathComponent("scenario.html").path
        let direct = try runEscalation(["report", flagship, "--runs", "20000", "--seed", "1", "--out", html, "--quiet"])
        #expect(direct.status == 0, "\(direct.stderr)")
        let fromScenario = try String(contentsOfFile: html, encoding: .utf8)
        let beforeManifest = { (text: String) in text.components(separatedBy: "<h3>Manifest</h3>")[0] }
        #expect(beforeManifest(fromScenario) == beforeManifest(page))
        #expect(fromScenario.contains("The 20,000 runs were simulated for this report. The CSV `escalation batch` writes for them "
                                      + "has SHA-256 \(hashes[20000]!)."))
    }
}
