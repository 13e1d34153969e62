import EscalationModel
import Foundation
import Record

/// Reads rows of a per-run CSV back (`merge`, `report`, `--resume`) straight from the bytes a
/// `LineReader` holds: no `String` per row or field, numbers as `CSVNumber` reads them, the
/// outcome matched by its bytes. The values are exactly those `Double(_:)` gives the text, so
/// a row written with `appendNumber` reads back as the record that was written.
struct RowParser {
    let width: Int
    private let outcomeNames: [String]
    private let outcomeBytes: [[UInt8]]
    private let namesAreASCII: Bool

    init(_ table: RunTable) {
        width = table.layout.width
        outcomeNames = table.outcomeNames
        outcomeBytes = table.outcomeNames.map { Array($0.utf8) }
        namesAreASCII = outcomeBytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
    }

    /// Parses `line` (without its newline) into its run, seed and record (`width` numbers:
    /// the outcome's index, then the columns after it). Returns nil if the row is malformed.
    func parse(_ line: UnsafeBufferPointer<UInt8>, into record: UnsafeMutableBufferPointer<Double>) -> (run: Int, seed: UInt64)? {
        precondition(record.count == width)
        guard let p = line.baseAddress else { return nil }
        let end = line.count
        var i = 0
        guard let run = CSVNumber.integer(p, &i, end, as: Int.self), next(p, &i, end),
              let seed = CSVNumber.integer(p, &i, end, as: UInt64.self), next(p, &i, end) else { return nil }
        let outcomeStart = i
        i = CSVNumber.fieldEnd(p, from: i, to: end)
        guard let outcome = outcome(UnsafeBufferPointer(start: p + outcomeStart, count: i - outcomeStart)) else { return nil }
        record[RecordLayout.outcome] = Double(outcome)
        for k in 1..<width {
            guard next(p, &i, end), let value = CSVNumber.double(p, &i, end) else { return nil }
            record[k] = value
        }
        // No field after the last.
        guard i == end else { return nil }
        return (run, seed)
    }

    /// Steps over the comma at `i`, if there is one.
    @inline(__always)
    private func next(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Bool {
        guard i < end && p[i] == CSVNumber.comma else { return false }
        i += 1
        return true
    }

    /// The index of the outcome named by `field`: by its bytes, and when the field or a name is
    /// not ASCII, as `String` compares (canonical equivalence), as the names were always matched.
    func outcome(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
        if let k = outcomeBytes.firstIndex(where: { $0.elementsEqual(field) }) { return k }
        guard !namesAreASCII || field.contains(where: { $0 >= 0x80 }) else { return nil }
        return outcomeNames.firstIndex(of: String(decoding: field, as: UTF8.self))
    }
}

extension RowParser {
    /// What is wrong with `line`, a row that `parse` refused or that is not run `run`'s, field
    /// by field (for a message, so slow): its run, its number of fields against the header's
    /// `columns`, its seed, its outcome, or the first field that is not a number, named by its
    /// column. Numbers are read as `parse` reads them (`CSVNumber` gives Swift's results).
    func problem(_ line: UnsafeBufferPointer<UInt8>, run: Int, columns: [String]) -> String {
        let fields = line.split(separator: CSVNumber.comma, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        func shown(_ field: String) -> String { abbreviated(field.debugDescription, limit: 60) }
        guard let found = Int(fields[0]) else { return "its run \(shown(fields[0])) is not a number" }
        guard found == run else { return "it is run \(found)" }
        guard fields.count == columns.count else {
            return "it has \(fields.count) fields where the header has \(columns.count)"
        }
        guard UInt64(fields[1]) != nil else { return "its seed \(shown(fields[1])) is not a number" }
        let outcome = Array(fields[2].utf8).withUnsafeBufferPointer { self.outcome($0) }
        guard outcome != nil else { return "its outcome \(shown(fields[2])) is not one of the scenario's" }
        for k in 3..<fields.count where Double(fields[k]) == nil {
            return "its \(columns[k]) \(shown(fields[k])) is not a number"
        }
        return "it is not a row as a batch writes it"
    }
}

/// Line `number` (from 1) of the file at `path`, read again for a message; nil if it cannot be.
func lineOfFile(_ path: String, number: Int) -> [UInt8]? {
    guard number >= 1, var reader = try? LineReader(path: path) else { return nil }
    defer { reader.close() }
    for _ in 1..<number { guard (try? reader.nextLine()) ?? nil != nil else { return nil } }
    if let line = (try? reader.nextLine()) ?? nil { return Array(line) }
    // A last line without its newline.
    return reader.trailing.isEmpty ? nil : Array(reader.trailing)
}


/// Whether `written` (a row as `appendRow` writes it) is `line` and its newline, byte for byte.
func isRow(_ written: TextBuffer, line: UnsafeBufferPointer<UInt8>) -> Bool {
    written.withUnsafeBytes { row in
        row.count == line.count + 1 && row[line.count] == UInt8(ascii: "\n")
            && (line.isEmpty || memcmp(row.baseAddress!, line.baseAddress!, line.count) == 0)
    }
}

/// Whether `written` (a row as `appendRow` writes it) is `line` and its newline, byte for byte.
func isRow(_ written: inout String, line: UnsafeBufferPointer<UInt8>) -> Bool {
    written.withUTF8 { row in
        row.count == line.count + 1 && row[line.count] == UInt8(ascii: "\n")
            && (line.isEmpty || memcmp(row.baseAddress!, line.baseAddress!, line.count) == 0)
    }
}

extension RunTable {
    /// Parses a row back into its run, seed and record. Returns nil if the row is malformed.
    public func parseRow<S: StringProtocol>(_ line: S, into record: inout [Double]) -> (run: Int, seed: UInt64)? {
        var text = String(line)
        return text.withUTF8 { bytes in
            record.withUnsafeMutableBufferPointer { RowParser(self).parse(bytes, into: $0) }
        }
    }
}
