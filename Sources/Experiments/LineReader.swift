import Foundation
import ScenarioIO

/// Reads a text file line by line in large blocks, without loading it whole: a merge of shards of
/// ten million runs streams through it. A file that starts with gzip's magic bytes is
/// decompressed as it is read, a block at a time, whatever its name.
struct LineReader {
    let path: String
    private let file: InputFile
    private var inflater: GzipInflater?
    /// Bytes read (decompressed) and not yet returned start at `start`.
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Bytes consumed so far, up to and including the last newline returned (of the
    /// decompressed text, for a gzip file).
    private(set) var offset: UInt64 = 0

    static let blockSize = 1 << 22
    /// No line of a CSV escalation writes comes near this; a file that has one is not such a
    /// CSV, and is not held in memory whole.
    static let longestLine = 1 << 26

    init(path: String) throws {
        self.path = path
        file = try InputFile(path: path)
        let first = try file.read(Self.blockSize)
        if Gzip.starts(first) {
            inflater = try GzipInflater(path: path, firstBlock: first)
        } else {
            buffer = first
            atEnd = first.isEmpty
        }
    }

    /// Whether the file is gzip-compressed.
    var isCompressed: Bool { inflater != nil }

    /// The next complete line (without its newline), or nil at the end. A last line without a
    /// newline is returned through `trailing` instead, since a killed batch may have cut it.
    mutating func next() throws -> String? {
        var searched = start
        while true {
            if let newline = Self.newline(in: buffer, from: searched) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                offset += UInt64(newline - start + 1)
                start = newline + 1
                return line
            }
            if atEnd { return nil }
            if buffer.count - start > Self.longestLine {
                throw BatchError("\(path) has a line longer than \(Self.longestLine >> 20) MiB: it is not a CSV escalation wrote")
            }
            // Drop what was returned, then read on after what was searched.
            buffer.removeSubrange(..<start)
            searched = buffer.count
            start = 0
            let block = try nextBlock()
            if block.isEmpty { atEnd = true } else { buffer.append(contentsOf: block) }
        }
    }

    /// The index of the first newline at or after `from` (memchr: merges read gigabytes).
    private static func newline(in bytes: [UInt8], from: Int) -> Int? {
        bytes.withUnsafeBufferPointer { all in
            guard from < all.count, let base = all.baseAddress,
                  let hit = memchr(base + from, Int32(UInt8(ascii: "\n")), all.count - from) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    private mutating func nextBlock() throws -> [UInt8] {
        guard let inflater else { return try file.read(Self.blockSize) }
        let file = self.file
        return try inflater.read(limit: Self.blockSize) { try file.read(1 << 20) }
    }

    /// Whatever follows the last newline (a partial line), once `next()` has returned nil.
    var trailing: Data { Data(buffer[start...]) }

    func close() { file.close() }
}

/// A file open for reading, whose errors name the file and say what went wrong (exit 74).
final class InputFile {
    let path: String
    private var descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw SourceReadError(path: path, reason: Self.describe(errno: errno)) }
    }

    /// Up to `count` bytes, fewer only at the end of the file.
    func read(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SourceReadError(path: path, reason: Self.describe(errno: errno))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
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
