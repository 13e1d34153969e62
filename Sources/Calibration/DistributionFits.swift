import Foundation
import Stochastics

/// A fitted two-parameter distribution with standard errors (NaN where not identified).
public struct DistributionFit: Sendable {
    public let n: Int
    public let first: Double
    public let second: Double
    public let firstError: Double
    public let secondError: Double
    public let logLikelihood: Double
    /// For a negative binomial: the data show no more spread than a Poisson, so the dispersion
    /// went to its upper bound.
    public let atBound: Bool
}

public enum DistributionFits {
    /// Upper bound of a negative binomial's dispersion: at it the distribution is a Poisson in
    /// all but name.
    public static let maximumDispersion = 1000.0

    /// Negative binomial (mean m, dispersion r, variance m + m²/r) by maximum likelihood.
    public static func negativeBinomial(_ counts: [Int]) -> DistributionFit? {
        guard !counts.isEmpty else { return nil }
        let ks = counts.map(Double.init)
        let mean = ks.reduce(0, +) / Double(ks.count)
        func negativeLogLikelihood(_ m: Double, _ r: Double) -> Double {
            guard m > 0, r > 0 else { return m == 0 && ks.allSatisfy({ $0 == 0 }) ? 0 : .infinity }
            return -ks.reduce(0) { sum, k in
                sum + SpecialFunction.logGamma(k + r) - SpecialFunction.logGamma(r) - SpecialFunction.logGamma(k + 1)
                    + r * log(r / (r + m)) + k * log(m / (r + m))
            }
        }
        if mean == 0 {
            return DistributionFit(n: ks.count, first: 0, second: maximumDispersion, firstError: .nan, secondError: .nan,
                                   logLikelihood: 0, atBound: true)
        }
        // The maximum-likelihood mean of a negative binomial is the sample mean, whatever the
        // dispersion; search the dispersion alone, on a log scale.
        let fit = Minimizer.nelderMead(start: [0], step: [1]) { theta in
            theta[0] < log(0.01) || theta[0] > log(maximumDispersion) ? .infinity
                : negativeLogLikelihood(mean, exp(theta[0]))
        }
        let m = mean, r = exp(fit.point[0])
        let atBound = r > maximumDispersion / 2
        let errors = ks.count < 2 ? [Double.nan, .nan]
            : HawkesFit.standardErrors(at: [m, r], free: atBound ? [0] : [0, 1]) { x in negativeLogLikelihood(x[0], x[1]) }
        return DistributionFit(n: ks.count, first: m, second: atBound ? maximumDispersion : r, firstError: errors[0],
                               secondError: errors[1], logLikelihood: -fit.value, atBound: atBound)
    }

    /// Gamma (shape k, scale θ) by maximum likelihood; values must be positive.
    public static func gamma(_ values: [Double]) -> DistributionFit? {
        guard values.count >= 2, values.allSatisfy({ $0 > 0 }) else { return nil }
        let n = Double(values.count)
        let sumLog = values.reduce(0) { $0 + log($1) }, sum = values.reduce(0, +)
        func negativeLogLikelihood(_ k: Double, _ theta: Double) -> Double {
            guard k > 0, theta > 0 else { return .infinity }
            return -((k - 1) * sumLog - sum / theta - n * k * log(theta) - n * SpecialFunction.logGamma(k))
        }
        let mean = sum / n
        let fit = Minimizer.nelderMead(start: [0, log(mean)], step: [0.5, 0.5]) { t in
            negativeLogLikelihood(exp(t[0]), exp(t[1]))
        }
        let k = exp(fit.point[0]), theta = exp(fit.point[1])
        let errors = HawkesFit.standardErrors(at: [k, theta], free: [0, 1]) { x in negativeLogLikelihood(x[0], x[1]) }
        return DistributionFit(n: values.count, first: k, second: theta, firstError: errors[0], secondError: errors[1],
                               logLikelihood: -fit.value, atBound: false)
    }
}
