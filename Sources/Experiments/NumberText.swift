/// Numbers written as text straight into a `TextBuffer`'s room: integers digit by digit, doubles
/// as the bytes of their `description` (see `ShortestDecimal`), with no `String` in between.
extension TextCursor {
    /// The most bytes `write(number:)` and `write(shortest:)` write:
    /// "-2.2250738585072014e-308".
    static let maxNumberBytes = 24

    /// A number of a CSV: whole numbers below 9·10^15 as integers ("3", not "3.0"; -0 as "0"),
    /// anything else as its `description`, the shortest text that reads back as the same double.
    mutating func write(number x: Double) {
        if x.magnitude < 9.0e15 {
            let whole = Int64(x)
            if Double(whole) == x {
                write(integer: whole)
                return
            }
        }
        write(shortest: x)
    }

    /// The bytes of `x.description`.
    mutating func write(shortest x: Double) {
        if let decimal = ShortestDecimal(magnitudeOf: x) {
            if x.sign == .minus { write(UInt8(ascii: "-")) }
            write(decimal, exponential: x.magnitude > 0x1p53)
        } else if x.isInfinite {
            if x < 0 { write(UInt8(ascii: "-")) }
            write(UInt8(ascii: "i"))
            write(UInt8(ascii: "n"))
            write(UInt8(ascii: "f"))
        } else {
            // NaN, zero, the tiny and the huge: rare enough to take the long way.
            let text = x.description
            precondition(text.utf8.count <= Self.maxNumberBytes)
            write(text)
        }
    }

    /// `description`'s layout of a positive decimal: exponential form below 10^-4 and above
    /// 2^53 ("1.5e-05", "1e+16"), else positional with a point and at least one digit after it
    /// ("0.00012", "143.25", "9007199254740992.0").
    mutating func write(_ decimal: ShortestDecimal, exponential: Bool) {
        let digits = decimal.digits
        let count = Self.digitCount(digits)
        let power = count - 1 + decimal.exponent          // of the first digit
        if power < -4 || exponential {
            let first = digits / ShortestDecimal.powersOfTen[count - 1]
            write(UInt8(ascii: "0") + UInt8(first))
            if count > 1 {
                write(UInt8(ascii: "."))
                writeDigits(digits - first * ShortestDecimal.powersOfTen[count - 1], count: count - 1)
            }
            write(UInt8(ascii: "e"))
            write(UInt8(ascii: power < 0 ? "-" : "+"))
            writeDigits(UInt64(power.magnitude), count: max(2, Self.digitCount(UInt64(power.magnitude))))
        } else if power < 0 {
            write(UInt8(ascii: "0"))
            write(UInt8(ascii: "."))
            writeZeros(-power - 1)
            writeDigits(digits, count: count)
        } else if power + 1 < count {
            // The digits one place on, then the whole part moved back over the gap for the point.
            let start = position
            position += 1
            writeDigits(digits, count: count)
            for i in 0...power { start[i] = start[i + 1] }
            start[power + 1] = UInt8(ascii: ".")
        } else {
            writeDigits(digits, count: count)
            writeZeros(power + 1 - count)
            write(UInt8(ascii: "."))
            write(UInt8(ascii: "0"))
        }
    }

    mutating func write(integer n: Int64) {
        if n < 0 { write(UInt8(ascii: "-")) }
        write(unsigned: n.magnitude)
    }

    mutating func write(unsigned n: UInt64) {
        if n < 10 {
            write(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: n))
        } else {
            writeDigits(n, count: Self.digitCount(n))
        }
    }

    /// The last `count` decimal digits of `n`, with leading zeros if it has fewer.
    @inline(__always)
    mutating func writeDigits(_ n: UInt64, count: Int) {
        var n = n, i = count
        // From the end: eight digits at a time, then two a division.
        while i >= 8 {
            let block = n % 100_000_000
            n /= 100_000_000
            i -= 8
            UnsafeMutableRawPointer(position + i).storeBytes(of: Self.eightDigits(UInt32(block)).littleEndian, as: UInt64.self)
        }
        while i >= 2 {
            let pair = n % 100, tens = pair / 10
            n /= 100
            i -= 2
            position[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: tens)
            position[i + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: pair - tens * 10)
        }
        if i == 1 { position[0] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: n % 10) }
        position += count
    }

    /// The eight ASCII digits of `n` < 10^8, the first in the lowest byte. The digits are split
    /// in all lanes of one 64-bit word at once: into two halves of four (32-bit lanes), each into
    /// two pairs (16-bit lanes), each pair into two digits (8-bit lanes). Dividing a lane by 100
    /// (or 10) is a multiplication and a shift that is exact for the lane's range: x / 100 is
    /// x·10486 >> 20 for x < 10^4, and x / 10 is x·103 >> 10 for x < 100.
    @inline(__always)
    static func eightDigits(_ n: UInt32) -> UInt64 {
        let halves = UInt64(n / 10_000) | UInt64(n % 10_000) << 32
        let hundreds = ((halves &* 10486) >> 20) & 0x0000_007F_0000_007F
        let pairs = hundreds | (halves &- hundreds &* 100) << 16
        let tens = ((pairs &* 103) >> 10) & 0x000F_000F_000F_000F
        let digits = tens | (pairs &- tens &* 10) << 8
        return digits | 0x3030_3030_3030_3030
    }

    /// The number of decimal digits of `n` (1 for 0).
    @inline(__always)
    static func digitCount(_ n: UInt64) -> Int {
        // ⌊bits·log10 2⌋ (1233 / 2^12 is log10 2 to enough places) is the count or one short.
        let guess = ((64 - (n | 1).leadingZeroBitCount) * 1233) >> 12
        return n >= ShortestDecimal.powersOfTen[guess] ? guess + 1 : max(guess, 1)
    }
}

extension TextBuffer {
    /// A number of a CSV: see `TextCursor.write(number:)`.
    public mutating func append(number x: Double) {
        append(atMost: TextCursor.maxNumberBytes) { $0.write(number: x) }
    }

    /// The bytes of `x.description`.
    public mutating func append(descriptionOf x: Double) {
        append(atMost: TextCursor.maxNumberBytes) { $0.write(shortest: x) }
    }

    public mutating func append(integer n: Int64) {
        append(atMost: 20) { $0.write(integer: n) }
    }

    public mutating func append(unsigned n: UInt64) {
        append(atMost: 20) { $0.write(unsigned: n) }
    }
}
