import Foundation

/// A summary read straight from the rows of a per-run CSV, some of the fields of each row: a
/// merge gives the fields before a split to one thread and those after it to another, and
/// each metric still sees its values in replication order, so the statistics are those of the
/// batch run whole, to the bit.
extension BatchSummary {
    /// Reads fields `fields` (0 is `run`, 2 `outcome`, 3 `outcome_day` ...) of every row of
    /// `rows` (whole lines, newlines included) into the statistics of their columns; with field
    /// 2, the outcome counts and the days to each outcome too (so field 3 must come with it).
    /// Returns the number of rows read before one that is not well formed (a value that is not
    /// a number, an outcome that is not the scenario's, a field too many or too few), if any.
    /// The values are those `RowParser` reads (`CSVNumber`).
    mutating func add(rows: UnsafeBufferPointer<UInt8>, fields: Range<Int>, parser: RowParser) -> Int? {
        precondition(fields.lowerBound >= 2 && (fields.lowerBound > 2 || fields.count >= 2))
        guard let base = rows.baseAddress else { return nil }
        let columns = parser.width + 2
        let lastField = fields.upperBound == columns
        var row = 0
        var start = 0
        var failed: Int?
        // One unique buffer for the whole block: no copy-on-write check a value.
        var metrics = self.metrics
        self.metrics = []
        defer { self.metrics = metrics }
        metrics.withUnsafeMutableBufferPointer { metrics in
            while start < rows.count {
                let p = base + start
                let end = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self)
                    .distance(to: memchr(p, Int32(UInt8(ascii: "\n")), rows.count - start)!.assumingMemoryBound(to: UInt8.self))
                var i = 0
                // Step over the fields before ours (run and seed are checked by the reader).
                var skipped = 0
                while skipped < fields.lowerBound {
                    i = CSVNumber.fieldEnd(p, from: i, to: end)
                    guard i < end else { failed = row; return }
                    i += 1
                    skipped += 1
                }
                var field = fields.lowerBound
                if field == 2 {
                    let outcomeEnd = CSVNumber.fieldEnd(p, from: i, to: end)
                    guard let outcome = parser.outcome(UnsafeBufferPointer(start: p + i, count: outcomeEnd - i)),
                          outcomeEnd < end else { failed = row; return }
                    i = outcomeEnd + 1
                    guard let day = Self.value(p, &i, end) else { failed = row; return }
                    n += 1
                    outcomeCounts[outcome] += 1
                    daysTo[outcome].add(day)
                    metrics[0].add(day)
                    field = 4
                } else {
                    guard let x = Self.value(p, &i, end) else { failed = row; return }
                    if field - 3 < metrics.count { metrics[field - 3].add(x) }
                    field += 1
                }
                while field < fields.upperBound {
                    guard i < end && p[i] == CSVNumber.comma else { failed = row; return }
                    i += 1
                    guard let x = Self.value(p, &i, end) else { failed = row; return }
                    // The posterior draw, the last column when there is one, is read but not summarised.
                    if field - 3 < metrics.count { metrics[field - 3].add(x) }
                    field += 1
                }
                // Our last field ends the row, or the next one follows.
                guard lastField ? i == end : i < end && p[i] == CSVNumber.comma else { failed = row; return }
                row += 1
                start += end + 1
            }
        }
        return failed
    }

    /// A field's number, as `CSVNumber.double` reads it; short whole numbers and decimals here.
    /// Up to 15 digits, the digits are a whole number m < 2⁵³ and the value is m ÷ 10^k with
    /// k ≤ 15, both doubles exactly: one correctly rounded division gives the double nearest
    /// the decimal, as `Double(_:)` does (Clinger's fast path).
    @inline(__always)
    static func value(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Double? {
        var j = i
        let negative = j < end && p[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        let digitsStart = j
        var m: UInt64 = 0
        while j < end, case let digit = p[j] &- UInt8(ascii: "0"), digit < 10 {
            m = m &* 10 &+ UInt64(digit)
            j += 1
        }
        var digits = j - digitsStart
        var fraction = 0
        if j < end && p[j] == UInt8(ascii: "."), digits > 0 {
            j += 1
            let fractionStart = j
            while j < end, case let digit = p[j] &- UInt8(ascii: "0"), digit < 10 {
                m = m &* 10 &+ UInt64(digit)
                j += 1
            }
            fraction = j - fractionStart
            digits += fraction
            if fraction == 0 { digits = 16 }
        }
        guard digits > 0 && digits <= 15 && (j == end || p[j] == CSVNumber.comma) else {
            return CSVNumber.double(p, &i, end)
        }
        i = j
        let x = fraction == 0 ? Double(m) : Double(m) / powersOfTen[fraction]
        return negative ? -x : x
    }

    /// 10⁰ … 10¹⁵, each a double exactly.
    private static let powersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { x, _ in x * 10 } }
}
