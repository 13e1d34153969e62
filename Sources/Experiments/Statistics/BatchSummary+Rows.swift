import Foundation

/// A summary read straight from the rows of a per-run CSV, some of the fields of each row: a
/// merge gives the fields before a split to one thread and those after it to another, and
/// each metric still sees its values in replication order, so the statistics are those of the
/// batch run whole, to the bit.
extension BatchSummary {
    /// The metrics (indices into `metrics`) of fields `fields`: the draw is none.
    func metricRange(ofFields fields: Range<Int>) -> Range<Int> {
        let first = max(fields.lowerBound, 3) - 3, end = min(fields.upperBound - 3, metrics.count)
        return first..<max(first, end)
    }

    /// Reads fields `fields` (0 is `run`, 2 `outcome`, 3 `outcome_day` ...) of `count` rows
    /// into the statistics of their columns, their moments into `moments` (given back by
    /// `store`); with field 2, the outcome counts and the days to each outcome too (so field 3
    /// must come with it). Row r's field `fields.lowerBound` starts at `rows + starts[r]` and
    /// the row ends at `rows + ends[r]` (its newline); when the fields are not the last of the
    /// row, `starts[r]` is moved on to the field after them, for the next part. Returns the
    /// number of rows read before one that is not well formed (a value that is not a number,
    /// an outcome that is not the scenario's, a field too many or too few), if any. The values
    /// are those `RowParser` reads (`CSVNumber`).
    mutating func add(rows base: UnsafePointer<UInt8>, starts: UnsafeMutablePointer<Int32>, ends: UnsafePointer<Int32>,
                      count: Int, fields: Range<Int>, parser: RowParser, moments: MomentColumns) -> Int? {
        precondition(fields.lowerBound >= 2 && (fields.lowerBound > 2 || fields.count >= 2))
        let columns = parser.width + 2
        let lastField = fields.upperBound == columns
        let mine = metricRange(ofFields: fields)
        precondition(moments.count == mine.count)
        // The values of a row's fields, by field - fields.lowerBound; its metrics' from `offset`.
        let offset = mine.lowerBound + 3 - fields.lowerBound
        var failed: Int?
        // One unique buffer for the whole block: no copy-on-write check a value.
        var metrics = self.metrics
        self.metrics = []
        defer { self.metrics = metrics }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: fields.count) { values in
        let values = values.baseAddress!
        metrics.withUnsafeMutableBufferPointer { metrics in
            for row in 0..<count {
                let p = base + Int(starts[row])
                let end = Int(ends[row]) - Int(starts[row])
                var i = 0
                var k = 0
                if fields.lowerBound == 2 {
                    let outcomeEnd = CSVNumber.fieldEnd(p, from: i, to: end)
                    guard let outcome = parser.outcome(UnsafeBufferPointer(start: p + i, count: outcomeEnd - i)) else { failed = row; return }
                    values[0] = Double(outcome)
                    i = outcomeEnd
                    k = 1
                } else {
                    guard let x = Self.value(p, &i, end) else { failed = row; return }
                    values[0] = x
                    k = 1
                }
                while k < fields.count {
                    guard i < end && p[i] == CSVNumber.comma else { failed = row; return }
                    i += 1
                    guard let x = Self.value(p, &i, end) else { failed = row; return }
                    values[k] = x
                    k += 1
                }
                // Our last field ends the row, or the next one follows.
                if lastField {
                    guard i == end else { failed = row; return }
                } else {
                    guard i < end && p[i] == CSVNumber.comma else { failed = row; return }
                    starts[row] += Int32(i + 1)
                }
                if fields.lowerBound == 2 {
                    let outcome = Int(values[0])
                    n += 1
                    outcomeCounts[outcome] += 1
                    daysTo[outcome].add(values[1])
                }
                moments.add(values + offset)
                for m in mine { metrics[m].count(values[offset + m - mine.lowerBound]) }
            }
        }
        }
        return failed
    }

    /// Gives the metrics of fields `fields` their moments, once every row is read.
    mutating func store(_ moments: MomentColumns, fields: Range<Int>) {
        moments.store(into: &metrics, from: metricRange(ofFields: fields).lowerBound)
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
