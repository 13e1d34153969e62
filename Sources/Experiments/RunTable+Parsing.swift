import EscalationModel
import Foundation

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
