import Foundation

/// Writes a merge's blocks of rows on a thread of its own (compressing them too, for a `.gz`
/// output), so that the reading thread checks or summarises the next block while the last is
/// written: on two cores a merge takes about the longer of reading and writing, not their sum.
/// A block is written from the buffer it was read into (`LineReader.handOff`), which the reader
/// gets back once it is written: no row is copied in memory on the way, and the few buffers in
/// turn stay in the processor's cache. (A plain merge without a summary copies the files with
/// `ShardCopier` instead.)
final class BackgroundWriter: @unchecked Sendable {
    /// Blocks waiting or being written, so memory stays bounded.
    static let depth = 3

    private struct Block {
        var buffer: ReadBuffer
        var bytes: Range<Int>
    }

    private var worker: OrderedWorker<Block>!
    private let lock = NSLock()
    /// The first error a write met (a full disk, say); later blocks are not written.
    private var failure: (any Error)?

    init(_ output: FileWriter) {
        worker = OrderedWorker(name: "merge writer", depth: Self.depth) { [self] block in
            guard lock.withLock({ failure == nil }) else { return }
            do {
                try output.write(UnsafeRawBufferPointer(start: block.buffer.base + block.bytes.lowerBound, count: block.bytes.count))
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    /// Queues the first `count` bytes of `lines` (what `reader.nextLines()` last returned),
    /// taking the buffer they are in from `reader`, waiting while the queue is full; throws the
    /// error an earlier block met.
    func write(_ lines: UnsafeBufferPointer<UInt8>, count: Int, handedOffBy reader: inout LineReader) throws {
        if let failure = lock.withLock({ failure }) { throw failure }
        worker.submit(make: { Block(buffer: ReadBuffer(capacity: reader.blockSize), bytes: 0..<0) }) { block in
            reader.handOff(to: &block.buffer)
            let start = UnsafePointer(block.buffer.base).distance(to: lines.baseAddress!)
            block.bytes = start..<(start + count)
        }
    }

    /// Waits until every block given is written; throws the first error met.
    func finish() throws {
        worker.finish()
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
