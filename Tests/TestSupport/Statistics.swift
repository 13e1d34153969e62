import Foundation

/// Tolerances for statistical tests, derived from the sample size rather than picked by hand.
/// A check passes when the estimate lies within `z` standard errors of the exact value; with the
/// default z = 5 a correct model fails about once in 1.7 million checks (and the seeds are
/// fixed, so a test that passes keeps passing).
public enum Tolerance {
    public static let z = 5.0

    /// Standard error of a mean of `n` draws with standard deviation `sd`.
    public static func mean(sd: Double, n: Int) -> Double { z * sd / Double(n).squareRoot() }

    /// Standard error of a sample variance of `n` draws from a distribution with variance σ² and
    /// fourth central moment μ₄: sqrt((μ₄ − σ⁴ (n−3)/(n−1)) / n).
    public static func variance(variance: Double, fourthMoment: Double, n: Int) -> Double {
        let n = Double(n)
        return z * ((fourthMoment - variance * variance * (n - 3) / (n - 1)) / n).squareRoot()
    }

    /// Standard error of a proportion estimated from `n` trials.
    public static func proportion(_ p: Double, n: Int) -> Double { z * (p * (1 - p) / Double(n)).squareRoot() }
}

public struct Summary {
    public let n: Int
    public let mean: Double
    public let variance: Double

    public init(_ xs: [Double]) {
        let m = xs.reduce(0, +) / Double(xs.count)
        n = xs.count
        mean = m
        variance = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }

    public var sd: Double { variance.squareRoot() }

    /// Whether the mean is within the tolerance of `expected` for draws of standard deviation `sd`.
    public func meanMatches(_ expected: Double, sd: Double) -> Bool {
        abs(mean - expected) <= Tolerance.mean(sd: sd, n: n)
    }
}
