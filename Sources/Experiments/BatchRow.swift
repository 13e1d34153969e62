import EscalationModel
import Foundation
import Record
import ScenarioIO
import Stochastics

/// One row of a batch CSV, found by its `run` column, ready to be played again alone: the
/// scenario loaded as the batch loaded it (the manifest's overrides and posterior), and the
/// row's seed checked against the seed the manifest's master seed gives that replication. The
/// seed is taken from the manifest and the run number, never from a number a spreadsheet may
/// have rounded.
public struct BatchRow {
    public let manifest: Manifest
    public let loaded: LoadedScenario
    /// The replication: the row's `run` column.
    public let run: Int
    /// `StreamSeed.replication(master:index:)` of the manifest's master seed and `run`, which
    /// the row's `seed` column holds too.
    public let seed: UInt64
    /// The row as written, without its newline.
    public let line: String

    /// The row's `outcome` column.
    public var outcome: String { String(line.split(separator: ",", omittingEmptySubsequences: false)[2]) }

    /// Finds run `run` in `csv` (plain or gzip) and checks it: its seed is the derived one and
    /// simulating that seed again gives the row byte for byte. `scenario` names the scenario file
    /// when the manifest's path does not lead to it.
    public static func find(run: Int, in csv: String, scenario: String? = nil) throws -> BatchRow {
        guard FileManager.default.fileExists(atPath: csv) else { throw SourceReadError(path: csv, reason: "no such file") }
        let manifest = try Manifest.read(Manifest.path(forCSV: csv))
        let range = manifest.shard.first..<manifest.shard.end
        guard range.contains(run) else {
            let holds = range.isEmpty ? "holds no runs" : "holds runs \(range.lowerBound) to \(range.upperBound - 1)"
            let what = manifest.shard.count == 1
                ? "\(csv) \(holds) (a batch of \(manifest.runs) runs)"
                : "\(csv) is shard \(manifest.shard.index)/\(manifest.shard.count) of a batch of \(manifest.runs) runs and \(holds)"
            throw OptionValueError(option: "row", value: String(run), reason: "expected the run column of a row, but \(what)")
        }
        guard let master = UInt64(manifest.seed) else { throw BatchError("\(Manifest.path(forCSV: csv)): its seed is not a number") }
        let loaded = try manifest.loadScenario(besideCSV: csv, purpose: "replaying its row", at: scenario)
        let seed = StreamSeed.replication(master: master, index: UInt64(run))

        var reader = try LineReader(path: csv)
        defer { reader.close() }
        guard try reader.next() == manifest.columns.joined(separator: ",") else {
            throw BatchError("\(csv): its header does not match its manifest's columns")
        }
        var line: String?
        while let next = try reader.nextLine() {
            guard let k = runColumn(next) else {
                let text = String(decoding: next, as: UTF8.self)
                throw BatchError("\(csv): a row does not start with a run number and a seed: \(abbreviated(text, limit: 120))")
            }
            if k == run { line = String(decoding: next, as: UTF8.self); break }
            // Rows are in replication order: past it, it is not there.
            if k > run { break }
        }
        guard let line else {
            throw BatchError("\(csv) has no row for run \(run), though its manifest says it holds it: the file is not the complete batch")
        }
        let verifier = RowVerifier(scenario: loaded.scenario, masterSeed: master, range: range)
        verifier.madeWith = manifest.math
        let written = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)[1]
        guard let rowSeed = UInt64(written) else {
            throw BatchError("\(csv): the seed of run \(run) is '\(abbreviated(String(written), limit: 40))', not a 64-bit whole number "
                             + "(was the file saved by a program that rounded it?); master seed \(master) gives \(seed)")
        }
        // The seed column must be the derived seed, and the derived seed must give the row.
        try verifier.check(run: run, seed: rowSeed, line: line, file: csv, always: true)
        return BatchRow(manifest: manifest, loaded: loaded, run: run, seed: seed, line: line)
    }

    /// The run column of a row that has at least three columns, or nil.
    private static func runColumn(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let p = line.baseAddress else { return nil }
        var i = 0
        guard let run = CSVNumber.integer(p, &i, line.count, as: Int.self), i < line.count,
              memchr(p + i + 1, Int32(CSVNumber.comma), line.count - i - 1) != nil else { return nil }
        return run
    }
}
