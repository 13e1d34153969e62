import EscalationModel
import Experiments
import Foundation
import Record
import ScenarioIO
import TestSupport
import Testing

/// A report of a batch larger than its sample: every row read and checked (run, seed, written
/// form), the sample alone simulated again, chosen by the CSV's SHA-256. Batches of 300 runs with
/// a sample of 50 stand for ten million with ten thousand.
@Suite(.serialized)
struct ReportSampleTests {
    let scenarioPath = repositoryPath("Scenarios/taji-2020.yaml")

    /// A batch of `runs` runs of the flagship in `dir`, as `batch` writes it; returns the CSV's path.
    func batch(runs: Int, in dir: URL) throws -> String {
        let loaded = try ScenarioLoader.load(path: scenarioPath, overrides: [])
        var request = BatchRequest(loaded: loaded, masterSeed: 5, runs: runs, threads: 2)
        request.out = dir.appendingPathComponent("runs.csv").path
        request.summary = dir.appendingPathComponent("summary.csv").path
        request.quiet = true
        _ = try BatchJob.run(request)
        return request.out!
    }

    func sha256(_ path: String) throws -> String { SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }

    /// The file with row `row` (from 0) changed by `change` to its fields.
    func tampered(_ csv: String, row: Int, _ change: (inout [String]) -> Void) throws -> String {
        var lines = try String(contentsOfFile: csv, encoding: .utf8).components(separatedBy: "\n")
        var fields = lines[row + 1].components(separatedBy: ",")
        change(&fields)
        lines[row + 1] = fields.joined(separator: ",")
        let path = csv.replacingOccurrences(of: "runs.csv", with: "tampered-\(row).csv")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Manifest.path(forCSV: csv), toPath: Manifest.path(forCSV: path))
        return path
    }

    /// The first row whose tampered file's own sample (drawn from its hash) does, or does not,
    /// hold that row.
    func tamperedRow(_ csv: String, inSample: Bool, _ change: (inout [String]) -> Void) throws -> (row: Int, path: String) {
        for row in 1..<299 {
            let path = try tampered(csv, row: row, change)
            let sample = ReportSample(range: 0..<300, size: 50, csvHash: try sha256(path))
            if sample.runs.contains(row) == inSample { return (row, path) }
        }
        Issue.record("no row found")
        return (0, csv)
    }

    func error(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func aReportOfABatchLargerThanItsSampleSimulatesOnlyTheSampleAndCountsEveryRow() throws {
        let dir = try temporaryDirectory()
        let csv = try batch(runs: 300, in: dir)
        let data = try ReportData.collect(fromBatch: csv, threads: 2, sampleSize: 50)
        let sample = data.sample
        // 50 runs, one in each sixth of the batch, drawn from the file's hash.
        #expect(sample.runs.count == 50 && !sample.isWhole)
        for (i, run) in sample.runs.enumerated() { #expect(run >= 6 * i && run < 6 * i + 6, "stratum \(i): \(run)") }
        #expect(sample == ReportSample(range: 0..<300, size: 50, csvHash: try sha256(csv)))
        #expect(data.check.csvSHA256 == (try sha256(csv)) && data.check.rows == 300)
        #expect(data.check.text.hasPrefix("50 of the 300 replications were re-simulated and matched runs.csv byte for byte"))
        #expect(data.check.text.contains("the CSV's SHA-256 is \(try sha256(csv))"))
        // The traced charts count the sample's runs; those from the columns, every row.
        #expect(data.ladder.allSatisfy { ($0.last ?? 0) <= 50 } && data.ladder[4].last! > 0)
        #expect(data.summary.n == 300)
        #expect(data.summary.csv() == (try String(contentsOfFile: dir.appendingPathComponent("summary.csv").path, encoding: .utf8)))
        #expect(data.endedByDay.map { $0.last! }.reduce(0, +) == 300)
        // The typical run is the first with the median number of actions of all 300.
        let events = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Int($0.split(separator: ",")[5])! }
        let median = events.sorted()[150]
        #expect(data.median.result.actions == median && data.median.result.seed == replicationSeed(
            master: 5, index: events.firstIndex(of: median)!))
        // A sample as large as the batch is the whole batch.
        let whole = try ReportData.collect(fromBatch: csv, threads: 2, sampleSize: 300)
        #expect(whole.sample.isWhole && whole.sample.runs == Array(0..<300))
        #expect(whole.check.text.hasPrefix("All 300 replications were re-simulated and matched runs.csv byte for byte"))
        #expect(whole.summary.csv() == data.summary.csv())
    }

    @Test func aRowWithAnotherSeedOutsideTheSampleIsRefused() throws {
        let dir = try temporaryDirectory()
        let csv = try batch(runs: 300, in: dir)
        let (row, path) = try tamperedRow(csv, inSample: false) { $0[1] = String(UInt64($0[1])! ^ 1) }
        let message = error { _ = try ReportData.collect(fromBatch: path, threads: 2, sampleSize: 50) }
        #expect(message.hasPrefix("\(path): run \(row) has seed "), "\(message)")
        #expect(message.hasSuffix("the row does not come from this batch"), "\(message)")
    }

    @Test func aRowTamperedInsideTheSampleIsRefused() throws {
        let dir = try temporaryDirectory()
        let csv = try batch(runs: 300, in: dir)
        // One more action: still a row in its written form.
        let (row, path) = try tamperedRow(csv, inSample: true) { $0[5] = String(Int($0[5])! + 1) }
        let message = error { _ = try ReportData.collect(fromBatch: path, threads: 2, sampleSize: 50) }
        #expect(message.hasPrefix("\(path): the row of run \(row) is not what the scenario gives (simulated again: \(row),"),
                "\(message)")
    }

    /// The summary is never read from a file: it is counted from the rows. A value changed in a
    /// row outside the sample (with its true seed) is what sampling cannot see; the page then
    /// shows the changed file's numbers and its SHA-256, which is not the batch's.
    @Test func aRowTamperedOutsideTheSampleChangesTheHashThePageGives() throws {
        let dir = try temporaryDirectory()
        let csv = try batch(runs: 300, in: dir)
        let original = try ReportData.collect(fromBatch: csv, threads: 2, sampleSize: 50)
        let (_, path) = try tamperedRow(csv, inSample: false) { $0[5] = String(Int($0[5])! + 1000) }
        let data = try ReportData.collect(fromBatch: path, threads: 2, sampleSize: 50)
        #expect(data.check.csvSHA256 == (try sha256(path)) && data.check.csvSHA256 != original.check.csvSHA256)
        #expect(data.summary.csv() != original.summary.csv())
        // Every row of the whole batch re-simulated: refused.
        let message = error { _ = try ReportData.collect(fromBatch: path, threads: 2, sampleSize: 300) }
        #expect(message.contains("is not what the scenario gives"), "\(message)")
    }

    @Test func aCutLastRowIsRefused() throws {
        let dir = try temporaryDirectory()
        let csv = try batch(runs: 300, in: dir)
        var text = try String(contentsOfFile: csv, encoding: .utf8)
        text.removeLast()
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let message = error { _ = try ReportData.collect(fromBatch: csv, threads: 2, sampleSize: 50) }
        #expect(message == "\(csv): it ends in a cut row (no newline after run 299's row): the file is not the whole batch")
    }
}
