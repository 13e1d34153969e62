import CGSL

/// Quantiles of reference distributions, from GSL's cumulative distribution functions.
public enum ReferenceQuantile {
    /// The p-quantile of Student's t with `degreesOfFreedom` (> 0).
    public static func studentT(_ p: Double, degreesOfFreedom: Double) -> Double {
        gslErrorHandlerOff
        return gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
    }

    /// The p-quantile of the standard normal.
    public static func normal(_ p: Double) -> Double {
        gslErrorHandlerOff
        return gsl_cdf_ugaussian_Pinv(p)
    }

    /// The p-quantile of the chi-squared distribution.
    public static func chiSquared(_ p: Double, degreesOfFreedom: Double) -> Double {
        gslErrorHandlerOff
        return gsl_cdf_chisq_Pinv(p, degreesOfFreedom)
    }
}

/// Tail probabilities of reference distributions, for the p-values of paired comparisons.
public enum ReferenceProbability {
    /// P(|T| ≥ |t|) for Student's t with `degreesOfFreedom`: a two-sided p-value.
    public static func studentTTwoSided(_ t: Double, degreesOfFreedom: Double) -> Double {
        gslErrorHandlerOff
        return min(1, 2 * gsl_cdf_tdist_Q(abs(t), degreesOfFreedom))
    }

    /// P(X ≤ k) for X binomial with `trials` and success probability `p`.
    public static func binomialAtMost(_ k: Int, trials: Int, p: Double) -> Double {
        gslErrorHandlerOff
        return gsl_cdf_binomial_P(UInt32(clamping: k), p, UInt32(clamping: trials))
    }
}
