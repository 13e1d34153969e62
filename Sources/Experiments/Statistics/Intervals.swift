import Stochastics

/// Confidence intervals for what a batch estimates.
public enum Interval {
    /// z for a two-sided 95% interval: the 0.975 quantile of the standard normal.
    public static let z95 = ReferenceQuantile.normal(0.975)

    /// Wilson score interval for a proportion of `successes` in `n` trials (Wilson 1927): good
    /// coverage even for proportions near 0 or 1, where the normal approximation fails.
    public static func wilson(successes: Int, n: Int, z: Double = z95) -> (low: Double, high: Double) {
        guard n > 0 else { return (0, 1) }
        let nn = Double(n), p = Double(successes) / nn, z2 = z * z
        let centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z / (1 + z2 / nn) * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        // At 0 or n successes the bound is exactly 0 or 1; computed, it would miss by rounding.
        return (successes == 0 ? 0 : max(0, centre - half), successes == n ? 1 : min(1, centre + half))
    }

    /// Student-t 95% interval of a mean from n draws with sample standard deviation `sd`.
    public static func mean(_ mean: Double, sd: Double, n: Int) -> (low: Double, high: Double) {
        guard n > 1 else { return (mean, mean) }
        let half = ReferenceQuantile.studentT(0.975, degreesOfFreedom: Double(n - 1)) * sd / Double(n).squareRoot()
        return (mean - half, mean + half)
    }
}
