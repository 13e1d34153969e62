import Foundation

/// Reads a text file line by line in large blocks, without loading it whole: a merge of shards of
/// ten million runs streams through it.
struct LineReader {
    let handle: FileHandle
    let path: String
    private var buffer = Data()
    private var atEnd = false
    /// Bytes consumed so far, up to and including the last newline returned.
    private(set) var offset: UInt64 = 0

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BatchError("cannot read '\(path)'")
        }
        self.handle = handle
        self.path = path
    }

    /// The next complete line (without its newline), or nil at the end. A last line without a
    /// newline is returned through `trailing` instead, since a killed batch may have cut it.
    mutating func next() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                offset += UInt64(newline - buffer.startIndex + 1)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            if atEnd { return nil }
            let block = try handle.read(upToCount: 1 << 22) ?? Data()
            if block.isEmpty { atEnd = true } else { buffer.append(block) }
        }
    }

    /// Whatever follows the last newline (a partial line), once `next()` has returned nil.
    var trailing: Data { buffer }

    func close() { try? handle.close() }
}
