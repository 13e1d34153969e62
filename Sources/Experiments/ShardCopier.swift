import Foundation

/// Copies a merge's shards into its output on a thread of its own, each without its header
/// line, as `cat` would: a block read, then written from the same small buffer while it is in
/// the processor's cache. Each block is then handed to the merge's own thread, which reads the
/// rows from it (`shard(_:)`, a `LineReader` source) and checks every one; the output is kept
/// only if every row checks. For a plain output without a summary, where nothing needs the rows
/// but the check: on two cores the merge then takes about as long as the longer of the copy
/// and the check, not their sum, and the files are read from the page cache once.
final class ShardCopier: @unchecked Sendable {
    /// Bytes read at a time: what `cat` reads.
    static let blockSize = 1 << 17
    /// Blocks read and not yet checked, at most: memory stays bounded.
    static let depth = 8

    private struct Block {
        var shard: Int
        var bytes: UnsafeMutableRawBufferPointer
        /// Bytes read into it; 0 is the end of its shard.
        var count: Int
    }

    private let condition = NSCondition()
    private var ready: [Block] = []
    private var free: [UnsafeMutableRawBufferPointer] = []
    private var cancelled = false
    private var finished = false
    /// The first error met (a shard gone, a full disk); nothing more is copied after it.
    private var failure: (any Error)?
    /// The block being checked, and how much of it has been.
    private var current: Block?
    private var taken = 0
    private let done = DispatchSemaphore(value: 0)

    /// Starts copying the files at `paths`, in order, to `output`.
    init(paths: [String], output: FileWriter) {
        free = (0..<Self.depth).map { _ in .allocate(byteCount: Self.blockSize, alignment: 64) }
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                for (shard, path) in paths.enumerated() {
                    guard try copy(shard, path, into: output) else { break }
                }
            } catch {
                condition.withLock { failure = error }
            }
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        }
        thread.name = "merge copier"
        thread.start()
    }

    deinit {
        for bytes in free { bytes.deallocate() }
        for block in ready { block.bytes.deallocate() }
        current?.bytes.deallocate()
    }

    /// Copies one file but its first line, handing on each block; false once cancelled.
    private func copy(_ shard: Int, _ path: String, into output: FileWriter) throws -> Bool {
        let file = try InputFile(path: path)
        defer { file.close() }
        var inHeader = true
        while true {
            let bytes: UnsafeMutableRawBufferPointer? = condition.withLock {
                while free.isEmpty && !cancelled { condition.wait() }
                return cancelled ? nil : free.removeLast()
            }
            guard let bytes else { return false }
            let read: Int
            do {
                read = try file.read(into: bytes)
                var from = 0
                if inHeader && read > 0 {
                    if let newline = memchr(bytes.baseAddress!, Int32(UInt8(ascii: "\n")), read) {
                        from = bytes.baseAddress!.distance(to: newline) + 1
                        inHeader = false
                    } else {
                        from = read
                    }
                }
                if from < read { try output.write(UnsafeRawBufferPointer(rebasing: bytes[from..<read])) }
            } catch {
                condition.withLock { free.append(bytes) }
                throw error
            }
            condition.withLock {
                ready.append(Block(shard: shard, bytes: bytes, count: read))
                condition.broadcast()
            }
            if read == 0 { return true }
        }
    }

    /// The bytes of shard `index` as the copier read them, for a `LineReader`.
    func shard(_ index: Int) -> ByteSource { Source(copier: self, shard: index) }

    private final class Source: ByteSource {
        let copier: ShardCopier
        let shard: Int
        init(copier: ShardCopier, shard: Int) {
            self.copier = copier
            self.shard = shard
        }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try copier.take(shard: shard, into: buffer) }
        func close() {}
    }

    /// Fills `buffer` from the blocks read of shard `shard` (skipping what is left of earlier
    /// shards, which a failed check stopped reading); 0 at its end.
    private func take(shard: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            if current == nil {
                let next: Block? = try condition.withLock {
                    while ready.isEmpty && !finished { condition.wait() }
                    if ready.isEmpty {
                        if let failure { throw failure }
                        return nil
                    }
                    return ready.removeFirst()
                }
                guard let next else { return filled }
                current = next
                taken = 0
            }
            let block = current!
            // A later shard's: this one ended without its end (its file could not be read).
            if block.shard > shard { return filled }
            if block.shard < shard || block.count == 0 {
                release(block)
                if block.shard == shard { return filled }
                continue
            }
            let count = min(buffer.count - filled, block.count - taken)
            (buffer.baseAddress! + filled).copyMemory(from: block.bytes.baseAddress! + taken, byteCount: count)
            filled += count
            taken += count
            if taken == block.count { release(block) }
        }
        return filled
    }

    private func release(_ block: Block) {
        current = nil
        condition.withLock {
            free.append(block.bytes)
            condition.broadcast()
        }
    }

    /// Stops copying after the block under way (the check failed: the output is not kept).
    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }

    /// Waits for the copier's thread to end; throws the first error it met.
    func finish() throws {
        done.wait()
        done.signal()
        if let failure = condition.withLock({ failure }) { throw failure }
    }
}
