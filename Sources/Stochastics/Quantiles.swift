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
