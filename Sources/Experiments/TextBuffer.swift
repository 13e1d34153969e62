/// Text built as UTF-8 bytes, for output made by the megabyte (a batch's CSV rows): room is made
/// once a piece (a row), then the piece is written through a `TextCursor`, with no check a byte
/// and no `String` a number.
public struct TextBuffer: Sendable {
    /// Bytes `0..<count` are the text; the rest is room made but not yet written.
    private var storage: [UInt8] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// Appends what `write` writes through its cursor, which must be at most `limit` bytes.
    mutating func append(atMost limit: Int, _ write: (inout TextCursor) -> Void) {
        if storage.count - count < limit { grow(toHold: count + limit) }
        let written = storage.withUnsafeMutableBufferPointer { all in
            let start = all.baseAddress! + count
            var cursor = TextCursor(start)
            write(&cursor)
            return cursor.position - start
        }
        // The limits are worked out to hold; a piece longer than its limit is a bug to stop at.
        precondition(written <= limit, "a piece of text overran the room made for it")
        count += written
    }

    /// Makes room for `capacity` bytes in all.
    public mutating func reserve(_ capacity: Int) {
        if storage.count < capacity { grow(toHold: capacity) }
    }

    /// Appends the UTF-8 of `text`.
    public mutating func append(_ text: String) {
        append(atMost: text.utf8.count) { $0.write(text) }
    }

    private mutating func grow(toHold needed: Int) {
        let capacity = max(needed, 2 * storage.count, 256)
        storage.append(contentsOf: repeatElement(0, count: capacity - storage.count))
    }

    /// Empties the buffer, keeping its room.
    public mutating func removeAll() { count = 0 }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    public var string: String { String(decoding: storage[0..<count], as: UTF8.self) }
}

/// Writes bytes into room a `TextBuffer` made, moving on past each write. It checks nothing:
/// whoever makes the room bounds what is written into it.
struct TextCursor {
    var position: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) { position = start }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        position.update(from: base, count: bytes.count)
        position += bytes.count
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    /// `count` ASCII zeros.
    mutating func writeZeros(_ count: Int) {
        position.update(repeating: UInt8(ascii: "0"), count: count)
        position += count
    }
}
