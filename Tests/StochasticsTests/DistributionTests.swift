import Foundation
import Stochastics
import TestSupport
import Testing

/// `gsl_ran_*` on our generator: sample mean and variance against the analytic values, within
/// tolerances from the sample size (the variance's from the fourth central moment).
struct DistributionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let distribution: Distribution
        let mean: Double
        let variance: Double
        let fourthMoment: Double
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        cases.append(Case(name: "fixed 3", distribution: .fixed(3), mean: 3, variance: 0, fourthMoment: 0))
        cases.append(Case(name: "uniform(1, 4)", distribution: .uniform(min: 1, max: 4), mean: 2.5, variance: 0.75,
                          fourthMoment: pow(3, 4) / 80))
        cases.append(Case(name: "exponential(mean 2)", distribution: .exponential(mean: 2), mean: 2, variance: 4,
                          fourthMoment: 9 * 16))
        let (k, theta) = (2.0, 1.5)
        cases.append(Case(name: "gamma(2, 1.5)", distribution: .gamma(shape: k, scale: theta), mean: k * theta,
                          variance: k * theta * theta, fourthMoment: 3 * k * (k + 2) * pow(theta, 4)))
        let (mu, sigma) = (0.5, 0.4)
        let lnVar = (exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma)
        let lnKurt = exp(4 * sigma * sigma) + 2 * exp(3 * sigma * sigma) + 3 * exp(2 * sigma * sigma) - 3
        cases.append(Case(name: "lognormal(0.5, 0.4)", distribution: .lognormal(mu: mu, sigma: sigma),
                          mean: exp(mu + sigma * sigma / 2), variance: lnVar, fourthMoment: lnKurt * lnVar * lnVar))
        cases.append(Case(name: "poisson(3.5)", distribution: .poisson(mean: 3.5), mean: 3.5, variance: 3.5,
                          fourthMoment: 3.5 * (1 + 3 * 3.5)))
        let (m, r) = (4.0, 1.5)
        let p = r / (r + m)
        let nbVar = m + m * m / r
        cases.append(Case(name: "negative_binomial(mean 4, dispersion 1.5)",
                          distribution: .negativeBinomial(mean: m, dispersion: r), mean: m, variance: nbVar,
                          fourthMoment: (3 + 6 / r + p * p / (r * (1 - p))) * nbVar * nbVar))
        cases.append(Case(name: "bernoulli(0.3)", distribution: .bernoulli(0.3), mean: 0.3, variance: 0.21,
                          fourthMoment: 0.3 * 0.7 * (1 - 3 * 0.3 + 3 * 0.09)))
        let table = try! DiscreteTable(values: [0, 1, 5], weights: [5, 3, 2])
        let dm = 0.3 + 1.0
        let dv = [0.0, 1, 5].enumerated().reduce(0.0) { $0 + [0.5, 0.3, 0.2][$1.offset] * pow($1.element - dm, 2) }
        let d4 = [0.0, 1, 5].enumerated().reduce(0.0) { $0 + [0.5, 0.3, 0.2][$1.offset] * pow($1.element - dm, 4) }
        cases.append(Case(name: "discrete {0: 5, 1: 3, 5: 2}", distribution: .discrete(table), mean: dm, variance: dv,
                          fourthMoment: d4))
        return cases
    }()

    @Test(arguments: cases)
    func momentsMatchTheAnalyticValues(_ c: Case) {
        let stream = RandomStream(seed: 20_200_311)
        let n = 200_000
        let xs = (0..<n).map { _ in c.distribution.sample(stream) }
        let s = Summary(xs)
        #expect(abs(s.mean - c.mean) <= Tolerance.mean(sd: c.variance.squareRoot(), n: n) + 1e-12,
                "mean \(s.mean), expected \(c.mean)")
        #expect(abs(s.variance - c.variance)
                <= Tolerance.variance(variance: c.variance, fourthMoment: c.fourthMoment, n: n) + 1e-12,
                "variance \(s.variance), expected \(c.variance)")
        #expect(abs(c.distribution.mean - c.mean) < 1e-12)
        #expect(abs(c.distribution.variance - c.variance) < 1e-9)
    }

    @Test func invalidParametersAreDescribed() throws {
        func problem(_ d: Distribution) -> String? { d.validate().map { "\($0.expected) | \($0.found)" } }
        #expect(problem(.gamma(shape: -1, scale: 1)) == "shape greater than 0 | -1")
        #expect(problem(.gamma(shape: 2, scale: 0)) == "scale greater than 0 | 0")
        #expect(problem(.exponential(mean: 0)) == "mean greater than 0 | 0")
        #expect(problem(.uniform(min: 3, max: 1)) == "min no greater than max | min 3 and max 1")
        #expect(problem(.bernoulli(1.5)) == "probability from 0 to 1 | 1.5")
        #expect(problem(.negativeBinomial(mean: 2, dispersion: 0)) == "dispersion greater than 0 | 0")
        #expect(problem(.lognormal(mu: 0, sigma: -1)) == "sigma of 0 or more | -1")
        #expect(problem(.poisson(mean: 2)) == nil)
        #expect(throws: DiscreteTable.Problem.lengthMismatch(values: 2, weights: 1)) {
            try DiscreteTable(values: [1, 2], weights: [1])
        }
        #expect(throws: DiscreteTable.Problem.zeroTotal) { try DiscreteTable(values: [1, 2], weights: [0, 0]) }
    }

    @Test func outOfDomainParametersDrawZeroInsteadOfTrapping() {
        let stream = RandomStream(seed: 1)
        #expect(Distribution.gamma(shape: -2, scale: 1).sample(stream) == 0)
        #expect(Distribution.poisson(mean: -1).sample(stream) == 0)
        #expect(Distribution.exponential(mean: 0).sample(stream) == 0)
        #expect(Distribution.negativeBinomial(mean: 3, dispersion: -1).sample(stream) == 0)
    }
}
