import Foundation

/// Writes a merge's blocks of rows on a thread of its own (compressing them too, for a `.gz`
/// output), so that the reading thread checks the next block while the last is written: on
/// two cores a merge takes about the longer of reading and writing, not their sum.
final class BackgroundWriter: @unchecked Sendable {
    /// Blocks waiting or being written: a few MiB each, so memory stays bounded.
    static let depth = 3

    private let output: FileWriter
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var spare: [[UInt8]] = []
    private var inFlight = 0
    private var closing = false
    private var failure: (any Error)?
    private let stopped = DispatchSemaphore(value: 0)

    init(_ output: FileWriter) {
        self.output = output
        let thread = Thread { [self] in work() }
        thread.name = "merge writer"
        thread.start()
    }

    /// Queues a copy of `bytes`, waiting while the queue is full; throws the error an earlier
    /// block met (a full disk, say).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        condition.lock()
        while inFlight >= Self.depth && failure == nil { condition.wait() }
        if let failure {
            condition.unlock()
            throw failure
        }
        inFlight += 1
        var block = spare.popLast() ?? []
        condition.unlock()
        block.removeAll(keepingCapacity: true)
        block.append(contentsOf: bytes)
        condition.lock()
        queue.append(block)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every block given is written; throws the first error met.
    func finish() throws {
        condition.lock()
        let first = !closing
        closing = true
        condition.broadcast()
        condition.unlock()
        if first { stopped.wait() }
        if let failure { throw failure }
    }

    private func work() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            let block = queue.removeFirst()
            let failed = failure != nil
            condition.unlock()
            var error: (any Error)?
            if !failed {
                do { try block.withUnsafeBytes { try output.write($0) } } catch let e { error = e }
            }
            condition.lock()
            if let error, failure == nil { failure = error }
            spare.append(block)
            inFlight -= 1
            condition.broadcast()
            condition.unlock()
        }
        stopped.signal()
    }
}
