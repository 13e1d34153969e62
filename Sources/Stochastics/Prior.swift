import CGSL
import Foundation

/// A prior distribution for a calibrated parameter, with what calibration needs of it: draws,
/// density, quantiles, and a map to the whole real line (so a Gaussian proposal never leaves
/// the prior's support).
///
/// Every distribution here is proper and continuous; densities, quantiles and draws are GSL's.
public struct Prior: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// Uniform on [a, b].
        case uniform
        /// Uniform in log on [a, b] (0 < a < b): equal odds for each factor of ten.
        case logUniform = "log_uniform"
        /// Beta(a, b) on [0, 1]: a probability.
        case beta
        /// Log-normal with median `a` and log-scale standard deviation `b`.
        case lognormal
        /// Gamma with shape `a` and mean `b`.
        case gamma
        /// Normal with mean `a` and standard deviation `b`.
        case normal
    }

    public let kind: Kind
    public let a: Double
    public let b: Double

    /// Checks the parameters; nil with a message naming what was expected.
    public init(kind: Kind, a: Double, b: Double) throws(PriorError) {
        guard a.isFinite, b.isFinite else { throw PriorError(expected: "finite numbers", found: "\(a), \(b)") }
        switch kind {
        case .uniform where a >= b:
            throw PriorError(expected: "a lower end below the upper end", found: "[\(format(a)), \(format(b))]")
        case .logUniform where !(a > 0 && a < b):
            throw PriorError(expected: "0 < lower end < upper end", found: "[\(format(a)), \(format(b))]")
        case .beta where !(a > 0 && b > 0):
            throw PriorError(expected: "two shape parameters greater than 0", found: "[\(format(a)), \(format(b))]")
        case .lognormal where !(a > 0 && b > 0):
            throw PriorError(expected: "a median and a sigma greater than 0", found: "median \(format(a)), sigma \(format(b))")
        case .gamma where !(a > 0 && b > 0):
            throw PriorError(expected: "a shape and a mean greater than 0", found: "shape \(format(a)), mean \(format(b))")
        case .normal where !(b > 0):
            throw PriorError(expected: "a standard deviation greater than 0", found: format(b))
        default: break
        }
        self.kind = kind
        self.a = a
        self.b = b
    }

    public var description: String {
        switch kind {
        case .uniform: "uniform(\(format(a)), \(format(b)))"
        case .logUniform: "log-uniform(\(format(a)), \(format(b)))"
        case .beta: "beta(\(format(a)), \(format(b)))"
        case .lognormal: "lognormal(median \(format(a)), sigma \(format(b)))"
        case .gamma: "gamma(shape \(format(a)), mean \(format(b)))"
        case .normal: "normal(mean \(format(a)), sd \(format(b)))"
        }
    }

    /// The smallest and largest values the prior allows.
    public var support: ClosedRange<Double> {
        switch kind {
        case .uniform, .logUniform: a...b
        case .beta: 0...1
        case .lognormal, .gamma: 0...Double.infinity
        case .normal: -Double.infinity...Double.infinity
        }
    }

    public func sample(_ stream: RandomStream) -> Double {
        let g = stream.gslGenerator
        switch kind {
        case .uniform: return gsl_ran_flat(g, a, b)
        case .logUniform: return exp(gsl_ran_flat(g, log(a), log(b)))
        case .beta: return gsl_ran_beta(g, a, b)
        case .lognormal: return gsl_ran_lognormal(g, log(a), b)
        case .gamma: return gsl_ran_gamma(g, a, b / a)
        case .normal: return a + gsl_ran_gaussian(g, b)
        }
    }

    public func density(_ x: Double) -> Double {
        gslErrorHandlerOff
        guard support.contains(x) else { return 0 }
        switch kind {
        case .uniform: return 1 / (b - a)
        case .logUniform: return 1 / (x * (log(b) - log(a)))
        case .beta: return gsl_ran_beta_pdf(x, a, b)
        case .lognormal: return gsl_ran_lognormal_pdf(x, log(a), b)
        case .gamma: return gsl_ran_gamma_pdf(x, a, b / a)
        case .normal: return gsl_ran_gaussian_pdf(x - a, b)
        }
    }

    public func quantile(_ p: Double) -> Double {
        gslErrorHandlerOff
        switch kind {
        case .uniform: return a + p * (b - a)
        case .logUniform: return exp(log(a) + p * (log(b) - log(a)))
        case .beta: return gsl_cdf_beta_Pinv(p, a, b)
        case .lognormal: return gsl_cdf_lognormal_Pinv(p, log(a), b)
        case .gamma: return gsl_cdf_gamma_Pinv(p, a, b / a)
        case .normal: return a + gsl_cdf_gaussian_Pinv(p, b)
        }
    }

    public var median: Double { quantile(0.5) }

    public var variance: Double {
        switch kind {
        case .uniform: return (b - a) * (b - a) / 12
        case .logUniform:
            let l = log(b) - log(a)
            return (b * b - a * a) / (2 * l) - pow((b - a) / l, 2)
        case .beta: return a * b / ((a + b) * (a + b) * (a + b + 1))
        case .lognormal: return (exp(b * b) - 1) * exp(2 * log(a) + b * b)
        case .gamma: return b * b / a
        case .normal: return b * b
        }
    }

    /// The scale on which the prior is least skewed, where its spread is compared with the
    /// posterior's to say whether the data informed a parameter: the value itself for a
    /// probability, a uniform range or a normal; its logarithm for a rate or a mean.
    public func identificationScale(_ x: Double) -> Double {
        switch kind {
        case .uniform, .beta, .normal: x
        case .logUniform, .lognormal, .gamma: log(x)
        }
    }

    // MARK: The unconstrained scale
    //
    // Bounded priors map by logit, positive ones by log, the normal not at all. A proposal is a
    // Gaussian step on this scale; importance weights need the prior density there, which is
    // the density times the Jacobian |dθ/du|.

    public func unconstrained(_ x: Double) -> Double {
        switch kind {
        case .uniform: return logit((x - a) / (b - a))
        case .logUniform: return logit((log(x) - log(a)) / (log(b) - log(a)))
        case .beta: return logit(x)
        // A gamma draw with a small shape can underflow to 0; keep it finite.
        case .lognormal, .gamma: return log(max(x, Double.leastNormalMagnitude))
        case .normal: return x
        }
    }

    public func constrained(_ u: Double) -> Double {
        switch kind {
        case .uniform: return a + (b - a) * logistic(u)
        case .logUniform: return exp(log(a) + (log(b) - log(a)) * logistic(u))
        case .beta: return logistic(u)
        case .lognormal, .gamma: return exp(u)
        case .normal: return u
        }
    }

    /// log of the prior density on the unconstrained scale at u: the density times the Jacobian
    /// |dθ/du|, written directly on the log scale so that it stays finite where θ rounds to a
    /// bound (a logistic of 40 is 1 in floating point, yet its log-Jacobian is −40).
    public func logDensityUnconstrained(_ u: Double) -> Double {
        // log σ(u) and log(1 − σ(u)).
        let logP = -softplus(-u), logQ = -softplus(u)
        switch kind {
        case .uniform, .logUniform:
            // The density on θ and the Jacobian cancel but for σ(u)(1 − σ(u)).
            return logP + logQ
        case .beta:
            return a * logP + b * logQ - (lgamma(a) + lgamma(b) - lgamma(a + b))
        case .lognormal:
            let z = (u - log(a)) / b
            return -0.5 * z * z - log(b) - 0.5 * log(2 * Double.pi)
        case .gamma:
            let scale = b / a
            return a * u - exp(u) / scale - lgamma(a) - a * log(scale)
        case .normal:
            let z = (u - a) / b
            return -0.5 * z * z - log(b) - 0.5 * log(2 * Double.pi)
        }
    }

    func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-15), 1 - 1e-15)
        return log(q / (1 - q))
    }

    func logistic(_ u: Double) -> Double { 1 / (1 + exp(-u)) }

    /// log(1 + eˣ) without overflow or loss of precision.
    func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
}

public struct PriorError: Error, Sendable {
    public let expected: String
    public let found: String
}

extension RandomStream {
    /// A normal draw with mean 0 and standard deviation `sd` (`gsl_ran_gaussian`).
    public func gaussian(sd: Double = 1) -> Double { gsl_ran_gaussian(gslGenerator, sd) }
}
