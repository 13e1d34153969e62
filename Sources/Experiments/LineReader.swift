import Foundation
import ScenarioIO

/// Reads a text file line by line in large blocks, without loading it whole: a merge of shards of
/// ten million runs streams through it. A file that starts with gzip's magic bytes is
/// decompressed as it is read, a block at a time, whatever its name.
///
/// Blocks are read into one buffer that is reused: what is left of a line at the end of a block
/// moves to the front, and the next block is read after it. Lines come out as bytes in that
/// buffer (`nextLine()`), so a reader that parses them makes no `String` per line.
struct LineReader {
    let path: String
    private let file: any ByteSource
    private var inflater: GzipInflater?
    private var buffer: ReadBuffer
    /// How much is read at a time (a merge reads less, so that a block is still in the cache
    /// when it is written out).
    let blockSize: Int
    private var atEnd = false
    /// Bytes consumed so far, up to and including the last newline returned (of the
    /// decompressed text, for a gzip file).
    private(set) var offset: UInt64 = 0

    static let defaultBlockSize = 1 << 22
    /// No line of a CSV escalation writes comes near this; a file that has one is not such a
    /// CSV, and is not held in memory whole.
    static let longestLine = 1 << 26

    init(path: String, blockSize: Int = Self.defaultBlockSize) throws {
        try self.init(path: path, source: try InputFile(path: path), blockSize: blockSize)
    }

    /// Lines of the file at `path` as `source` gives its bytes (a merge's `ShardCopier`).
    init(path: String, source: any ByteSource, blockSize: Int = Self.defaultBlockSize) throws {
        self.path = path
        self.blockSize = blockSize
        file = source
        buffer = ReadBuffer(capacity: blockSize)
        let first = try file.read(into: buffer.free)
        buffer.end = first
        if Gzip.starts(buffer.unread) {
            inflater = try GzipInflater(path: path, firstBlock: Array(buffer.unread))
            buffer.end = 0
        } else {
            atEnd = first == 0
        }
    }

    /// Whether the file is gzip-compressed.
    var isCompressed: Bool { inflater != nil }

    /// The next complete line (without its newline), or nil at the end. A last line without a
    /// newline is returned through `trailing` instead, since a killed batch may have cut it.
    mutating func next() throws -> String? {
        try nextLine().map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of the next complete line (without its newline), or nil at the end, as `next()`.
    /// They stay valid until the next call to `nextLine()` or `next()`.
    mutating func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        var searched = buffer.start
        while true {
            if let newline = buffer.newline(from: searched) {
                let line = UnsafeBufferPointer(start: buffer.base + buffer.start, count: newline - buffer.start)
                offset += UInt64(newline - buffer.start + 1)
                buffer.start = newline + 1
                return line
            }
            if atEnd { return nil }
            let partial = buffer.end - buffer.start
            if partial > Self.longestLine {
                throw BatchError("\(path) has a line longer than \(Self.longestLine >> 20) MiB: it is not a CSV escalation wrote")
            }
            // Keep the start of the line, then read on after what was searched.
            buffer.compact()
            if buffer.free.count < blockSize / 2 { buffer.grow(to: partial + blockSize) }
            searched = partial
            let read = try fill()
            if read == 0 { atEnd = true }
        }
    }

    /// Every complete line the buffer holds (at least one), newlines included, or nil at the
    /// end: a merge copies a file a block at a time rather than a line at a time. The bytes stay
    /// valid until the next call to `nextLines()`, `nextLine()` or `next()`.
    mutating func nextLines() throws -> UnsafeBufferPointer<UInt8>? {
        guard let first = try nextLine() else { return nil }
        // `first` starts the block; the buffer may hold many more lines after it.
        let start = buffer.base.distance(to: UnsafeMutablePointer(mutating: first.baseAddress!))
        var last = buffer.end
        while last > buffer.start && buffer.base[last - 1] != UInt8(ascii: "\n") { last -= 1 }
        if last > buffer.start {
            offset += UInt64(last - buffer.start)
            buffer.start = last
        }
        return UnsafeBufferPointer(start: buffer.base + start, count: buffer.start - start)
    }

    /// Gives the caller the buffer that holds what `nextLines()` last returned (the bytes stay
    /// where they are, `spare` now holds them) and goes on reading into `spare`'s buffer, after
    /// the partial line it copies over: a merge's writer writes the block from the buffer it
    /// was read into, with no copy.
    mutating func handOff(to spare: inout ReadBuffer) {
        spare.reset(holding: buffer.unread, capacity: buffer.capacity)
        swap(&buffer, &spare)
    }

    /// Reads the next block into the buffer's free space; 0 at the end of the file.
    private mutating func fill() throws -> Int {
        let free = buffer.free
        let read: Int
        if let inflater {
            let file = self.file
            read = try inflater.read(into: free) { try file.readBytes(1 << 20) }
        } else {
            read = try file.read(into: free)
        }
        buffer.end += read
        return read
    }

    /// Whatever follows the last newline (a partial line), once `next()` has returned nil.
    var trailing: Data { Data(buffer.unread) }

    func close() { file.close() }
}

/// The bytes a `LineReader` has read: `base[start..<end]` is not yet returned, and
/// `base[end..<capacity]` is free for the next block.
final class ReadBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    var end = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    var unread: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + start, count: end - start) }
    var free: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base + end, count: capacity - end) }

    /// Empties the buffer (at least `capacity` bytes, a new allocation only if it must grow)
    /// and copies `bytes` to its front.
    func reset(holding bytes: UnsafeBufferPointer<UInt8>, capacity wanted: Int) {
        start = 0
        end = 0
        if wanted > capacity {
            base.deallocate()
            base = .allocate(capacity: wanted)
            capacity = wanted
        }
        if let from = bytes.baseAddress, bytes.count > 0 { (base).update(from: from, count: bytes.count) }
        end = bytes.count
    }

    /// Moves the unread bytes to the front.
    func compact() {
        if start > 0 {
            memmove(base, base + start, end - start)
            end -= start
            start = 0
        }
    }

    /// Room for at least `count` bytes in all (only after `compact()`).
    func grow(to count: Int) {
        guard count > capacity else { return }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        larger.initialize(from: base, count: end)
        base.deallocate()
        base = larger
        capacity = count
    }

    /// The index of the first newline at or after `from` (memchr: merges read gigabytes).
    func newline(from: Int) -> Int? {
        guard from < end, let hit = memchr(base + from, Int32(UInt8(ascii: "\n")), end - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}

/// Where a `LineReader`'s bytes come from: a file, or the blocks a merge's copier read of one.
protocol ByteSource: AnyObject {
    /// Fills `buffer`, or as much of it as is left; returns the bytes read (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    func close()
}

extension ByteSource {
    /// Up to `count` bytes, fewer only at the end.
    func readBytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let filled = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        bytes.removeSubrange(filled...)
        return bytes
    }
}

/// What a file that is not a regular file is, from its `st_mode & S_IFMT`, for a message:
/// "a FIFO", "a folder".
func fileKind(_ kind: mode_t) -> String {
    switch kind {
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFIFO: "a FIFO"
    case S_IFLNK: "a symbolic link"
    case S_IFDIR: "a folder"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
}

/// A file open for reading, whose errors name the file and say what went wrong (exit 74).
final class InputFile: ByteSource {
    let path: String
    private var descriptor: Int32

    /// Opens a regular file: a FIFO would block until a writer came (and a device or a folder
    /// is not a file of rows), so those are refused at once.
    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 { throw SourceReadError(path: path, reason: Self.describe(errno: errno)) }
        if let kind = Self.notRegular(descriptor) {
            Foundation.close(descriptor)
            throw SourceReadError(path: path, reason: "it is \(kind), not a regular file")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    }

    /// What an open file is if it is not a regular file ("a FIFO"), else nil.
    static func notRegular(_ descriptor: Int32) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return nil }
        return fileKind(info.st_mode & S_IFMT)
    }

    /// Fills `buffer`, or as much of it as the file has left; returns the bytes read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let n = Foundation.read(descriptor, base + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceReadError(path: path, reason: Self.describe(errno: errno))
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }

    static func describe(errno code: Int32) -> String {
        code == ENOENT ? "no such file" : WriteError.describe(errno: code)
    }

    func close() {
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
