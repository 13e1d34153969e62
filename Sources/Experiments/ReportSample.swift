import Stochastics

/// The replications a report simulates again with traces: all of them when the batch has at most
/// `size` runs, else `size` of them, one in each of `size` equal strata of the batch's range.
///
/// Which run of each stratum is drawn from the SHA-256 of the batch's CSV text: the choice is
/// fixed by the file (the same page from the same file, on any machine) but not known until
/// the file is. A forger who edits rows cannot know which rows will be re-simulated; each try
/// at a file whose sample misses the edited rows costs hashing it again from the first edit,
/// and succeeds with probability about (1 − edited/runs)^size, so more than a small share of
/// edited rows (a few in a thousand, at 10,000 of 10,000,000) is out of reach however often
/// one tries. A sample fixed by the run count or the master seed alone would be known in
/// advance, and every row outside it could be made up. One run a stratum also spreads the
/// sample evenly over the batch, for the charts drawn from it.
public struct ReportSample: Sendable, Equatable {
    /// How many replications a report re-simulates at most.
    public static let defaultSize = 10_000

    /// The batch's replications.
    public let range: Range<Int>
    /// The runs drawn, in increasing order.
    public let runs: [Int]

    /// The sample of `range` for a CSV whose SHA-256 is `csvHash` (64 hexadecimal digits).
    public init(range: Range<Int>, size: Int = defaultSize, csvHash: String) {
        self.range = range
        let total = range.count, strata = max(1, size)
        guard total > strata else {
            runs = Array(range)
            return
        }
        let key = UInt64(csvHash.prefix(16), radix: 16) ?? 0
        runs = (0..<strata).map { i in
            // Stratum i is [⌊i·total/strata⌋, ⌊(i+1)·total/strata⌋), never empty as total > strata.
            let low = i * total / strata, high = (i + 1) * total / strata
            return range.lowerBound + low + Int(SplitMix64.mix(key ^ UInt64(i)) % UInt64(high - low))
        }
    }

    /// Whether every replication is in the sample.
    public var isWhole: Bool { runs.count == range.count }

    /// "10,000 of the 1,000,000 runs" or "all 400 runs", for captions.
    public var description: String {
        isWhole ? "all \(Self.grouped(range.count)) runs" : "\(Self.grouped(runs.count)) of the \(Self.grouped(range.count)) runs"
    }

    /// A whole number with thousands separated by commas: 1,000,000.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
