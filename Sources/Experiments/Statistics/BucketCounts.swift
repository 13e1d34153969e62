/// Counts by bucket key (`Metric.bucket`: the sign, exponent and top ten bits of a double's
/// significand), for a real-valued metric's histogram. The keys of one binade share a page of
/// 1,024 counters, found by a table indexed by the binade: a value is counted with two array
/// reads and no hashing (a summary adds one a real-valued column a run, and hashing them was a
/// seventh of a merge's time).
struct BucketCounts: Sendable {
    /// Keys lie in −2²¹…2²¹; a page holds the keys that share all but their low ten bits.
    private static let pageBits = 10
    private static let pageSize = 1 << pageBits
    /// Pages −2¹¹…2¹¹, shifted to count from 0.
    private static let pageOffset = 1 << 11
    /// The position of each page's counters in `counts` divided by the page size, or −1.
    private var pages: [Int32] = []
    private var counts: [Int] = []

    var isEmpty: Bool { counts.isEmpty }

    @inline(__always)
    mutating func add(_ key: Int64, times: Int = 1) {
        let page = Int(truncatingIfNeeded: key >> Self.pageBits) + Self.pageOffset
        if pages.isEmpty { pages = [Int32](repeating: -1, count: 2 * Self.pageOffset + 1) }
        var at = Int(pages[page])
        if at < 0 {
            at = counts.count >> Self.pageBits
            pages[page] = Int32(at)
            counts.append(contentsOf: repeatElement(0, count: Self.pageSize))
        }
        counts[at << Self.pageBits | Int(truncatingIfNeeded: key) & (Self.pageSize - 1)] += times
    }

    /// Every key counted, with its count, in no particular order.
    var entries: [(key: Int64, count: Int)] {
        var all: [(key: Int64, count: Int)] = []
        for (page, at) in pages.enumerated() where at >= 0 {
            let firstKey = Int64(page - Self.pageOffset) << Self.pageBits
            for k in 0..<Self.pageSize where counts[Int(at) << Self.pageBits + k] != 0 {
                all.append((firstKey + Int64(k), counts[Int(at) << Self.pageBits + k]))
            }
        }
        return all
    }
}
