@testable import Experiments
import Foundation
import Stochastics
import Testing

/// A merge's summary reads each field by its own short path (`BatchSummary.value`): it must
/// give exactly what `CSVNumber.double` (and so `Double(_:)`) gives, and stop where it stops.
@Suite struct SummaryReadingTests {
    func read(_ text: String, _ reader: (UnsafePointer<UInt8>, inout Int, Int) -> Double?) -> (value: UInt64?, stop: Int) {
        // A comma after the field, as in a row, and a byte past it so an empty field has an address.
        let bytes = Array(text.utf8) + [UInt8(ascii: ","), 0]
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            let value = reader(b.baseAddress!, &i, b.count - 1)
            return (value?.bitPattern, i)
        }
    }

    @Test func fieldsReadAsCSVNumberReadsThem() {
        var cases = ["", "-", ".", "5.", ".5", "-.5", "-0", "-0.0", "0.0", "007", "00.000100", "1e5", "inf", "-inf", "nan",
                     "123456789012345", "1234567890123456", "0.12345678901234", "0.123456789012345", "0.1234567890123456",
                     "999999999999999", "-999999999999999.", "143.16872666559433", "0.4942005434517743", "0.4", "180", "12\r"]
        var random = SplitMix64(state: 12)
        let alphabet = Array("0123456789012345678901234567890123456789.-e".utf8)
        for _ in 0..<100_000 {
            let count = Int(random.next() % 20)
            cases.append(String(decoding: (0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }, as: UTF8.self))
            // Decimals of up to 18 digits, as a batch writes them.
            let digits = String(random.next() % 1_000_000_000_000_000_000)
            let point = Int(random.next() % UInt64(digits.count + 1))
            cases.append((random.next() % 4 == 0 ? "-" : "") + digits.prefix(point) + (point < digits.count ? "." : "") + digits.dropFirst(point))
        }
        var failures: [String] = []
        for text in cases {
            let fast = read(text, BatchSummary.value), reference = read(text, CSVNumber.double)
            if fast.value != reference.value || fast.stop != reference.stop {
                failures.append("'\(text)': \(String(describing: fast)) against \(String(describing: reference))")
            }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
