import Foundation
import ScenarioIO

/// Joins the shards of one batch into the CSV (and summary) the batch run whole would have
/// written, byte for byte. Shards must come from the same program version, scenario text,
/// overrides, seed, run count and shard count, and together cover every run exactly once.
public enum Merge {
    public struct Result {
        public let manifest: Manifest
        public let summary: BatchSummary?
        public let runs: Int
    }

    static let blockSize = 1 << 22

    public static func merge(inputs: [String], out: String, summaryPath: String?) throws -> Result {
        guard !inputs.isEmpty else { throw BatchError("name at least one shard CSV") }
        var shards: [(path: String, manifest: Manifest)] = []
        for path in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SourceReadError(path: path, reason: "no such shard file")
            }
            if isDirectory.boolValue { throw BatchError("\(path) is a folder; name the shard CSV files") }
            shards.append((path, try Manifest.read(Manifest.path(forCSV: path))))
        }
        let reference = shards[0]
        for shard in shards.dropFirst() {
            let differences = shard.manifest.differences(from: reference.manifest)
            if !differences.isEmpty {
                throw BatchError("\(shard.path) does not belong with \(reference.path): different "
                                 + differences.joined(separator: ", "))
            }
        }
        shards.sort { $0.manifest.shard.first < $1.manifest.shard.first }
        var expected = 0
        for (i, shard) in shards.enumerated() {
            let s = shard.manifest.shard
            if i > 0, s.first < expected {
                throw BatchError("\(shard.path) (shard \(s.index)/\(s.count), runs \(s.first)..<\(s.end)) overlaps "
                                 + "\(shards[i - 1].path) (runs up to \(expected))")
            }
            if s.first > expected {
                throw BatchError("runs \(expected)..<\(s.first) are missing: no shard covers them "
                                 + "(next is \(shard.path), shard \(s.index)/\(s.count))")
            }
            expected = s.end
        }
        if expected != reference.manifest.runs {
            throw BatchError("runs \(expected)..<\(reference.manifest.runs) are missing: no shard covers them")
        }

        // The rows are checked against the scenario that made them (see RowVerifier).
        let loaded = try reference.manifest.loadScenario(besideCSV: reference.path, purpose: "checking the shards' rows")
        guard let masterSeed = UInt64(reference.manifest.seed) else { throw BatchError("\(reference.path): its manifest's seed is not a number") }
        let header = reference.manifest.columns.joined(separator: ",")
        let outputs = try OutputFiles([out, Manifest.path(forCSV: out), summaryPath].compactMap { $0 })
        let inputs = Set(shards.flatMap { [OutputFiles.canonical($0.path), OutputFiles.canonical(Manifest.path(forCSV: $0.path))] })
        for output in outputs.targets where inputs.contains(OutputFiles.canonical(output)) {
            throw BatchError("\(output) is a shard or a shard's manifest as well as an output of the merge; name another file")
        }
        let temporary = OutputFiles.temporaryPath(for: out)
        let output = try FileWriter.create(temporary, reportedAs: out, compressed: Gzip.isNamed(out))
        outputs.adopt(temporary, for: out, keep: false)
        var finished = false
        defer { if !finished { output.abandon() } }
        try output.write(header + "\n")

        // The summary needs the scenario's names; rebuild the run table from the columns.
        var summary: BatchSummary?
        var table: RunTable?
        var parser: RowParser?
        var record: [Double] = []
        // Rows go out as they came in, a few MiB at a time.
        var block: [UInt8] = []
        block.reserveCapacity(Self.blockSize + (1 << 16))
        for shard in shards {
            var reader = try LineReader(path: shard.path)
            defer { reader.close() }
            guard try reader.next() == header else {
                throw BatchError("\(shard.path): its header does not match its manifest's columns")
            }
            var next = shard.manifest.shard.first
            let verifier = RowVerifier(scenario: loaded.scenario, masterSeed: masterSeed,
                                       range: shard.manifest.shard.first..<shard.manifest.shard.end)
            while let line = try reader.nextLine() {
                if table == nil {
                    table = try RunTable(manifest: reference.manifest)
                    summary = BatchSummary(table: table!)
                    parser = RowParser(table!)
                    record = [Double](repeating: 0, count: table!.layout.width)
                }
                guard let (run, seed) = record.withUnsafeMutableBufferPointer({ parser!.parse(line, into: $0) }), run == next else {
                    throw BatchError("\(shard.path): line \(next - shard.manifest.shard.first + 2) is not run \(next)")
                }
                try verifier.check(run: run, seed: seed, line: line, file: shard.path)
                summary!.add(record)
                next += 1
                block.append(contentsOf: line)
                block.append(UInt8(ascii: "\n"))
                if block.count > Self.blockSize {
                    try block.withUnsafeBytes { try output.write($0) }
                    block.removeAll(keepingCapacity: true)
                }
            }
            if !reader.trailing.isEmpty {
                throw BatchError("\(shard.path) ends in the middle of a row: it is not a finished shard")
            }
            if next != shard.manifest.shard.end {
                throw BatchError("\(shard.path) has \(next - shard.manifest.shard.first) rows; its manifest says "
                                 + "\(shard.manifest.shard.end - shard.manifest.shard.first)")
            }
        }
        try block.withUnsafeBytes { try output.write($0) }
        finished = true
        try output.finish()
        var manifest = reference.manifest
        manifest.shard = .init(index: 1, count: 1, first: 0, end: manifest.runs)
        manifest.started = shards.map(\.manifest.started).min() ?? manifest.started
        manifest.finished = shards.map(\.manifest.finished).max() ?? manifest.finished
        if let summaryPath, let summary { try outputs.stage(summary.csv(), for: summaryPath) }
        try outputs.stage(manifest.encoded(), for: Manifest.path(forCSV: out))
        try outputs.commit()
        return Result(manifest: manifest, summary: summary, runs: manifest.runs)
    }
}
