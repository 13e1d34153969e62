import Calibration
import Foundation
import Stochastics
import Testing

/// The Hawkes likelihood against hand computation, and maximum likelihood against data
/// simulated from known parameters.
struct HawkesTests {
    @Test func oneTypeLikelihoodMatchesAHandComputation() {
        let p = HawkesParameters(mu: [0.5], alpha: [[0.6]], beta: 1.2)
        let window = HawkesWindow(start: 0, end: 4, events: [HawkesEvent(time: 1, type: 0), HawkesEvent(time: 2.5, type: 0)])
        // log λ(1) + log λ(2.5) − ∫₀⁴ λ
        let expected = log(0.5) + log(0.5 + 0.6 * 1.2 * exp(-1.2 * 1.5))
            - (0.5 * 4 + 0.6 * (1 - exp(-1.2 * 3)) + 0.6 * (1 - exp(-1.2 * 1.5)))
        #expect(abs(Hawkes.logLikelihood(p, windows: [window]) - expected) < 1e-12)
    }

    @Test func twoTypeLikelihoodWithATieMatchesAHandComputation() {
        let p = HawkesParameters(mu: [0.2, 0.1], alpha: [[0.1, 0.5], [0.4, 0.0]], beta: 0.8)
        // Type 0 at 1; type 1 at 3; type 0 and type 1 together at 3.5 (they do not excite each other).
        let window = HawkesWindow(start: 0, end: 5, events: [
            HawkesEvent(time: 1, type: 0), HawkesEvent(time: 3, type: 1), HawkesEvent(time: 3.5, type: 0),
            HawkesEvent(time: 3.5, type: 1),
        ])
        let b = 0.8
        func k(_ dt: Double) -> Double { b * exp(-b * dt) }
        let l1 = 0.2                                        // type 0 at 1
        let l2 = 0.1 + 0.4 * k(2)                           // type 1 at 3, from type 0 at 1
        let l3 = 0.2 + 0.1 * k(2.5) + 0.5 * k(0.5)          // type 0 at 3.5
        let l4 = 0.1 + 0.4 * k(2.5) + 0.0 * k(0.5)          // type 1 at 3.5
        func tail(_ t: Double) -> Double { 1 - exp(-b * (5 - t)) }
        let integral = (0.2 + 0.1) * 5
            + (0.1 + 0.4) * tail(1) + (0.5 + 0.0) * tail(3) + (0.1 + 0.4) * tail(3.5) + (0.5 + 0.0) * tail(3.5)
        let expected = log(l1) + log(l2) + log(l3) + log(l4) - integral
        #expect(abs(Hawkes.logLikelihood(p, windows: [window]) - expected) < 1e-12)
    }

    @Test func theCompensatorIsTheIntegralOfTheIntensity() {
        let p = HawkesParameters(mu: [0.3, 0.2], alpha: [[0.2, 0.3], [0.5, 0.1]], beta: 1.5)
        let window = HawkesWindow(start: 0, end: 10, events: [HawkesEvent(time: 1, type: 1), HawkesEvent(time: 4, type: 0)])
        func intensity(_ t: Double) -> Double {
            var l = p.mu[0]
            for e in window.events where e.time < t { l += p.alpha[0][e.type] * p.beta * exp(-p.beta * (t - e.time)) }
            return l
        }
        // Midpoint rule on each smooth piece (the intensity jumps at the event at 4): error O(h²).
        var integral = 0.0
        for (a, b) in [(2.0, 4.0), (4.0, 9.0)] {
            let n = 100_000
            let h = (b - a) / Double(n)
            for i in 0..<n { integral += intensity(a + (Double(i) + 0.5) * h) * h }
        }
        #expect(abs(Hawkes.compensator(p, window: window, type: 0, from: 2, to: 9) - integral) < 1e-8)
    }

    /// True values within three standard errors of the estimates (two-sided, each ≈ 0.3% by
    /// chance); the seeds are fixed.
    func expectRecovered(_ truth: Double, _ estimate: Double, _ error: Double, _ name: String) {
        #expect(error.isFinite && error > 0, "\(name): no standard error")
        #expect(abs(estimate - truth) <= 3 * error, "\(name): estimate \(estimate) ± \(error), truth \(truth)")
    }

    @Test func oneTypeParametersAreRecoveredFromSimulatedData() {
        let truth = HawkesParameters(mu: [0.3], alpha: [[0.5]], beta: 1.0)
        let events = Hawkes.simulate(truth, horizon: 2000, stream: RandomStream(seed: 2012))
        #expect(events.count > 900 && events.count < 1500)
        let fit = HawkesFit.fit(windows: [HawkesWindow(start: 0, end: 2000, events: events)], dimensions: 1)
        expectRecovered(0.3, fit.parameters.mu[0], fit.muError[0], "mu")
        expectRecovered(0.5, fit.parameters.alpha[0][0], fit.alphaError[0][0], "alpha")
        expectRecovered(1.0, fit.parameters.beta, fit.betaError, "beta")
        #expect(fit.ks.pValue > 0.01)
    }

    @Test func twoActorParametersAreRecoveredFromSimulatedData() {
        let truth = HawkesParameters(mu: [0.25, 0.15], alpha: [[0.2, 0.5], [0.4, 0.1]], beta: 0.8)
        #expect(truth.spectralRadius < 1)
        let events = Hawkes.simulate(truth, horizon: 1500, stream: RandomStream(seed: 2020))
        let fit = HawkesFit.fit(windows: [HawkesWindow(start: 0, end: 1500, events: events)], dimensions: 2)
        for i in 0..<2 {
            expectRecovered(truth.mu[i], fit.parameters.mu[i], fit.muError[i], "mu \(i)")
            for j in 0..<2 {
                expectRecovered(truth.alpha[i][j], fit.parameters.alpha[i][j], fit.alphaError[i][j], "alpha \(i)\(j)")
            }
        }
        expectRecovered(0.8, fit.parameters.beta, fit.betaError, "beta")
        #expect(abs(fit.parameters.spectralRadius - truth.spectralRadius) < 0.15)
    }

    @Test func theBranchingMatrixGivesStationaryRatesAndTheEndogenousShare() {
        let p = HawkesParameters(mu: [1], alpha: [[0.4]], beta: 1)
        #expect(abs(p.stationaryRates![0] - 1 / 0.6) < 1e-12)
        #expect(abs(p.endogenousShare! - 0.4) < 1e-12)
        let unstable = HawkesParameters(mu: [1, 1], alpha: [[0.5, 0.6], [0.6, 0.5]], beta: 1)
        #expect(abs(unstable.spectralRadius - 1.1) < 1e-9)
        #expect(unstable.stationaryRates == nil)
    }
}
