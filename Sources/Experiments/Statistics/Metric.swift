import Foundation

/// Running statistics of one metric over a batch, in memory that does not grow with the number
/// of runs:
///
/// - n, mean and standard deviation by Welford's update, exact to rounding; runs are always
///   added in replication order, so the bytes are the same however the batch was run;
/// - min and max, exact;
/// - quantiles by R's type 7 (numpy's default) on the order statistics, read from a histogram of
///   the values: exact while every value is a whole number of moderate size (counts, casualties,
///   rungs); otherwise each order statistic is estimated by the centre of its bucket (buckets of
///   width 2⁻¹⁰ of the value, relative error under 0.1%), clamped to the observed [min, max], as
///   for outcome days and final state. So a quantile never leaves [min, max].
///
/// Memory is one counter per distinct value (or bucket): hundreds, not millions.
public struct Metric: Sendable {
    public private(set) var n = 0
    public private(set) var mean = 0.0
    private var m2 = 0.0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = -Double.infinity
    /// Counts of whole values 0..<16, most values of the count columns, held in the struct
    /// itself: counted without first checking that a heap buffer is not shared.
    private var tiny = InlineArray<16, Int>(repeating: 0)
    /// Counts of whole values 16..<4096 (at their own index), the common case, without hashing.
    private var small: [Int] = []
    /// Counts of other whole values.
    private var whole = CountTable()
    /// Counts of bucket keys, once a value is not a whole number.
    private var buckets = BucketCounts()
    private var bucketed = false

    public init() {}

    static let smallLimit = 4096
    static let wholeLimit = 1e15

    // Inlined into the summary's loop over a row's columns, where a call a value was a fifth of
    // the work.
    @inline(__always)
    public mutating func add(_ x: Double) {
        n += 1
        let delta = x - mean
        mean += delta / Double(n)
        m2 += delta * (x - mean)
        if x < minimum { minimum = x }
        if x > maximum { maximum = x }
        count(x)
    }

    /// The histogram's half of `add`, for a caller that keeps n, mean, m2, min and max side by
    /// side for many metrics (`MomentColumns`) and gives them back with `setMoments`.
    @inline(__always)
    mutating func count(_ x: Double) {
        if !bucketed {
            // Whole numbers told by converting to an integer and back (exact in these ranges;
            // NaN fails both tests), which costs less than rounding.
            if x >= 0, x < Double(Self.smallLimit), Double(Int(x)) == x {
                let i = Int(x)
                if i < tiny.count {
                    tiny[i] += 1
                    return
                }
                if small.isEmpty { small = [Int](repeating: 0, count: Self.smallLimit) }
                small[i] += 1
                return
            }
            if x.magnitude < Self.wholeLimit, Double(Int64(x)) == x {
                whole.add(Int64(x))
                return
            }
            switchToBuckets()
        }
        buckets.add(Metric.bucket(x))
    }

    /// n, mean, m2, min and max, kept elsewhere by `add`'s arithmetic in the same order.
    mutating func setMoments(n: Int, mean: Double, m2: Double, minimum: Double, maximum: Double) {
        self.n = n
        self.mean = mean
        self.m2 = m2
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Whether the quantiles are exact order statistics (else estimates within 0.1%).
    public var quantilesAreExact: Bool { !bucketed }

    public var variance: Double { n > 1 ? m2 / Double(n - 1) : 0 }
    public var sd: Double { variance.squareRoot() }

    /// The p-quantile by linear interpolation between order statistics (R's type 7, numpy's
    /// default): h = (n − 1)p, between the ⌊h⌋-th and ⌊h⌋+1-th smallest values.
    public func quantile(_ p: Double) -> Double { quantiles([p])[0] }

    /// The quantiles at levels `ps`, reading the histogram once.
    public func quantiles(_ ps: [Double]) -> [Double] {
        guard n > 0 else { return ps.map { _ in .nan } }
        let counts = sortedCounts()
        return ps.map { quantile($0, counts) }
    }

    private func quantile(_ p: Double, _ counts: [(Double, Int)]) -> Double {
        let h = Double(n - 1) * p
        let lower = Int(h.rounded(.down))
        let fraction = h - Double(lower)
        let a = orderStatistic(lower, counts)
        if fraction == 0 { return a }
        let b = orderStatistic(min(lower + 1, n - 1), counts)
        // ∞ (an action that never came, for an observation) stays ∞ rather than ∞ − ∞.
        if a == b || !a.isFinite || !b.isFinite { return fraction < 0.5 ? a : b }
        return a + fraction * (b - a)
    }

    /// The k-th smallest value (from 0): exact for whole values, a bucket's centre otherwise
    /// (the exact minimum and maximum at the ends). A centre is clamped to [min, max]: the
    /// bucket holding the maximum (180 days, say) has its centre above it (180.0625), and an
    /// estimate of a value no run reached would be wrong by more than the bucket's width says.
    func orderStatistic(_ k: Int) -> Double { orderStatistic(k, sortedCounts()) }

    private func orderStatistic(_ k: Int, _ counts: [(Double, Int)]) -> Double {
        if k == 0 { return minimum }
        if k == n - 1 { return maximum }
        var seen = 0
        for (value, count) in counts {
            seen += count
            if seen > k { return Swift.min(Swift.max(value, minimum), maximum) }
        }
        return maximum
    }

    private func sortedCounts() -> [(Double, Int)] {
        if bucketed {
            return buckets.entries.sorted { $0.key < $1.key }.map { (Metric.centre(ofBucket: $0.key), $0.count) }
        }
        var all = whole.entries.map { (Double($0.key), $0.count) }
        for v in tiny.indices where tiny[v] > 0 { all.append((Double(v), tiny[v])) }
        for (v, c) in small.enumerated() where c > 0 { all.append((Double(v), c)) }
        return all.sorted { $0.0 < $1.0 }
    }

    private mutating func switchToBuckets() {
        for v in tiny.indices where tiny[v] > 0 { buckets.add(Metric.bucket(Double(v)), times: tiny[v]) }
        for (v, c) in small.enumerated() where c > 0 { buckets.add(Metric.bucket(Double(v)), times: c) }
        for (v, c) in whole.entries { buckets.add(Metric.bucket(Double(v)), times: c) }
        bucketed = true
        tiny = InlineArray(repeating: 0)
        small = []
        whole = CountTable()
    }

    /// An order-preserving key: the sign, exponent and top 10 bits of the significand, so a
    /// bucket spans a relative width of at most 2⁻¹⁰.
    static func bucket(_ x: Double) -> Int64 {
        if x == 0 { return 0 }
        let key = Int64(bitPattern: x.magnitude.bitPattern >> 42) + 1
        return x < 0 ? -key : key
    }

    static func centre(ofBucket key: Int64) -> Double {
        if key == 0 { return 0 }
        let low = Double(bitPattern: UInt64(abs(key) - 1) << 42)
        if low.isInfinite { return key < 0 ? -low : low }
        let high = Double(bitPattern: (UInt64(abs(key)) << 42))
        let c = (low + high) / 2
        return key < 0 ? -c : c
    }
}

extension Metric {
    /// Runs whose value lies in [low, high): exact for whole-number metrics, by bucket otherwise.
    public func count(from low: Double, below high: Double) -> Int {
        var total = 0
        for (value, count) in sortedCounts() where value >= low && value < high { total += count }
        return total
    }
}
