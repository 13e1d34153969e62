import Foundation

/// When escalation writes and reads gzip: an output is compressed when its name ends in `.gz`;
/// an input is decompressed when it starts with gzip's magic bytes, whatever its name (a
/// renamed file, or a `.gz` someone unpacked in place, reads either way).
public enum Gzip {
    /// The first two bytes of every gzip member (RFC 1952).
    public static let magic: [UInt8] = [0x1f, 0x8b]

    /// Whether an output named `path` is written gzip-compressed.
    public static func isNamed(_ path: String) -> Bool { path.hasSuffix(".gz") }

    /// Whether the file at `path` starts as gzip does, whatever its name.
    static func isCompressed(file path: String) throws -> Bool {
        let file = try InputFile(path: path)
        defer { file.close() }
        return starts(try file.readBytes(2))
    }

    /// Whether bytes read from the start of a file are gzip.
    public static func starts<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.starts(with: magic)
    }
}
