import Foundation

/// Writes a merge's blocks of rows on a thread of its own (compressing them too, for a `.gz`
/// output), so that the reading thread checks the next block while the last is written: on
/// two cores a merge takes about the longer of reading and writing, not their sum.
final class BackgroundWriter: @unchecked Sendable {
    /// Blocks waiting or being written: a few MiB each, so memory stays bounded.
    static let depth = 3

    private var worker: OrderedWorker<[UInt8]>!
    private let lock = NSLock()
    /// The first error a write met (a full disk, say); later blocks are not written.
    private var failure: (any Error)?

    init(_ output: FileWriter) {
        worker = OrderedWorker(name: "merge writer", depth: Self.depth) { [self] block in
            guard lock.withLock({ failure == nil }) else { return }
            do {
                try block.withUnsafeBytes { try output.write($0) }
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    /// Queues a copy of `bytes`, waiting while the queue is full; throws the error an earlier
    /// block met.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure = lock.withLock({ failure }) { throw failure }
        worker.submit(make: { [] }) { block in
            block.removeAll(keepingCapacity: true)
            block.append(contentsOf: bytes)
        }
    }

    /// Waits until every block given is written; throws the first error met.
    func finish() throws {
        worker.finish()
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
