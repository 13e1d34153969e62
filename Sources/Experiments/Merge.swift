import Foundation

/// Joins the shards of one batch into the CSV (and summary) the batch run whole would have
/// written, byte for byte. Shards must come from the same program version, scenario text,
/// overrides, seed, run count and shard count, and together cover every run exactly once.
public enum Merge {
    public struct Result {
        public let manifest: Manifest
        public let summary: BatchSummary?
        public let runs: Int
    }

    public static func merge(inputs: [String], out: String, summaryPath: String?) throws -> Result {
        guard !inputs.isEmpty else { throw BatchError("name at least one shard CSV") }
        var shards: [(path: String, manifest: Manifest)] = []
        for path in inputs { shards.append((path, try Manifest.read(Manifest.path(forCSV: path)))) }
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

        let header = reference.manifest.columns.joined(separator: ",")
        let temporary = AtomicFile.temporaryPath(for: out)
        guard FileManager.default.createFile(atPath: temporary, contents: Data((header + "\n").utf8)),
              let output = FileHandle(forWritingAtPath: temporary) else {
            throw AtomicFile.WriteError(path: out, reason: AtomicFile.reason(creating: temporary))
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try output.seekToEnd()

        // The summary needs the scenario's names; rebuild the run table from the columns.
        var summary: BatchSummary?
        var table: RunTable?
        var record: [Double] = []
        for shard in shards {
            var reader = try LineReader(path: shard.path)
            defer { reader.close() }
            guard try reader.next() == header else {
                throw BatchError("\(shard.path): its header does not match its manifest's columns")
            }
            var next = shard.manifest.shard.first
            var block = ""
            while let line = try reader.next() {
                if table == nil {
                    table = try RunTable(manifest: reference.manifest)
                    summary = BatchSummary(table: table!)
                    record = [Double](repeating: 0, count: table!.layout.width)
                }
                guard let (run, _) = table!.parseRow(line, into: &record), run == next else {
                    throw BatchError("\(shard.path): line \(next - shard.manifest.shard.first + 2) is not run \(next)")
                }
                summary!.add(record)
                next += 1
                block += line
                block += "\n"
                if block.utf8.count > 1 << 22 {
                    try write(block, to: output, path: out)
                    block = ""
                }
            }
            if !reader.trailing.isEmpty {
                throw BatchError("\(shard.path) ends in the middle of a row: it is not a finished shard")
            }
            if next != shard.manifest.shard.end {
                throw BatchError("\(shard.path) has \(next - shard.manifest.shard.first) rows; its manifest says "
                                 + "\(shard.manifest.shard.end - shard.manifest.shard.first)")
            }
            try write(block, to: output, path: out)
        }
        do {
            try output.synchronize()
            try output.close()
        } catch {
            throw AtomicFile.WriteError(path: out, reason: error.localizedDescription)
        }
        var manifest = reference.manifest
        manifest.shard = .init(index: 1, count: 1, first: 0, end: manifest.runs)
        manifest.started = shards.map(\.manifest.started).min() ?? manifest.started
        manifest.finished = shards.map(\.manifest.finished).max() ?? manifest.finished
        if let summaryPath, let summary { try AtomicFile.write(summary.csv(), to: summaryPath) }
        try AtomicFile.write(manifest.encoded(), to: Manifest.path(forCSV: out))
        try AtomicFile.commit(temporary, to: out)
        return Result(manifest: manifest, summary: summary, runs: manifest.runs)
    }

    static func write(_ text: String, to handle: FileHandle, path: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw AtomicFile.WriteError(path: path, reason: error.localizedDescription)
        }
    }
}
