import Calibration
import Foundation
import Stochastics
import Testing

struct DistributionFitTests {
    @Test func gammaParametersAreRecovered() throws {
        let stream = RandomStream(seed: 9)
        let draws = (0..<3000).map { _ in stream.gamma(shape: 2.5, scale: 1.4) }
        let fit = try #require(DistributionFits.gamma(draws))
        #expect(abs(fit.first - 2.5) <= 3 * fit.firstError)
        #expect(abs(fit.second - 1.4) <= 3 * fit.secondError)
    }

    @Test func negativeBinomialParametersAreRecovered() throws {
        let stream = RandomStream(seed: 10)
        let draws = (0..<4000).map { _ in Int(stream.negativeBinomial(mean: 3, dispersion: 0.8)) }
        let fit = try #require(DistributionFits.negativeBinomial(draws))
        #expect(abs(fit.first - Double(draws.reduce(0, +)) / 4000) < 1e-12)   // the mean is the sample mean
        #expect(abs(fit.first - 3) <= 3 * fit.firstError)
        #expect(abs(fit.second - 0.8) <= 3 * fit.secondError)
        #expect(!fit.atBound)
    }

    @Test func countsNoMoreSpreadThanAPoissonPutTheDispersionAtItsBound() throws {
        let fit = try #require(DistributionFits.negativeBinomial([2, 2, 3, 2, 2]))
        #expect(fit.atBound)
        #expect(fit.second == DistributionFits.maximumDispersion)
    }

    @Test func theKolmogorovSmirnovCheckAcceptsExponentialsAndRejectsOthers() {
        let stream = RandomStream(seed: 3)
        let exponential = (0..<500).map { _ in stream.exponential(mean: 1) }
        #expect(Hawkes.exponentialKS(exponential).pValue > 0.01)
        let wrong = (0..<500).map { _ in stream.exponential(mean: 2) }
        #expect(Hawkes.exponentialKS(wrong).pValue < 1e-6)
    }
}
