/// n, mean, m2 (Welford's), min and max of many metrics side by side, each updated exactly as
/// `Metric.add` updates its own, so a row's values go in by one short loop. Welford's division
/// is the slowest step of a summary; the metrics' divisions do not depend on one another, and
/// in a short loop the processor overlaps them (in `Metric.add`, between the parsing of one
/// value and the next, it could not).
final class MomentColumns {
    let count: Int
    private(set) var n = 0
    private let mean, m2, minimum, maximum: UnsafeMutablePointer<Double>

    init(count: Int) {
        self.count = count
        func filled(_ x: Double) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
            p.initialize(repeating: x, count: max(count, 1))
            return p
        }
        mean = filled(0)
        m2 = filled(0)
        minimum = filled(.infinity)
        maximum = filled(-.infinity)
    }

    deinit {
        for p in [mean, m2, minimum, maximum] { p.deallocate() }
    }

    /// Adds one value to each metric: `values[k]` to metric k.
    @inline(__always)
    func add(_ values: UnsafePointer<Double>) {
        n += 1
        let d = Double(n)
        for k in 0..<count {
            let x = values[k]
            let delta = x - mean[k]
            let m = mean[k] + delta / d
            mean[k] = m
            m2[k] += delta * (x - m)
            if x < minimum[k] { minimum[k] = x }
            if x > maximum[k] { maximum[k] = x }
        }
    }

    /// Gives metric k its moments, as `metrics[first + k]`.
    func store(into metrics: inout [Metric], from first: Int) {
        for k in 0..<count {
            metrics[first + k].setMoments(n: n, mean: mean[k], m2: m2[k], minimum: minimum[k], maximum: maximum[k])
        }
    }
}
