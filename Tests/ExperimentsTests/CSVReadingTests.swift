import EscalationModel
@testable import Experiments
import Foundation
import ScenarioIO
import Stochastics
import TestSupport
import Testing

/// Rows read back from bytes (`merge`, `report`, `--resume`) give exactly the values written,
/// and refuse what they always refused.
@Suite struct CSVReadingTests {
    /// A small deterministic generator (xorshift64*), so a failure can be replayed.
    struct Bits {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    /// `CSVNumber.double` on the whole of `text`, and where it stopped.
    func parse(_ text: String) -> (value: Double?, stop: Int, end: Int) {
        // A byte past the end, so that an empty field has an address too.
        let bytes = Array(text.utf8) + [0]
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            let value = CSVNumber.double(b.baseAddress!, &i, b.count - 1)
            return (value, i, b.count - 1)
        }
    }

    func written(_ x: Double) -> String {
        var text = ""
        appendNumber(x, to: &text)
        return text
    }

    /// Every double, written as the batch writes it, reads back as the same bits (zero's sign
    /// and a NaN's payload are not written), and written again gives the same text.
    @Test func writtenDoublesReadBackBitForBit() {
        var bits = Bits(state: 0x9E37_79B9_7F4A_7C15)
        var values: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
                                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 9e15, -9e15, 9e15 - 1, 9e15 + 1,
                                Double(1 << 53), Double(1 << 53) + 2, 1e22, 1e23, 1e-22, 1e-23, 0.1, 0.2, 0.3,
                                Double(bitPattern: 0x000F_FFFF_FFFF_FFFF), 1.7976931348623157e308, 123456789.5, 0.4942005434517743]
        for _ in 0..<200_000 { values.append(Double(bitPattern: bits.next())) }
        // Values like those of a batch: days, shares, probabilities, small and large counts.
        for _ in 0..<200_000 {
            let r = Double(bits.next() >> 11) / Double(1 << 53)
            switch bits.next() % 5 {
            case 0: values.append(r * 365)
            case 1: values.append(r)
            case 2: values.append((r * 1000).rounded() / 1000)
            case 3: values.append(Double(bits.next() % 100_000))
            default: values.append(r * pow(10, Double(Int(bits.next() % 60) - 30)))
            }
        }
        var failures: [String] = []
        for x in values {
            let text = written(x)
            let (value, stop, end) = parse(text)
            guard let value, stop == end else { failures.append("\(text) did not parse"); continue }
            let same = x.isNaN ? value.isNaN : x == 0 ? value == 0 : value.bitPattern == x.bitPattern
            // Exactly what Double(_:) gives the text.
            let reference = Double(text)!
            if !same || value.bitPattern != reference.bitPattern || written(value) != text {
                failures.append("\(text): \(x.bitPattern) read as \(value.bitPattern), Double(_:) gives \(reference.bitPattern)")
            }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Any field, number or not, reads as `Double(_:)` reads it: the same bits, or nil for both.
    @Test func fieldsReadAsDoubleReadsThem() {
        var cases = ["", "-", ".", "+1", "1.", ".5", "-.5", "1e", "1e+", "1e5", "1E5", "1e-5", "-0", "-0.0", "0e999999", "1e400",
                     "-1e400", "1e-400", "4e-320", "inf", "-inf", "+inf", "infinity", "nan", "-nan", "snan", "nan(0x12)", "0x1p3",
                     " 1", "1 ", "1_0", "12\r", "007", "00.000100", "1,5", "9007199254740993", "9007199254740992.0",
                     "123456789012345678901234567890", "0.000000000000000000000000000001234567890123456789",
                     "17976931348623157e292", "2.4703282292062328e-324", "1.00000000000000011102230246251565404236316680908203125",
                     "143.16872666559433", "18446744073709551615", "18446744073709551616e-3"]
        var bits = Bits(state: 42)
        let alphabet = Array("0123456789012345678901234567890123456789..--+eEinfa\r ".utf8)
        for _ in 0..<100_000 {
            let count = Int(bits.next() % 24)
            cases.append(String(decoding: (0..<count).map { _ in alphabet[Int(bits.next() % UInt64(alphabet.count))] }, as: UTF8.self))
        }
        var failures: [String] = []
        for text in cases {
            let (value, stop, end) = parse(text)
            let commaAt = text.utf8.firstIndex(of: UInt8(ascii: ",")).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) }
            let field = commaAt.map { String(decoding: text.utf8.prefix($0), as: UTF8.self) } ?? text
            let reference = Double(field)
            let agree = value?.bitPattern == reference?.bitPattern
            if !agree || stop != (commaAt ?? end) { failures.append("'\(text)': \(String(describing: value)) against \(String(describing: reference))") }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Run and seed columns read as `Int(_:)` and `UInt64(_:)` read them.
    @Test func wholeNumbersReadAsIntAndUInt64ReadThem() {
        var cases = ["", "0", "-0", "+5", "-5", "007", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                     "18446744073709551615", "18446744073709551616", "99999999999999999999", "1 ", " 1", "1e3", "1.0", "12\r"]
        var bits = Bits(state: 7)
        for _ in 0..<20_000 { cases.append(String(bits.next() >> (bits.next() % 64))) }
        for _ in 0..<20_000 { cases.append(String(bits.next()) + String(bits.next() % 100)) }
        for text in cases {
            let bytes = Array(text.utf8) + [0]
            bytes.withUnsafeBufferPointer { b in
                let p = b.baseAddress!, end = b.count - 1
                var i = 0
                #expect(CSVNumber.integer(p, &i, end, as: Int.self) == Int(text), "\(text)")
                i = 0
                #expect(CSVNumber.integer(p, &i, end, as: UInt64.self) == UInt64(text), "\(text)")
            }
        }
    }

    /// A merge checks a row's run and seed against their known values eight digits at a time:
    /// exactly the texts `String(value)` writes pass, and nothing else of that length.
    @Test func knownWholeNumbersAreCheckedAsTheirTextOnly() {
        var values: [UInt64] = [0, 1, 9, 10, 99, 100, 12_345_678, 123_456_789, UInt64.max, UInt64.max - 1, 9_999_999_999_999_999_999]
        for k in 0...19 {
            let power = (0..<k).reduce(UInt64(1)) { x, _ in x * 10 }
            values += [power, power - 1, power + 1]
        }
        var bits = Bits(state: 11)
        for _ in 0..<20_000 { values.append(bits.next() >> (bits.next() % 64)) }
        for value in values {
            let text = Array(String(value).utf8)
            #expect(CSVNumber.decimalDigits(value) == text.count, "\(value)")
            // The text itself, then every one-byte change of it, and the same digits as another value.
            var variants: [([UInt8], Bool)] = [(text, true)]
            for i in text.indices {
                for byte in [UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: ","), 0] where byte != text[i] {
                    var changed = text
                    changed[i] = byte
                    variants.append((changed, false))
                }
            }
            for (bytes, passes) in variants {
                bytes.withUnsafeBufferPointer { b in
                    #expect(CSVNumber.isDecimal(b.baseAddress!, count: b.count, of: value) == passes, "\(value) as \(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
        // Twenty digits above UInt64.max that wrap around to a value must not pass as it.
        let wrapped = Array("36893488147419103231".utf8)   // 2^65 - 1, which wraps to UInt64.max
        wrapped.withUnsafeBufferPointer { b in #expect(!CSVNumber.isDecimal(b.baseAddress!, count: 20, of: UInt64.max)) }
    }

    func taji() throws -> (table: RunTable, scenario: Scenario) {
        let scenario = try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml")).scenario
        return (RunTable(scenario), scenario)
    }

    /// Rows of a real batch read back as their records and write again as the same bytes.
    @Test func rowsReadBackAsTheRecordsWritten() throws {
        let (table, scenario) = try taji()
        let simulator = Simulator(scenario: scenario)
        var record = [Double](repeating: 0, count: table.layout.width)
        var parsed = record
        for run in 0..<300 {
            let seed = UInt64(run + 1) &* 0x9E37_79B9_7F4A_7C15
            record.withUnsafeMutableBufferPointer { _ = simulator.run(seed: seed, into: $0) }
            var row = ""
            record.withUnsafeBufferPointer { table.appendRow(run: run, seed: seed, record: $0, to: &row) }
            let line = row.dropLast()
            let read = table.parseRow(line, into: &parsed)
            #expect(read?.run == run && read?.seed == seed)
            #expect(zip(parsed, record).allSatisfy { $0.bitPattern == $1.bitPattern || ($0 == 0 && $1 == 0) }, "\(row)")
            var again = ""
            parsed.withUnsafeBufferPointer { table.appendRow(run: run, seed: seed, record: $0, to: &again) }
            #expect(again == row)
        }
    }

    @Test func malformedRowsAreRefused() throws {
        let (table, scenario) = try taji()
        var record = [Double](repeating: 0, count: table.layout.width)
        record.withUnsafeMutableBufferPointer { _ = Simulator(scenario: scenario).run(seed: 5, into: $0) }
        var row = ""
        record.withUnsafeBufferPointer { table.appendRow(run: 7, seed: 5, record: $0, to: &row) }
        let good = String(row.dropLast())
        var fields = good.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(table.parseRow(good, into: &record)?.run == 7)
        func refused(_ line: String) -> Bool { table.parseRow(line, into: &record) == nil }
        #expect(refused(good + "\r"), "a CRLF line keeps its \\r, which is no number")
        #expect(refused(good + ","))
        #expect(refused(good + ",1"))
        #expect(refused(String(good[..<good.lastIndex(of: ",")!])))
        #expect(refused(""))
        #expect(refused(","))
        for (column, value) in [(0, ""), (0, "x"), (0, "1.5"), (1, "-1"), (1, "18446744073709551616"), (2, "nobody"),
                                (2, fields[2] + " "), (3, ""), (3, "1,5"), (4, "1x"), (5, "--1"), (6, "0x")] {
            var edited = fields
            edited[column] = value
            #expect(refused(edited.joined(separator: ",")), "column \(column) = '\(value)'")
        }
        // What Int(_:), UInt64(_:) and Double(_:) took stays taken.
        fields[0] = "+7"
        fields[3] = "1.50"
        #expect(table.parseRow(fields.joined(separator: ","), into: &record)?.run == 7)
        #expect(record[RecordLayout.outcomeDay] == 1.5)
    }

    // MARK: LineReader

    func lines(of path: String) throws -> (lines: [[UInt8]], trailing: Data, offset: UInt64, compressed: Bool) {
        var reader = try LineReader(path: path)
        defer { reader.close() }
        var lines: [[UInt8]] = []
        while let line = try reader.nextLine() { lines.append(Array(line)) }
        return (lines, reader.trailing, reader.offset, reader.isCompressed)
    }

    /// Lines of every length, across block boundaries, the last without its newline; plain and
    /// gzip (in two members) read the same.
    @Test func linesAcrossBlocksPlainAndGzip() throws {
        let dir = try temporaryDirectory()
        var bits = Bits(state: 3)
        var expected: [[UInt8]] = []
        var text: [UInt8] = []
        while text.count < 3 * LineReader.defaultBlockSize {
            let length = bits.next() % 50 == 0 ? Int(bits.next() % UInt64(LineReader.defaultBlockSize + 100)) : Int(bits.next() % 300)
            let line = (0..<length).map { _ in UInt8(ascii: "a") + UInt8(bits.next() % 26) }
            expected.append(line)
            text += line + [UInt8(ascii: "\n")]
        }
        expected.append(Array("\r".utf8))
        expected.append([])
        text += Array("\r\n\n".utf8)
        let plain = dir.appendingPathComponent("lines.csv").path
        try Data(text + Array("cut short".utf8)).write(to: URL(fileURLWithPath: plain))
        let read = try lines(of: plain)
        #expect(read.lines == expected)
        #expect(read.trailing == Data("cut short".utf8))
        #expect(read.offset == UInt64(text.count))
        #expect(!read.compressed)

        let gz = dir.appendingPathComponent("lines.gz").path
        let half = text.count / 2
        var members = Data()
        for (i, part) in [text[..<half], text[half...] + Array("cut short".utf8)].enumerated() {
            let member = dir.appendingPathComponent("m\(i).gz").path
            let writer = try FileWriter.create(member, reportedAs: member, compressed: true)
            try Array(part).withUnsafeBytes { try writer.write($0) }
            try writer.finish()
            members += try Data(contentsOf: URL(fileURLWithPath: member))
        }
        try members.write(to: URL(fileURLWithPath: gz))
        let unpacked = try lines(of: gz)
        #expect(unpacked.compressed)
        #expect(unpacked.lines == expected)
        #expect(unpacked.trailing == Data("cut short".utf8))
        #expect(unpacked.offset == UInt64(text.count))
    }

    @Test func emptyFilesAndFilesWithoutNewlines() throws {
        let dir = try temporaryDirectory()
        for (content, lineCount, trailing) in [("", 0, ""), ("x", 0, "x"), ("\n", 1, ""), ("a\nb", 1, "b"), ("a\r\nb\r\n", 2, "")] {
            let path = dir.appendingPathComponent("f.csv").path
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            let read = try lines(of: path)
            #expect(read.lines.count == lineCount && read.trailing == Data(trailing.utf8), "\(content.debugDescription)")
        }
    }

    // MARK: Merge and resume keep their answers

    @Test func mergeOfCRLFOrUnfinishedShardsIsRefusedAsEver() throws {
        let dir = try temporaryDirectory()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let loaded = try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml"))
        for i in 1...2 {
            var request = BatchRequest(loaded: loaded, masterSeed: 3, runs: 60, threads: 1)
            request.shard = Shard(index: i, count: 2)
            request.out = path("s\(i).csv")
            request.quiet = true
            _ = try BatchJob.run(request)
        }
        let shard = try String(contentsOfFile: path("s2.csv"), encoding: .utf8)
        let lines = shard.split(separator: "\n").map(String.init)
        let variants = [
            ("crlf", lines.map { $0 + "\r\n" }.joined(), "\(path("crlf.csv")): its header does not match its manifest's columns"),
            ("rows", lines[0] + "\n" + lines.dropFirst().map { $0 + "\r\n" }.joined(),
             "\(path("rows.csv")): line 2 should be run 30's row, but its \(lines[0].split(separator: ",").last!) "
             + "\((lines[1].split(separator: ",").last! + "\r").debugDescription) is not a number"),
            ("cut", String(shard.dropLast()), "\(path("cut.csv")) ends in the middle of a row: it is not a finished shard"),
            ("short", lines.dropLast().map { $0 + "\n" }.joined(), "\(path("short.csv")) has 29 rows; its manifest says 30"),
        ]
        for (name, text, message) in variants {
            try text.write(toFile: path(name + ".csv"), atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(atPath: path("s2.manifest.json"), toPath: path(name + ".manifest.json"))
            do {
                _ = try Merge.merge(inputs: [path("s1.csv"), path(name + ".csv")], out: path("m.csv"), summaryPath: nil)
                Issue.record("\(name) was merged")
            } catch {
                #expect("\(error)" == message)
            }
        }
        _ = try Merge.merge(inputs: [path("s1.csv"), path("s2.csv")], out: path("m.csv"), summaryPath: nil)
    }

    /// The rows a merge simulates again are picked by a divisibility test without a division:
    /// it agrees with `%` for divisors odd and even, small and huge, on random numbers and on
    /// the multiples and their neighbours.
    @Test func sampledRowsAreTheDivisibleOnes() {
        var bits = Bits(state: 0x9E37_79B9_7F4A_7C15)
        var divisors: [UInt64] = Array(1...300) + [1 << 20, 3 << 40, 2_500, 100_000, UInt64.max, UInt64.max - 1, 1 << 63]
        for _ in 0..<200 { divisors.append(bits.next() >> (bits.next() % 64)) }
        for d in divisors where d > 0 {
            let multiples = RowVerifier.Multiples(of: d)
            var numbers = (0..<400).map { _ in bits.next() } + [0, UInt64.max]
            for k in UInt64(0)..<5 {
                let (m, overflow) = d.multipliedReportingOverflow(by: bits.next() % (UInt64.max / d) + k)
                if !overflow { numbers += [m, m &+ 1, m &- 1] }
            }
            for n in numbers where multiples.contains(n) != (n % d == 0) {
                Issue.record("\(n) % \(d): contains says \(multiples.contains(n))")
                return
            }
        }
        // And a file's rows: its first and last, and about 100 others.
        let range = 2_000_000..<2_250_000
        let sample = RowVerifier.Sample(range: range, masterSeed: 7)
        let picked = range.filter(sample.contains)
        #expect(picked.first == range.lowerBound && picked.last == range.upperBound - 1)
        #expect(picked == range.filter { $0 == range.lowerBound || $0 == range.upperBound - 1 || SplitMix64.mix(7 ^ UInt64($0)) % 2_500 == 0 })
        #expect((60...140).contains(picked.count))
    }

    /// A plain merge copies the files on one thread and checks them on another, a block at a
    /// time: shards of many blocks merge to the whole batch's bytes, and one broken row deep in
    /// a shard (a field too many, an empty field, one digit of its seed) is found by its line,
    /// with no output left behind; gzip shards among them take the other path to the same bytes.
    @Test func largeShardsMergeExactlyAndAnyBrokenRowIsFound() throws {
        let dir = try temporaryDirectory()
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let loaded = try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml"))
        var whole = BatchRequest(loaded: loaded, masterSeed: 5, runs: 9_000, threads: 1)
        whole.out = path("whole.csv")
        whole.quiet = true
        _ = try BatchJob.run(whole)
        for i in 1...3 {
            var request = BatchRequest(loaded: loaded, masterSeed: 5, runs: 9_000, threads: 1)
            request.shard = Shard(index: i, count: 3)
            request.out = path("s\(i).csv")
            request.quiet = true
            _ = try BatchJob.run(request)
        }
        let shards = (1...3).map { path("s\($0).csv") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: shards[1])).count > 4 * ShardCopier.blockSize)
        _ = try Merge.merge(inputs: shards, out: path("m.csv"), summaryPath: nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("m.csv"))) == Data(contentsOf: URL(fileURLWithPath: path("whole.csv"))))

        // The same with the middle shard compressed (read through the other path).
        let gz = try FileWriter.create(path("s2gz.csv"), reportedAs: "s2gz.csv", compressed: true)
        try gz.write(Data(contentsOf: URL(fileURLWithPath: shards[1])))
        try gz.finish()
        try FileManager.default.copyItem(atPath: path("s2.manifest.json"), toPath: path("s2gz.manifest.json"))
        _ = try Merge.merge(inputs: [shards[0], path("s2gz.csv"), shards[2]], out: path("mgz.csv"), summaryPath: nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("mgz.csv"))) == Data(contentsOf: URL(fileURLWithPath: path("whole.csv"))))

        let lines = try String(contentsOfFile: shards[1], encoding: .utf8).split(separator: "\n").map(String.init)
        let columns = lines[0].split(separator: ",").map(String.init)
        for line in [2, 700, 2_999, lines.count] {
            let run = 3_000 + line - 2
            var fields = lines[line - 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let seed = fields[1]
            var tooMany = fields
            tooMany.insert("0", at: 4)
            var empty = fields
            empty[5] = ""
            // A word for a number, early in the row and last (a merge with a summary reads the
            // two ends of its rows on two threads).
            var early = fields, late = fields
            early[3] = "abc"
            late[late.count - 1] = "abc"
            fields[1] = String(seed.dropLast()) + (seed.last == "1" ? "2" : "1")
            let wrongSeed = UInt64(fields[1])!
            // A plain merge counts each row's fields but reads no value (a sample of rows is
            // simulated again), so a word for a number is found by a merge with a summary.
            for (name, row, message, plain) in [
                ("many", tooMany.joined(separator: ","),
                 "\(path("many.csv")): line \(line) should be run \(run)'s row, but it has \(columns.count + 1) fields where the header has \(columns.count)",
                 true),
                ("empty", empty.joined(separator: ","),
                 "\(path("empty.csv")): line \(line) should be run \(run)'s row, but its \(columns[5]) \"\" is not a number", true),
                ("early", early.joined(separator: ","),
                 "\(path("early.csv")): line \(line) should be run \(run)'s row, but its \(columns[3]) \"abc\" is not a number", false),
                ("late", late.joined(separator: ","),
                 "\(path("late.csv")): line \(line) should be run \(run)'s row, but its \(columns.last!) \"abc\" is not a number", false),
                ("seed", fields.joined(separator: ","),
                 "\(path("seed.csv")): run \(run) has seed \(wrongSeed) in its row, but master seed 5 gives \(seed): the rows come from another batch",
                 true),
            ] {
                var broken = lines
                broken[line - 1] = row
                try (broken.joined(separator: "\n") + "\n").write(toFile: path(name + ".csv"), atomically: true, encoding: .utf8)
                try? FileManager.default.removeItem(atPath: path(name + ".manifest.json"))
                try FileManager.default.copyItem(atPath: path("s2.manifest.json"), toPath: path(name + ".manifest.json"))
                try? FileManager.default.removeItem(atPath: path("bad.csv"))
                if plain {
                    do {
                        _ = try Merge.merge(inputs: [shards[0], path(name + ".csv"), shards[2]], out: path("bad.csv"), summaryPath: nil)
                        Issue.record("\(name) at line \(line) was merged")
                    } catch {
                        #expect("\(error)" == message)
                    }
                    #expect(!FileManager.default.fileExists(atPath: path("bad.csv")))
                }
                // With a summary, every field is read: the same message, and neither file left.
                do {
                    _ = try Merge.merge(inputs: [shards[0], path(name + ".csv"), shards[2]], out: path("bad.csv"),
                                        summaryPath: path("bad-summary.csv"))
                    Issue.record("\(name) at line \(line) was merged with a summary")
                } catch {
                    #expect("\(error)" == message)
                }
                #expect(!FileManager.default.fileExists(atPath: path("bad.csv")))
                #expect(!FileManager.default.fileExists(atPath: path("bad-summary.csv")))
            }
        }
    }
}
