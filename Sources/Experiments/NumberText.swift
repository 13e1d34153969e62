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
            write(x < 0 ? "-inf" : "inf")
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
            let after = count - power - 1
            let scale = ShortestDecimal.powersOfTen[after]
            writeDigits(digits / scale, count: power + 1)
            write(UInt8(ascii: "."))
            writeDigits(digits % scale, count: after)
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
        // Two digits a division, from the end.
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
