import Stochastics

/// A scenario's calibrated parameters as the simulator sees them: slots that expressions read
/// (`ExpressionOp.parameter`), filled before each run either with fixed values or with one draw
/// of a posterior sample.
public struct ParameterSlots: Sendable, Equatable {
    /// Slot order.
    public let names: [String]
    /// Values used when a run is given no draw: the posterior medians, or the prior medians of a
    /// scenario not yet calibrated.
    public let pointValues: [Double]
    /// When present, replication seeds choose draws from it (see `Posterior.drawIndex`).
    public let posterior: Posterior?

    public init(names: [String], pointValues: [Double], posterior: Posterior? = nil) {
        precondition(names.count == pointValues.count, "one point value per parameter")
        precondition(posterior.map { $0.names == names } ?? true, "the posterior's columns are the slots")
        self.names = names
        self.pointValues = pointValues
        self.posterior = posterior
    }

    public static let none = ParameterSlots(names: [], pointValues: [])

    public var count: Int { names.count }
}

/// A weighted sample of parameter vectors, one row a draw (as `escalation calibrate` writes it).
public struct Posterior: Sendable, Equatable {
    public let names: [String]
    /// Draw-major: draw d's value of parameter p is `values[d * names.count + p]`.
    public let values: [Double]
    /// Normalized to sum to 1.
    public let weights: [Double]
    /// Running sums of `weights`, the last exactly 1.
    let cumulative: [Double]

    /// - Precondition: `values.count == weights.count * names.count`, weights ≥ 0 with a positive sum.
    public init(names: [String], values: [Double], weights: [Double]) {
        precondition(values.count == weights.count * names.count && !weights.isEmpty)
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 })
        self.names = names
        self.values = values
        self.weights = weights.map { $0 / total }
        var running = 0.0
        var sums = self.weights.map { w -> Double in running += w; return running }
        sums[sums.count - 1] = 1
        self.cumulative = sums
    }

    public var count: Int { weights.count }

    public func draw(_ d: Int) -> ArraySlice<Double> { values[(d * names.count)..<((d + 1) * names.count)] }

    public func value(draw d: Int, parameter p: Int) -> Double { values[d * names.count + p] }

    /// The draw a replication with this seed uses: a weighted choice from a uniform number made
    /// from the seed by its own hash, so it depends only on `(master seed, replication)` and
    /// draws nothing from the run's stream.
    public func drawIndex(forSeed seed: UInt64) -> Int {
        let u = Double(SplitMix64.mix(seed ^ 0xA076_1D64_78BD_642F) >> 11) * 0x1p-53
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > u { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Kish's effective sample size of the weights: (Σw)² / Σw².
    public var effectiveSampleSize: Double { 1 / weights.reduce(0) { $0 + $1 * $1 } }

    public func mean(_ p: Int) -> Double {
        (0..<count).reduce(0) { $0 + weights[$1] * value(draw: $1, parameter: p) }
    }

    public func variance(_ p: Int) -> Double {
        let m = mean(p)
        return (0..<count).reduce(0) { $0 + weights[$1] * (value(draw: $1, parameter: p) - m) * (value(draw: $1, parameter: p) - m) }
    }

    /// The weighted q-quantile of parameter p: the smallest value whose weighted share of the
    /// sample at or below it reaches q.
    public func quantile(_ p: Int, _ q: Double) -> Double {
        let order = (0..<count).sorted { value(draw: $0, parameter: p) < value(draw: $1, parameter: p) }
        var running = 0.0
        for d in order {
            running += weights[d]
            if running >= q - 1e-12 { return value(draw: d, parameter: p) }
        }
        return value(draw: order.last!, parameter: p)
    }

    /// Weighted share of the sample strictly below `x` (a probability integral transform).
    public func share(_ p: Int, below x: Double) -> Double {
        (0..<count).reduce(0) { $0 + (value(draw: $1, parameter: p) < x ? weights[$1] : 0) }
    }
}
