import SwiftShims

/// Numbers of a CSV field read straight from its bytes, with exactly the results of Swift's
/// `Int(_:)`, `UInt64(_:)` and `Double(_:)` on the field's text, but without making a `String`
/// for the common forms: plain digits, and the decimals `appendNumber` writes.
///
/// Each parser reads the field that starts at `i` and ends at the next comma or at `end`,
/// leaves `i` on that comma (or `end`), and returns nil if the field is not a number.
enum CSVNumber {
    static let comma = UInt8(ascii: ",")

    /// Where the field starting at `i` ends: its comma, or `end`.
    @inline(__always)
    static func fieldEnd(_ p: UnsafePointer<UInt8>, from i: Int, to end: Int) -> Int {
        var j = i
        while j < end && p[j] != comma { j += 1 }
        return j
    }

    /// A whole number of plain digits by hand; anything else (a sign, an overflow, a stray
    /// byte) through `T(_:)` on the field's text, so the rules stay Swift's.
    @inline(__always)
    static func integer<T: FixedWidthInteger>(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, as _: T.Type = T.self) -> T? {
        let start = i
        var value: T = 0
        while i < end {
            let digit = p[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(T(digit))
            if o1 || o2 { break }
            value = sum
            i += 1
        }
        if i > start && (i == end || p[i] == comma) { return value }
        i = fieldEnd(p, from: start, to: end)
        return T(text(p, start, i))
    }

    /// The number of decimal digits of `value` (1 for 0).
    @inline(__always)
    static func decimalDigits(_ value: UInt64) -> Int {
        // log10 from the bit length (1233 / 4096 ≈ log10 2), then one comparison to settle it.
        let guess = ((64 - value.leadingZeroBitCount) &* 1233) >> 12
        return value == 0 ? 1 : guess + (value >= wholePowersOfTen[guess] ? 1 : 0)
    }

    /// 10^0 ... 10^19, every power of ten a UInt64 holds; written out, so the optimiser keeps it
    /// as constant data (no lazy initialisation to check on each use).
    private static let wholePowersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]

    /// Whether `p[0..<count]` is exactly the decimal text of `value`, where `count` is
    /// `decimalDigits(value)`: a merge knows each row's run and seed, so it checks their text
    /// eight digits at a time instead of reading it digit by digit. Never reads past `count`.
    @inline(__always)
    static func isDecimal(_ p: UnsafePointer<UInt8>, count: Int, of value: UInt64) -> Bool {
        let raw = UnsafeRawPointer(p)
        var i = 0
        var read: UInt64 = 0
        while count &- i >= 8 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            // Every byte in "0"..."9": its high half is 3, and adding 6 leaves it 3 (as in simdjson).
            guard (word & 0xF0F0_F0F0_F0F0_F0F0) | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
                    == 0x3333_3333_3333_3333 else { return false }
            // The eight digits' value, pairs, then fours, then all eight (as in simdjson).
            var v = ((word & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
            v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
            v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
            let (shifted, o1) = read.multipliedReportingOverflow(by: 100_000_000)
            let (sum, o2) = shifted.addingReportingOverflow(v)
            if o1 || o2 { return false }
            read = sum
            i &+= 8
        }
        var tail: UInt64 = 0
        let tailCount = count &- i
        while i < count {
            let digit = p[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return false }
            tail = tail &* 10 &+ UInt64(digit)
            i &+= 1
        }
        let (shifted, o1) = read.multipliedReportingOverflow(by: wholePowersOfTen[tailCount])
        let (sum, o2) = shifted.addingReportingOverflow(tail)
        return !o1 && !o2 && sum == value
    }

    /// 2^53: every whole number up to it is a double exactly.
    private static let exactLimit: UInt64 = 1 << 53
    /// 10^0 ... 10^22, the powers of ten that are doubles exactly.
    private static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { x, _ in x * 10 } }

    /// A double, correctly rounded as `Double(_:)` rounds it.
    ///
    /// Fields of the form `[-]digits[.digits][e[+-]digits]` are taken apart here. When the
    /// digits make a whole number m ≤ 2^53 and the power of ten is 10^k with |k| ≤ 22, both are
    /// doubles exactly, so one multiplication or division rounds correctly (Clinger's fast
    /// path): whole numbers, and most of the shortest decimals `appendNumber` writes. Other
    /// decimals (17 significant digits, say) go to the C library's correctly rounded `strtod`
    /// on a copy of the field, as `Double(_:)` itself does; `inf` is read here; anything else
    /// (`nan`, hexadecimal, a stray byte) goes to `Double(_:)`.
    static func double(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Double? {
        let start = i
        // Most fields are small whole numbers (counts, rungs, days): up to 15 digits they are
        // below 2^53, doubles exactly.
        var whole: UInt64 = 0
        var j = i
        while j < end && j - start < 15, case let digit = p[j] &- UInt8(ascii: "0"), digit < 10 {
            whole = whole &* 10 &+ UInt64(digit)
            j += 1
        }
        if j > start && (j == end || p[j] == comma) {
            i = j
            return Double(whole)
        }
        let negative = i < end && p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0  // digits in `mantissa`, leading zeros not counted
        var exponent = 0
        var digits = 0
        var tooLong = false
        @inline(__always) func take(_ digit: UInt8) {
            digits += 1
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { significant += 1 }
            } else {
                tooLong = true
            }
        }
        while i < end, case let digit = p[i] &- UInt8(ascii: "0"), digit < 10 {
            take(digit)
            if tooLong { exponent += 1 }
            i += 1
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, case let digit = p[i] &- UInt8(ascii: "0"), digit < 10 {
                take(digit)
                if !tooLong { exponent -= 1 }
                i += 1
            }
        }
        var plain = digits > 0
        if plain && i < end && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var written = 0, count = 0
            while i < end, case let digit = p[i] &- UInt8(ascii: "0"), digit < 10 {
                if written < 100_000 { written = written * 10 + Int(digit) }
                count += 1
                i += 1
            }
            plain = count > 0
            exponent += exponentNegative ? -written : written
        }
        if plain && (i == end || p[i] == comma) {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if !tooLong && mantissa <= exactLimit && (-22...22).contains(exponent) {
                let m = Double(mantissa)
                let value = exponent == 0 ? m : exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
                return negative ? -value : value
            }
            // Far from overflow and underflow (left to Double(_:), whose rules for them these are).
            if (-300...300).contains(exponent + significant), i - start < 64 {
                return strtod(p + start, count: i - start)
            }
        }
        i = fieldEnd(p, from: start, to: end)
        let field = UnsafeBufferPointer(start: p + start, count: i - start)
        if field.elementsEqual("inf".utf8) { return .infinity }
        if field.elementsEqual("-inf".utf8) { return -.infinity }
        return Double(text(p, start, i))
    }

    /// The C library's correctly rounded conversion (in the C locale, as `Double(_:)` uses it)
    /// of `count` bytes holding a plain decimal, copied to end in a NUL. The runtime function
    /// is the one `Double(_:)` calls; called on a copy on the stack, it needs no `String`.
    private static func strtod(_ p: UnsafePointer<UInt8>, count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: count)
            base[count] = 0
            var value = 0.0
            guard let stop = _swift_stdlib_strtod_clocale(base, &value), stop == UnsafePointer(base + count) else { return nil }
            return value
        }
    }

    private static func text(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }
}
