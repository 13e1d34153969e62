import CRowScan
import EscalationModel
import Foundation
import Stochastics

/// One pass over a batch's shards in run order, at about the speed of the disk: each file is
/// read a block of rows at a time and the block is written out whole (by `BackgroundWriter`);
/// every row's run and seed are checked (and a sample simulated again, `SampleChecker`); with a
/// summary, every field is read into it, on two threads (`SummaryWorker`), else each row's
/// fields are only counted.
struct MergePass {
    struct Input {
        let path: String
        let manifest: Manifest
    }

    /// The first thing wrong with a shard (by its position in `inputs`): its line (`Int.max`
    /// after the rows), and the message.
    struct Failure {
        let shard: Int
        let line: Int
        let message: String
    }

    /// Bytes read at a time: a block is checked, then written from the buffer it was read into
    /// (`BackgroundWriter`), and these few buffers stay in the processor's cache; with 4 MiB,
    /// the writer's copy into the page cache waited on memory and a merge took half as long again.
    static let blockSize = 1 << 18

    let inputs: [Input]
    let header: String
    /// The scenario that made the shards, loaded beside the reading (`SampleChecker`).
    let load: @Sendable () throws -> Scenario
    let masterSeed: UInt64
    let table: RunTable

    /// Copies the rows to `output` (when there is one and nothing has failed) and, with
    /// `summarise`, reads them into the summary. With `stopAtFirst`, stops at the first shard
    /// with a failure; else checks them all. Failures are at most one a shard, the first in it.
    func run(output: FileWriter?, summarise: Bool, stopAtFirst: Bool) throws -> (summary: BatchSummary?, failures: [Failure]) {
        let columns = table.layout.width + 2
        let parser = RowParser(table)
        var failures: [Int: Failure] = [:]
        func fail(_ shard: Int, _ line: Int, _ message: String) {
            if let earlier = failures[shard], earlier.line <= line { return }
            failures[shard] = Failure(shard: shard, line: line, message: message)
        }
        /// Line `line` of the shard is not the row of the run due there: what is wrong with it,
        /// read again from the file (a failure is rare).
        func notRun(_ shard: Int, _ line: Int) -> String {
            let path = inputs[shard].path, run = inputs[shard].manifest.shard.first + line - 2
            let problem = lineOfFile(path, number: line).map { bytes in
                bytes.withUnsafeBufferPointer { parser.problem($0, run: run, columns: table.columns) }
            } ?? "it cannot be read again"
            return "\(path): line \(line) should be run \(run)'s row, but \(problem)"
        }
        // The summary's fields [2, split) are read here, [split, columns) by the worker.
        var summary: BatchSummary? = summarise ? BatchSummary(table: table) : nil
        var worker: SummaryWorker?
        var split = columns
        var moments: MomentColumns?
        // Where each row of a block starts its field 2, and ends: the summary's parts need not look for them.
        var starts: [Int32] = [], ends: [Int32] = []
        defer { worker?.finish() }
        let samples = SampleChecker(masterSeed: masterSeed, madeWith: inputs.lazy.compactMap(\.manifest.math).first, load: load)
        defer { try? samples.finish() }
        // A plain output without a summary: the files are copied as they are, on a thread of
        // their own, while this one checks them; else the rows this thread reads are written.
        var copier: ShardCopier?
        if let output, !summarise, !output.isCompressed, inputs.allSatisfy({ (try? Gzip.isCompressed(file: $0.path)) == false }) {
            copier = ShardCopier(paths: inputs.map(\.path), output: output)
        }
        // Ended before the output is closed or removed, whatever happens.
        defer { copier?.cancel(); try? copier?.finish() }
        let writer = copier == nil ? output.map(BackgroundWriter.init) : nil
        defer { try? writer?.finish() }

        shards: for (s, input) in inputs.enumerated() {
            let range = input.manifest.shard.first..<input.manifest.shard.end
            do {
                var reader = try copier.map { try LineReader(path: input.path, source: $0.shard(s), blockSize: Self.blockSize) }
                    ?? LineReader(path: input.path, blockSize: Self.blockSize)
                defer { reader.close() }
                let first = try reader.next()
                guard first == header else {
                    fail(s, 1, first == nil && reader.trailing.isEmpty
                         ? "\(input.path) is empty (not even a header): its batch did not write it, or it was cut to nothing"
                         : "\(input.path): its header does not match its manifest's columns")
                    if stopAtFirst { break shards }
                    continue
                }
                var next = range.lowerBound
                var broken = false
                let sample = RowVerifier.Sample(range: range, masterSeed: masterSeed)
                while !broken, let block = try reader.nextLines() {
                    let base = block.baseAddress!
                    let firstLine = next - range.lowerBound + 2
                    // Rows are checked up to the first that fails; those before it are read on.
                    var good = 0
                    starts.removeAll(keepingCapacity: true)
                    ends.removeAll(keepingCapacity: true)
                    while good < block.count {
                        let expected = StreamSeed.replication(master: masterSeed, index: UInt64(next))
                        // Without a summary, a row as a batch writes it is checked in one pass
                        // (`wholeRow`); any other row, and every row of a summary's merge, as read.
                        if !summarise, let row = Self.wholeRow(base + good, count: block.count - good, run: next,
                                                               expected: expected, columns: columns) {
                            if sample.contains(next) {
                                samples.submit(.init(shard: s, line: next - range.lowerBound + 2, run: next, seed: expected,
                                                     row: Array(UnsafeBufferPointer(start: base + good, count: row.newline)),
                                                     file: input.path, range: range))
                            }
                            next += 1
                            good += row.newline + 1
                            continue
                        }
                        let newline = base.distance(to: memchr(base + good, Int32(UInt8(ascii: "\n")), block.count - good)!
                            .assumingMemoryBound(to: UInt8.self))
                        let line = UnsafeBufferPointer(start: base + good, count: newline - good)
                        guard let (seed, afterSeed) = Self.runAndSeed(line, run: next, expected: expected, columns: summarise ? nil : columns)
                                ?? Self.runAndSeed(line, run: next, columns: summarise ? nil : columns) else {
                            fail(s, next - range.lowerBound + 2, notRun(s, next - range.lowerBound + 2))
                            broken = true
                            break
                        }
                        if let problem = RowVerifier.seedProblem(run: next, seed: seed, masterSeed: masterSeed, file: input.path) {
                            fail(s, next - range.lowerBound + 2, problem.description)
                            broken = true
                            break
                        }
                        if sample.contains(next) {
                            samples.submit(.init(shard: s, line: next - range.lowerBound + 2, run: next, seed: seed, row: Array(line),
                                                 file: input.path, range: range))
                        }
                        if summarise {
                            starts.append(Int32(good + afterSeed))
                            ends.append(Int32(newline))
                        }
                        next += 1
                        good = newline + 1
                    }
                    let rows = UnsafeBufferPointer(start: base, count: good)
                    if summarise, good > 0 {
                        if moments == nil {
                            split = Self.split(rows, columns: columns)
                            moments = MomentColumns(count: summary!.metricRange(ofFields: 2..<split).count)
                            if split < columns {
                                worker = SummaryWorker(summary: summary!, fields: split..<columns, parser: parser)
                            }
                        }
                        let count = ends.count
                        let bad = starts.withUnsafeMutableBufferPointer { starts in
                            ends.withUnsafeBufferPointer { ends in
                                summary!.add(rows: base, starts: starts.baseAddress!, ends: ends.baseAddress!, count: count,
                                             fields: 2..<split, parser: parser, moments: moments!)
                            }
                        }
                        // The worker takes the rows this thread read, from where it stopped in each.
                        worker?.submit(rows, starts: starts[..<(bad ?? count)], ends: ends[..<(bad ?? count)], shard: s, firstLine: firstLine)
                        if let bad {
                            fail(s, firstLine + bad, notRun(s, firstLine + bad))
                            broken = true
                        }
                    }
                    // Written from the buffer it was read into, once the summary has read it.
                    if failures.isEmpty, let writer, good > 0 { try writer.write(rows, count: good, handedOffBy: &reader) }
                }
                if !broken {
                    if !reader.trailing.isEmpty {
                        fail(s, .max, "\(input.path) ends in the middle of a row: it is not a finished shard")
                    } else if next != range.upperBound {
                        fail(s, .max, "\(input.path) has \(next - range.lowerBound) rows; its manifest says \(range.count)")
                    }
                }
            } catch let error as BatchError {
                // A damaged gzip file, say.
                fail(s, .max, error.description)
            }
            if stopAtFirst && !failures.isEmpty { break }
        }
        if let copier {
            // Every block is checked by now (or the check stopped at a failure).
            copier.cancel()
            try copier.finish()
        }

        try writer?.finish()
        try samples.finish()
        if let moments, summary != nil { summary!.store(moments, fields: 2..<split) }
        if let worker {
            worker.finish()
            // Before the samples' failures: a row that does not parse is told as such, not as
            // a row that differs from its simulation.
            for (s, line) in worker.failures { fail(s, line, notRun(s, line)) }
            if failures.isEmpty, summary != nil {
                // The worker's columns, read in the same order.
                let mine = (split - 3)..<summary!.metrics.count
                if !mine.isEmpty { summary!.metrics.replaceSubrange(mine, with: worker.summary.metrics[mine]) }
            }
        }
        for (s, failure) in samples.failures { fail(s, failure.line, failure.message) }
        var found = failures.values.sorted { $0.shard < $1.shard }
        // Stopped at the first: later shards were not all read, so only the first is sure.
        if stopAtFirst { found = Array(found.prefix(1)) }
        return (failures.isEmpty ? summary : nil, found)
    }

    /// The row at `p` (of the `count` bytes left in a block), if it is one a batch writes: it
    /// starts with exactly the text of `run` and of its seed, `expected`, has `columns` fields,
    /// none empty or holding a control byte, and ends at a newline within the block (where, from
    /// `p`). Nil for any other row, which is then read as written, for the exact message.
    @inline(__always)
    static func wholeRow(_ p: UnsafePointer<UInt8>, count: Int, run: Int, expected: UInt64, columns: Int) -> (newline: Int, afterSeed: Int)? {
        let runDigits = CSVNumber.decimalDigits(UInt64(run))
        let seedStart = runDigits &+ 1
        let seedDigits = CSVNumber.decimalDigits(expected)
        let afterSeed = seedStart &+ seedDigits &+ 1
        guard count >= afterSeed, p[runDigits] == CSVNumber.comma, p[afterSeed &- 1] == CSVNumber.comma,
              CSVNumber.isDecimal(p, count: runDigits, of: UInt64(run)),
              CSVNumber.isDecimal(p + seedStart, count: seedDigits, of: expected) else { return nil }
        let scan = escalation_scan_row(p, afterSeed, count)
        guard scan.newline >= 0, scan.bad == 0, scan.commas == columns - 3, p[scan.newline - 1] != CSVNumber.comma else { return nil }
        return (scan.newline, afterSeed)
    }

    /// A row that starts with exactly the text of `run` and of its seed, `expected` (as a batch
    /// writes them), checked eight digits at a time; the rest as `runAndSeed(_:run:columns:)`.
    /// Nil if it does not start so: the row is then read as written, for the exact message.
    @inline(__always)
    static func runAndSeed(_ line: UnsafeBufferPointer<UInt8>, run: Int, expected: UInt64, columns: Int?) -> (seed: UInt64, afterSeed: Int)? {
        guard let p = line.baseAddress else { return nil }
        let runDigits = CSVNumber.decimalDigits(UInt64(run))
        let seedStart = runDigits &+ 1
        let seedDigits = CSVNumber.decimalDigits(expected)
        let afterSeed = seedStart &+ seedDigits &+ 1
        guard line.count >= afterSeed, p[runDigits] == CSVNumber.comma, p[afterSeed &- 1] == CSVNumber.comma,
              CSVNumber.isDecimal(p, count: runDigits, of: UInt64(run)),
              CSVNumber.isDecimal(p + seedStart, count: seedDigits, of: expected) else { return nil }
        guard let columns else { return (expected, afterSeed) }
        return fieldsAreWhole(p, from: afterSeed &- 1, to: line.count, columns: columns) ? (expected, afterSeed) : nil
    }

    /// The seed of a row that starts with `run` and a seed; without a summary, also its number
    /// of fields (`columns`) and that none is empty or holds a control byte (a CR of a CRLF
    /// file, a NUL), since its values are not read. Nil if the row is not so.
    @inline(__always)
    static func runAndSeed(_ line: UnsafeBufferPointer<UInt8>, run: Int, columns: Int?) -> (seed: UInt64, afterSeed: Int)? {
        guard let p = line.baseAddress else { return nil }
        let end = line.count
        var i = 0
        guard let found = CSVNumber.integer(p, &i, end, as: Int.self), found == run, i < end, p[i] == CSVNumber.comma else { return nil }
        i += 1
        guard let seed = CSVNumber.integer(p, &i, end, as: UInt64.self), i < end, p[i] == CSVNumber.comma else { return nil }
        guard let columns else { return (seed, i + 1) }
        return fieldsAreWhole(p, from: i, to: end, columns: columns) ? (seed, i + 1) : nil
    }

    /// Whether the row `p[..<end]`, whose byte `i` is the comma after its seed, has `columns`
    /// fields in all, none of them empty or holding a control byte (a CR of a CRLF file, a NUL).
    @inline(__always)
    static func fieldsAreWhole(_ p: UnsafePointer<UInt8>, from i: Int, to end: Int, columns: Int) -> Bool {
        // p[i] is a comma: every field after it starts after one. Counted a stretch of at most
        // 255 bytes at a time in bytes, which the compiler turns into vector instructions.
        var commas = 0
        var bad: UInt8 = 0
        var j = i + 1
        while j < end {
            let stop = min(end, j + 255)
            var stretch: UInt8 = 0
            for t in j..<stop {
                let b = p[t]
                let comma: UInt8 = b == CSVNumber.comma ? 1 : 0
                stretch &+= comma
                bad |= (b < 0x20 ? 1 : 0) | (comma & (p[t &- 1] == CSVNumber.comma ? 1 : 0))
            }
            commas += Int(stretch)
            j = stop
        }
        return bad == 0 && commas == columns - 3 && p[end - 1] != CSVNumber.comma
    }

    /// Where the reading thread's fields end and the worker's begin: about 30% of the bytes of
    /// the fields after the seed to this thread (it also checks, copies and writes the rows),
    /// counting a long decimal (which goes to `strtod`) as 40 bytes more. Any split gives the
    /// same summary; this one only balances the threads.
    static func split(_ rows: UnsafeBufferPointer<UInt8>, columns: Int) -> Int {
        var cost = [Int](repeating: 0, count: columns)
        var start = 0, sampled = 0
        while start < rows.count && sampled < 100 {
            var field = 0, fieldStart = start
            var i = start
            while i < rows.count && rows[i] != UInt8(ascii: "\n") {
                if rows[i] == CSVNumber.comma {
                    if field < columns { cost[field] += 2 + (i - fieldStart) + (i - fieldStart > 16 ? 40 : 0) }
                    field += 1
                    fieldStart = i + 1
                }
                i += 1
            }
            if field < columns { cost[field] += 2 + (i - fieldStart) + (i - fieldStart > 16 ? 40 : 0) }
            start = i + 1
            sampled += 1
        }
        let total = cost[2...].reduce(0, +)
        var mine = 0, split = 2
        // The outcome and its day always go together.
        while split < columns && (split < 4 || 10 * (mine + cost[split]) <= 3 * total) {
            mine += cost[split]
            split += 1
        }
        return split
    }
}
