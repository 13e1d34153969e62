import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import TestSupport
import Stochastics
import Testing

/// Numbers written straight as bytes are the bytes `String` gives: `description` for doubles,
/// and the CSV form (whole numbers below 9·10^15 as integers) that batches have always written.
struct NumberTextTests {
    /// The CSV form as it was written through `String`, before the byte writer.
    static func csvReference(_ x: Double) -> String {
        if x == x.rounded(.towardZero), abs(x) < 9.0e15 { return String(Int64(x)) }
        return x.description
    }

    static func csv(_ x: Double) -> String {
        var text = TextBuffer()
        text.append(number: x)
        return text.string
    }

    static func description(_ x: Double) -> String {
        var text = TextBuffer()
        text.append(descriptionOf: x)
        return text.string
    }

    @Test func integersAreTheirDecimalDigits() {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 12345, -987654321, .max, .min, .max - 1, .min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -(power - 1), -power, -(power + 1)]
        }
        var random = SplitMix64(state: 11)
        for _ in 0..<10_000 { values.append(Int64(bitPattern: random.next()) >> Int64(random.next() % 64)) }
        for n in values {
            var text = TextBuffer()
            text.append(integer: n)
            #expect(text.string == String(n))
        }
        for n: UInt64 in [0, 7, 10, 1 << 63, .max, .max - 1, 10_000_000_000_000_000_000, 9_999_999_999_999_999_999] {
            var text = TextBuffer()
            text.append(unsigned: n)
            #expect(text.string == String(n))
        }
    }

    @Test func specialValuesAreWrittenAsBefore() {
        let expected: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (.nan, "nan"), (-.nan, "nan"), (.signalingNaN, "nan"), (.infinity, "inf"),
            (-.infinity, "-inf"), (1e-5, "1e-05"), (-1e-5, "-1e-05"), (1e16, "1e+16"), (0.1, "0.1"), (-0.1, "-0.1"),
            (1.0 / 3, "0.3333333333333333"), (2.0 / 3, "0.6666666666666666"), (0.0001, "0.0001"),
            (0.00012, "0.00012"), (143.16872666559433, "143.16872666559433"), (Double.leastNonzeroMagnitude, "5e-324"),
            (0.4, "0.4"), (2.75, "2.75"), (0.125, "0.125"), (-0.005, "-0.005"), (999_999_999_999.999, "999999999999.999"),
            (0.1 + 0.2, "0.30000000000000004"),
            (.leastNormalMagnitude, "2.2250738585072014e-308"), (.greatestFiniteMagnitude, "1.7976931348623157e+308"),
            (-.greatestFiniteMagnitude, "-1.7976931348623157e+308"), (1.5, "1.5"), (100, "100"), (-42, "-42"),
            // The whole-number cutoff: below 9·10^15 an integer, from it on `description`.
            (8_999_999_999_999_999, "8999999999999999"), (-8_999_999_999_999_999, "-8999999999999999"),
            (9e15, "9000000000000000.0"), (9e15.nextUp, "9000000000000001.0"), (-9e15, "-9000000000000000.0"),
            (0x1p52 - 0.5, "4503599627370495.5"), (0x1p53, "9007199254740992.0"),
            (0x1p53 + 2, "9.007199254740994e+15"), (0x1p54, "1.8014398509481984e+16"), (1e17, "1e+17"),
        ]
        for (x, text) in expected {
            #expect(Self.csv(x) == text, "\(x.bitPattern)")
            #expect(Self.csv(x) == Self.csvReference(x), "\(x.bitPattern)")
        }
        for x: Double in [0, -0.0, .nan, .infinity, -.infinity, 100, 0x1p53, 1e300, .leastNonzeroMagnitude] {
            #expect(Self.description(x) == x.description)
        }
    }

    /// Powers of two (where the neighbour below is nearer) and of ten, and the doubles beside
    /// them, over the whole range.
    @Test func boundariesAreWrittenAsDescriptionWritesThem() {
        var values: [Double] = []
        for b in -1074...1023 {
            let x = Double(sign: .plus, exponent: b, significand: 1)
            values += [x, x.nextUp, x.nextDown, x.nextUp.nextUp, x.nextDown.nextDown]
        }
        for k in -40...40 {
            let x = Double("1e\(k)")!
            values += [x, x.nextUp, x.nextDown, 5 * x, (5 * x).nextUp, (5 * x).nextDown]
        }
        for x in values + values.map(-) {
            #expect(Self.description(x) == x.description, "\(x.bitPattern)")
            #expect(Self.csv(x) == Self.csvReference(x), "\(x.bitPattern)")
        }
    }

    /// Random doubles of every kind against `description`: any bit pattern; fractions in the
    /// range the exact fast path covers; short decimals and their neighbours; ratios of integers,
    /// as statistics are. (Tests run unoptimized; the same comparison over 6·10^7 doubles, built
    /// optimized, found no difference either.)
    @Test func randomDoublesAreWrittenAsDescriptionWritesThem() {
        var random = SplitMix64(state: 2024)
        var mismatches: [UInt64] = []
        func check(_ x: Double) {
            if Self.description(x) != x.description { mismatches.append(x.bitPattern) }
        }
        for _ in 0..<100_000 { check(Double(bitPattern: random.next())) }
        for _ in 0..<100_000 {
            let exponent = Int(random.next() % 70) - 15
            let significand = 1 + Double(random.next() >> 12) * 0x1p-52
            check((random.next() & 1 == 0 ? 1 : -1) * Double(sign: .plus, exponent: exponent, significand: significand))
        }
        for _ in 0..<20_000 {
            let x = Double(random.next() % 1_000_000) / pow(10, Double(random.next() % 13))
            check(x)
            check(x.nextUp)
            check(x.nextDown)
        }
        for _ in 0..<20_000 { check(Double(random.next() % 100_000) / Double(1 + random.next() % 100_000)) }
        // Up to three places (the quick way), beside a whole part up to 10^12 and past it.
        for _ in 0..<20_000 {
            let x = Double(random.next() % 1_000_000_000_000) + Double(random.next() % 1000) / 1000
            for y in [x, x.nextUp, x.nextDown, x / 1000, 1e12 + x / 1e9, 1e12 - x / 1e9] { check(y) }
        }
        #expect(mismatches.isEmpty, "bit patterns: \(mismatches.prefix(20))")
    }

    /// Random whole numbers, fractions and bit patterns in the CSV form: integers below 9·10^15.
    @Test func randomNumbersAreWrittenInTheCSVFormAsBefore() {
        var random = SplitMix64(state: 77)
        var mismatches: [UInt64] = []
        func check(_ x: Double) {
            if Self.csv(x) != Self.csvReference(x) { mismatches.append(x.bitPattern) }
        }
        for _ in 0..<20_000 {
            let whole = Double(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
            check(whole)
            check(whole + 0.5)
            check(Double(bitPattern: random.next()))
        }
        #expect(mismatches.isEmpty, "bit patterns: \(mismatches.prefix(20))")
    }

    /// A row is its fields as `String` writes them, joined by commas.
    @Test func aRowIsItsFieldsAsStringWritesThem() throws {
        let table = RunTable(try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml")).scenario)
        var random = SplitMix64(state: 5)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 0.5, 1e-7, 9e15, 2.5e20]
        var bytes = TextBuffer()
        var expected = ""
        for run in [0, 1, 99, 123_456_789, .max] {
            let seed = random.next()
            var record = (0..<table.layout.width).map { _ in
                switch random.next() % 4 {
                case 0: Double(random.next() % 100)
                case 1: specials[Int(random.next() % UInt64(specials.count))]
                case 2: Double(bitPattern: random.next())
                default: Double(random.next() % 1_000_000) / 997
                }
            }
            record[RecordLayout.outcome] = Double(random.next() % UInt64(table.outcomeNames.count))
            expected += "\(run),\(seed),\(table.outcomeNames[Int(record[RecordLayout.outcome])])"
            for x in record.dropFirst() { expected += "," + Self.csvReference(x) }
            expected += "\n"
            record.withUnsafeBufferPointer { table.appendRow(run: run, seed: seed, record: $0, to: &bytes) }
        }
        #expect(bytes.string == expected)
    }
}
