import CGSL
import Foundation

/// A probability distribution a scenario can name, with numeric parameters.
///
/// Parameters are stored positionally in `a` and `b`; `Kind` documents what each means. Sampling
/// always goes through GSL (`gsl_ran_*`) on a `RandomStream`. Invalid parameters are refused by
/// `validate()`; `sample` additionally clamps them into their domain (a parameter computed by an
/// expression at run time may stray), so it never traps and never loops.
public struct Distribution: Sendable, Equatable {
    public enum Kind: UInt8, Sendable, CaseIterable, BitwiseCopyable {
        /// Always `a`.
        case fixed
        /// Uniform on [a, b).
        case uniform
        /// Exponential with mean `a`.
        case exponential
        /// Gamma with shape `a` and scale `b` (mean a·b).
        case gamma
        /// Log-normal: exp(N(a, b²)), i.e. `a` = μ and `b` = σ on the log scale.
        case lognormal
        /// Poisson with mean `a`.
        case poisson
        /// Negative binomial with mean `a` and dispersion `b` (variance a + a²/b).
        case negativeBinomial
        /// 1 with probability `a`, else 0.
        case bernoulli
        /// One of `table.values`, with probabilities proportional to `table.weights`.
        case discrete

        /// The name used in scenario files.
        public var name: String {
            switch self {
            case .fixed: "fixed"
            case .uniform: "uniform"
            case .exponential: "exponential"
            case .gamma: "gamma"
            case .lognormal: "lognormal"
            case .poisson: "poisson"
            case .negativeBinomial: "negative_binomial"
            case .bernoulli: "bernoulli"
            case .discrete: "discrete"
            }
        }

        /// Whether every draw is a whole number (casualty counts may use any kind; these need no
        /// rounding).
        public var isIntegerValued: Bool {
            switch self {
            case .poisson, .negativeBinomial, .bernoulli: true
            default: false
            }
        }
    }

    /// The largest mean a Poisson or negative-binomial draw may have (a million casualties or
    /// events in one draw is beyond anything this model describes). Larger means are refused
    /// when a scenario is loaded, and end a run as `invalid` when an expression computes one.
    public static let maximumCountMean = 1e6

    public var kind: Kind
    public var a: Double
    public var b: Double
    public var table: DiscreteTable?

    public init(kind: Kind, a: Double = 0, b: Double = 0, table: DiscreteTable? = nil) {
        self.kind = kind
        self.a = a
        self.b = b
        self.table = table
    }

    public static func fixed(_ value: Double) -> Distribution { .init(kind: .fixed, a: value) }
    public static func uniform(min: Double, max: Double) -> Distribution { .init(kind: .uniform, a: min, b: max) }
    public static func exponential(mean: Double) -> Distribution { .init(kind: .exponential, a: mean) }
    public static func gamma(shape: Double, scale: Double) -> Distribution { .init(kind: .gamma, a: shape, b: scale) }
    public static func lognormal(mu: Double, sigma: Double) -> Distribution { .init(kind: .lognormal, a: mu, b: sigma) }
    public static func poisson(mean: Double) -> Distribution { .init(kind: .poisson, a: mean) }
    public static func negativeBinomial(mean: Double, dispersion: Double) -> Distribution {
        .init(kind: .negativeBinomial, a: mean, b: dispersion)
    }
    public static func bernoulli(_ p: Double) -> Distribution { .init(kind: .bernoulli, a: p) }
    public static func discrete(_ table: DiscreteTable) -> Distribution { .init(kind: .discrete, table: table) }

    public func sample(_ stream: RandomStream) -> Double {
        Distribution.sample(kind, a, b, table?.gslTable, table?.valuePointer, stream)
    }

    /// The one sampling routine, shared with the simulator's precompiled draws. Parameters out of
    /// their domain are clamped: a non-positive mean, rate, shape or scale gives 0.
    @inlinable
    public static func sample(
        _ kind: Kind, _ a: Double, _ b: Double,
        _ table: OpaquePointer?, _ values: UnsafePointer<Double>?,
        _ stream: RandomStream
    ) -> Double {
        switch kind {
        case .fixed:
            return a
        case .uniform:
            return b > a ? stream.flat(a, b) : a
        case .exponential:
            return a > 0 ? stream.exponential(mean: a) : 0
        case .gamma:
            return a > 0 && b > 0 ? stream.gamma(shape: a, scale: b) : 0
        case .lognormal:
            return stream.lognormal(mu: a, sigma: max(b, 0))
        case .poisson:
            return a > 0 ? stream.poisson(mean: a) : 0
        case .negativeBinomial:
            return a > 0 && b > 0 ? stream.negativeBinomial(mean: a, dispersion: b) : 0
        case .bernoulli:
            return stream.bernoulli(a) ? 1 : 0
        case .discrete:
            guard let table, let values else { return 0 }
            return values[stream.discreteIndex(table)]
        }
    }

    /// The analytic mean.
    public var mean: Double {
        switch kind {
        case .fixed: a
        case .uniform: (a + b) / 2
        case .exponential: a
        case .gamma: a * b
        case .lognormal: exp(a + b * b / 2)
        case .poisson: a
        case .negativeBinomial: a
        case .bernoulli: a
        case .discrete: table?.mean ?? 0
        }
    }

    /// The analytic variance.
    public var variance: Double {
        switch kind {
        case .fixed: 0
        case .uniform: (b - a) * (b - a) / 12
        case .exponential: a * a
        case .gamma: a * b * b
        case .lognormal: (exp(b * b) - 1) * exp(2 * a + b * b)
        case .poisson: a
        case .negativeBinomial: a + a * a / b
        case .bernoulli: a * (1 - a)
        case .discrete: table?.variance ?? 0
        }
    }

    /// The smallest value a draw can take.
    public var minimum: Double {
        switch kind {
        case .fixed, .uniform: a
        case .exponential, .gamma, .lognormal, .poisson, .negativeBinomial, .bernoulli: 0
        case .discrete: table?.values.min() ?? 0
        }
    }

    /// What is wrong with the parameters, if anything, in the words of a diagnostic: what was
    /// expected ("shape greater than 0") and what was found ("-1").
    public func validate() -> (expected: String, found: String)? {
        func positive(_ x: Double, _ name: String) -> (expected: String, found: String)? {
            x > 0 && x.isFinite ? nil : ("\(name) greater than 0", format(x))
        }
        func nonNegative(_ x: Double, _ name: String) -> (expected: String, found: String)? {
            x >= 0 && x.isFinite ? nil : ("\(name) of 0 or more", format(x))
        }
        func atMost(_ x: Double, _ limit: Double, _ name: String) -> (expected: String, found: String)? {
            x <= limit ? nil : ("\(name) of at most \(format(limit))", format(x))
        }
        func finite(_ x: Double, _ name: String) -> (expected: String, found: String)? {
            x.isFinite ? nil : ("\(name) a finite number", format(x))
        }
        switch kind {
        case .fixed:
            return finite(a, "value")
        case .uniform:
            if let e = finite(a, "min") ?? finite(b, "max") { return e }
            return a <= b ? nil : ("min no greater than max", "min \(format(a)) and max \(format(b))")
        case .exponential:
            return positive(a, "mean")
        case .gamma:
            return positive(a, "shape") ?? positive(b, "scale")
        case .lognormal:
            return finite(a, "mu") ?? nonNegative(b, "sigma")
        case .poisson:
            return nonNegative(a, "mean") ?? atMost(a, Self.maximumCountMean, "mean")
        case .negativeBinomial:
            return nonNegative(a, "mean") ?? atMost(a, Self.maximumCountMean, "mean") ?? positive(b, "dispersion")
        case .bernoulli:
            return a >= 0 && a <= 1 ? nil : ("probability from 0 to 1", format(a))
        case .discrete:
            return table == nil ? ("a table of values and weights", "none") : nil
        }
    }

    public static func == (lhs: Distribution, rhs: Distribution) -> Bool {
        lhs.kind == rhs.kind && lhs.a == rhs.a && lhs.b == rhs.b && lhs.table === rhs.table
    }
}

/// Shortest decimal form of a number for messages: 2 rather than 2.0.
public func format(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
