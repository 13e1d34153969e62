import Foundation

/// A second thread that keeps part of a merge's summary: the fields of every row from a split
/// on, read block by block in the order the blocks are given, so each of its metrics sees its
/// values in replication order. The reading thread keeps the fields before the split; reading
/// the numbers is most of a merge's work, and this puts the second core to it.
final class SummaryWorker: @unchecked Sendable {
    private struct Job {
        var rows: [UInt8]
        let shard: Int
        /// The line number (in its file) of the block's first row.
        let firstLine: Int
    }

    /// Blocks waiting or being read: a few MiB each, so memory stays bounded.
    static let depth = 3

    let fields: Range<Int>
    private let parser: RowParser
    private(set) var summary: BatchSummary
    /// The first line of each shard (by its position) whose fields could not be read.
    private(set) var failures: [Int: Int] = [:]
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var spare: [[UInt8]] = []
    private var inFlight = 0
    private var closing = false
    private let stopped = DispatchSemaphore(value: 0)

    init(summary: BatchSummary, fields: Range<Int>, parser: RowParser) {
        self.summary = summary
        self.fields = fields
        self.parser = parser
        let thread = Thread { [self] in work() }
        thread.name = "merge summary"
        thread.start()
    }

    /// Queues a copy of `rows` (whole lines), waiting while the queue is full.
    func submit(_ rows: UnsafeBufferPointer<UInt8>, shard: Int, firstLine: Int) {
        condition.lock()
        while inFlight >= Self.depth { condition.wait() }
        inFlight += 1
        var bytes = spare.popLast() ?? []
        condition.unlock()
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: rows)
        condition.lock()
        jobs.append(Job(rows: bytes, shard: shard, firstLine: firstLine))
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every block given has been read; `summary` and `failures` are then final.
    func finish() {
        condition.lock()
        let first = !closing
        closing = true
        condition.broadcast()
        condition.unlock()
        if first { stopped.wait() }
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closing { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                break
            }
            let job = jobs.removeFirst()
            condition.unlock()
            // After a row it cannot read, the rest of that shard is not read (it is refused).
            if failures[job.shard] == nil,
               let bad = job.rows.withUnsafeBufferPointer({ summary.add(rows: $0, fields: fields, parser: parser) }) {
                failures[job.shard] = job.firstLine + bad
            }
            condition.lock()
            spare.append(job.rows)
            inFlight -= 1
            condition.broadcast()
            condition.unlock()
        }
        stopped.signal()
    }
}
