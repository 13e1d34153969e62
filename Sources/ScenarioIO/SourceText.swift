import Foundation
import Record

/// Reading a scenario file's bytes into text, within declared limits.
enum SourceText {
    /// The largest scenario file read, in bytes (the largest bundled one is about 40 KB).
    static let maximumBytes = 1 << 20

    /// The file's bytes: `SourceReadError` when it is missing or unreadable (exit 74), a
    /// `ScenarioError` when it is larger than `maximumBytes` (read no further than that).
    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SourceReadError(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw SourceReadError(path: path, reason: "it is a folder, not a scenario file") }
        // A FIFO or a device would block or never end: only regular files are read.
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw SourceReadError(path: path, reason: "it is not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw SourceReadError(path: path, reason: "not readable") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw SourceReadError(path: path, reason: "not readable (\(error.localizedDescription))")
        }
        if data.count > maximumBytes {
            throw ScenarioError([Diagnostic(SourceLocation(file: path, line: 1, column: 1), path: "",
                                            expected: "a scenario file of at most \(maximumBytes) bytes (1 MiB)",
                                            found: "a larger file")])
        }
        return data
    }

    /// The bytes as UTF-8 text; the first byte that is not UTF-8 is reported at its line and
    /// column.
    static func decode(_ data: Data, file: String) throws(ScenarioError) -> String {
        guard let (line, column, byte) = firstNonUTF8(in: data) else { return String(decoding: data, as: UTF8.self) }
        throw ScenarioError([Diagnostic(SourceLocation(file: file, line: line, column: column), path: "",
                                        expected: "UTF-8 text", found: String(format: "the byte 0x%02X", byte))])
    }
}
