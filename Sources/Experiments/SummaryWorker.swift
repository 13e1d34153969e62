import Foundation

/// A second thread that keeps part of a merge's summary: the fields of every row from a split
/// on, read block by block in the order the blocks are given, so each of its metrics sees its
/// values in replication order. The reading thread keeps the fields before the split; reading
/// the numbers is most of a merge's work, and this puts the second core to it.
final class SummaryWorker: @unchecked Sendable {
    private struct Job {
        var rows: [UInt8]
        /// Where each row's first field of the worker's begins, and its newline.
        var starts: [Int32]
        var ends: [Int32]
        var shard: Int
        /// The line number (in its file) of the block's first row.
        var firstLine: Int
    }

    /// Blocks waiting or being read: a few MiB each, so memory stays bounded.
    static let depth = 3

    let fields: Range<Int>
    private let parser: RowParser
    private(set) var summary: BatchSummary
    /// The first line of each shard (by its position) whose fields could not be read.
    private(set) var failures: [Int: Int] = [:]
    private let moments: MomentColumns
    private var worker: OrderedWorker<Job>!
    /// Whether the moments are in `summary` yet (once every block is read).
    private var stored = false

    init(summary: BatchSummary, fields: Range<Int>, parser: RowParser) {
        self.summary = summary
        self.fields = fields
        self.parser = parser
        moments = MomentColumns(count: summary.metricRange(ofFields: fields).count)
        worker = OrderedWorker(name: "merge summary", depth: Self.depth) { [self] job in read(&job) }
    }

    /// Queues a copy of `rows` (whole lines), waiting while the queue is full.
    func submit(_ rows: UnsafeBufferPointer<UInt8>, starts: ArraySlice<Int32>, ends: ArraySlice<Int32>, shard: Int, firstLine: Int) {
        worker.submit(make: { Job(rows: [], starts: [], ends: [], shard: shard, firstLine: firstLine) }) { job in
            job.rows.removeAll(keepingCapacity: true)
            job.rows.append(contentsOf: rows)
            job.starts.removeAll(keepingCapacity: true)
            job.starts.append(contentsOf: starts)
            job.ends.removeAll(keepingCapacity: true)
            job.ends.append(contentsOf: ends)
            job.shard = shard
            job.firstLine = firstLine
        }
    }

    /// Waits until every block given has been read; `summary` and `failures` are then final.
    func finish() {
        worker.finish()
        if !stored {
            stored = true
            summary.store(moments, fields: fields)
        }
    }

    /// Reads a block's fields into the summary. After a row it cannot read, the rest of that
    /// shard is not read (it is refused).
    private func read(_ job: inout Job) {
        guard failures[job.shard] == nil else { return }
        let count = job.ends.count
        let (shard, firstLine) = (job.shard, job.firstLine)
        let bad = job.rows.withUnsafeBufferPointer { rows in
            job.starts.withUnsafeMutableBufferPointer { starts in
                job.ends.withUnsafeBufferPointer { ends in
                    summary.add(rows: rows.baseAddress!, starts: starts.baseAddress!, ends: ends.baseAddress!, count: count,
                                fields: fields, parser: parser, moments: moments)
                }
            }
        }
        if let bad { failures[shard] = firstLine + bad }
    }
}
