import Experiments
import Foundation
import Record
import Testing

/// The numbers a summary reports, against known values and direct computations.
struct StatisticsTests {
    /// Wilson score intervals without continuity correction, as published in Newcombe (1998),
    /// "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17,
    /// Table II, method 3, to four decimals.
    @Test(arguments: [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)])
    func wilsonIntervalsMatchPublishedValues(successes: Int, n: Int, low: Double, high: Double) {
        let interval = Interval.wilson(successes: successes, n: n)
        #expect(abs(interval.low - low) < 0.00005)
        #expect(abs(interval.high - high) < 0.00005)
    }

    @Test func wilsonBoundsAreExactAtZeroAndAll() {
        #expect(Interval.wilson(successes: 0, n: 50).low == 0)
        #expect(Interval.wilson(successes: 50, n: 50).high == 1)
    }

    @Test func meanIntervalUsesStudentT() {
        // t(0.975, 9) = 2.262157; half width = t · sd / sqrt(n).
        let interval = Interval.mean(10, sd: 2, n: 10)
        #expect(abs(interval.high - (10 + 2.2621571627982 * 2 / 10.0.squareRoot())) < 1e-9)
    }

    /// Type-7 quantiles computed directly from sorted values.
    func directQuantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    @Test func metricsOfWholeNumbersAreExact() {
        var metric = Metric()
        var generator = LinearCongruential(state: 11)
        var values: [Double] = []
        for _ in 0..<5001 {
            let v = Double(generator.next() % 40) + (generator.next() % 10 == 0 ? 5000 : 0)
            values.append(v)
            metric.add(v)
        }
        let sorted = values.sorted()
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        #expect(metric.quantilesAreExact)
        #expect(abs(metric.mean - mean) < 1e-9 * abs(mean))
        #expect(abs(metric.variance - variance) < 1e-9 * variance)
        #expect(metric.minimum == sorted.first && metric.maximum == sorted.last)
        for p in [0.05, 0.25, 0.5, 0.75, 0.95] { #expect(metric.quantile(p) == directQuantile(sorted, p), "p = \(p)") }
    }

    /// Thousands of distinct whole values outside 0..<4096 (negative, large) stay exact through
    /// every growth of their count table; `quantiles` reads the same as `quantile`.
    @Test func manyDistinctWholeNumbersStayExact() {
        var metric = Metric()
        var generator = LinearCongruential(state: 3)
        var values: [Double] = []
        for _ in 0..<30_000 {
            let v = Double(Int(generator.next() % 200_000) - 100_000)
            values.append(v)
            metric.add(v)
        }
        #expect(metric.quantilesAreExact)
        let sorted = values.sorted()
        let levels = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]
        #expect(metric.quantiles(levels) == levels.map { directQuantile(sorted, $0) })
        #expect(metric.quantiles(levels) == levels.map { metric.quantile($0) })
        #expect(metric.count(from: -50_000, below: 50_000) == values.filter { $0 >= -50_000 && $0 < 50_000 }.count)
    }

    /// Whole numbers counted before the first fraction keep their counts once the metric
    /// switches to buckets, the smallest (held apart, in the metric itself) as the others.
    @Test func countsOfWholeNumbersSurviveTheSwitchToBuckets() {
        var metric = Metric()
        var values: [Double] = []
        for k in 0..<600 { values.append(Double(k % 40)) }
        values += [0.5, 7.25, 3]
        for v in values { metric.add(v) }
        #expect(!metric.quantilesAreExact)
        #expect(metric.count(from: 0, below: 16) == values.filter { $0 < 16 }.count)
        #expect(metric.count(from: 16, below: 40) == values.filter { $0 >= 16 }.count)
        #expect(metric.n == values.count)
    }

    @Test func metricsOfRealNumbersEstimateQuantilesWithinATenthOfAPercent() {
        var metric = Metric()
        var generator = LinearCongruential(state: 5)
        var values: [Double] = []
        for _ in 0..<20_000 {
            let v = Double(generator.next() % 1_000_000) / 997.0 - 300
            values.append(v)
            metric.add(v)
        }
        #expect(!metric.quantilesAreExact)
        let sorted = values.sorted()
        for p in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let exact = directQuantile(sorted, p)
            #expect(abs(metric.quantile(p) - exact) <= 0.001 * abs(exact) + 1e-9, "p = \(p)")
        }
    }

    /// Most runs end at the horizon (180 days): the bucket holding 180 has its centre at 180.0625,
    /// and the negative minimum's bucket centre lies below it. Quantiles stay within [min, max]:
    /// where the order statistics are the extremes they are the extremes themselves.
    @Test func quantilesOfValuesClusteredAtTheEndsStayWithinMinAndMax() {
        var metric = Metric()
        var values: [Double] = []
        for k in 0..<1000 {
            let v = k < 700 ? 180.0 : k < 800 ? -3.0 : 12.3 + 1.7 * Double(k % 97)
            values.append(v)
            metric.add(v)
        }
        #expect(!metric.quantilesAreExact)
        #expect(metric.minimum == -3 && metric.maximum == 180)
        for p in [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1] {
            let q = metric.quantile(p)
            #expect(q >= -3 && q <= 180, "p = \(p): \(q)")
        }
        // R type 7 on the sorted values: 100 values of −3, 200 in between, 700 of 180.
        #expect(metric.quantile(0.05) == -3)
        #expect(metric.quantile(0.5) == 180 && metric.quantile(0.75) == 180 && metric.quantile(0.95) == 180)
        let sorted = values.sorted()
        #expect(abs(metric.quantile(0.25) - directQuantile(sorted, 0.25)) <= 0.001 * directQuantile(sorted, 0.25))
    }

    /// An observation of an action that never came is +∞: quantiles past the finite runs are
    /// ∞ (not NaN) and the mean is undefined.
    @Test func infiniteValuesGiveInfiniteQuantiles() {
        var metric = Metric()
        for v in [0.5, 1.25, 2.75, 3.5, .infinity, .infinity] { metric.add(v) }
        // h = (n − 1)p: 0.25 between 0.5 and 1.25; 1.25 between 1.25 and 2.75 (bucket centres).
        #expect(abs(metric.quantile(0.05) - 0.6875) <= 0.001 * 0.6875)
        #expect(abs(metric.quantile(0.25) - 1.625) <= 0.001 * 1.625)
        #expect(metric.quantile(0.95) == .infinity)
        #expect(metric.maximum == .infinity)
        #expect(metric.mean.isNaN)
        var whole = Metric()
        for v in [1.0, 2, 3, .infinity] { whole.add(v) }
        #expect(abs(whole.quantile(0.5) - 2.5) <= 0.001 * 2.5 && whole.quantile(0.95) == .infinity)
    }

    @Test func sha256MatchesTheStandardTestVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func shardsCoverEveryRunExactlyOnce() throws {
        for runs in [1, 7, 100, 1001] {
            for count in 1...min(runs, 9) {
                let ranges = (1...count).map { Shard(index: $0, count: count).range(ofRuns: runs) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == runs)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                #expect(ranges.allSatisfy { abs($0.count - runs / count) <= 1 })
            }
        }
    }

    @Test func shardIndicesComeFromTheSchedulersEnvironment() throws {
        #expect(try Shard(parsing: "2/5") == Shard(index: 2, count: 5))
        #expect(try Shard(parsing: "auto/4", environment: ["JOB_COMPLETION_INDEX": "0"]) == Shard(index: 1, count: 4))
        #expect(try Shard(parsing: "auto/4", environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1"])
                == Shard(index: 4, count: 4))
        #expect(try Shard(parsing: "auto/4", environment: ["SLURM_ARRAY_TASK_ID": "3"]) == Shard(index: 4, count: 4))
        #expect(throws: Shard.ParseError.self) { try Shard(parsing: "auto/4", environment: [:]) }
        #expect(throws: Shard.ParseError.self) { try Shard(parsing: "5/4") }
        #expect(throws: Shard.ParseError.self) { try Shard(parsing: "0/4") }
        #expect(throws: Shard.ParseError.self) { try Shard(parsing: "1-4") }
    }

    @Test func sweepValuesAreComputedNotAccumulated() throws {
        #expect(try Vary(parsing: "a.b=0:1:0.1").values == [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
        #expect(try Vary(parsing: "a.b=2:2:1").values == [2])
        #expect(throws: BatchError.self) { try Vary(parsing: "a.b=1:0:1") }
        #expect(throws: BatchError.self) { try Vary(parsing: "a.b=0:1") }
    }
}

/// A small deterministic generator for test data.
struct LinearCongruential {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
