import Foundation
import Stochastics

/// A maximum-likelihood fit of a `HawkesParameters` to observed windows (and documented totals),
/// with standard errors from the observed information.
public struct HawkesFit: Sendable {
    public let parameters: HawkesParameters
    public let logLikelihood: Double
    /// Free parameters estimated.
    public let parameterCount: Int
    public let eventCount: Int
    /// Standard errors, in the same shape as the parameters; NaN where a parameter sits at its
    /// lower bound (an effect too small to see) or the information matrix could not be inverted.
    public let muError: [Double]
    public let alphaError: [[Double]]
    public let betaError: Double
    public let converged: Bool
    public let ks: (statistic: Double, pValue: Double)

    public var aic: Double { 2 * Double(parameterCount) - 2 * logLikelihood }

    /// Smallest value a rate or excitation takes in the search: below it, a parameter is
    /// reported as at the boundary.
    public static let floor = 1e-6

    /// Fits by Nelder–Mead (GSL) on the logarithms of the parameters, from several starting
    /// decays, keeping the best; `fixedZero[i][j]` keeps αᵢⱼ at 0.
    public static func fit(windows: [HawkesWindow], dimensions d: Int, fixedZero: [[Bool]]? = nil) -> HawkesFit {
        let free = (0..<d).map { i in (0..<d).map { j in !(fixedZero?[i][j] ?? false) } }
        let freeAlpha = free.flatMap { $0 }.filter { $0 }.count
        let eventCount = windows.reduce(0) { $0 + $1.events.count }
        let span = windows.reduce(0) { $0 + ($1.end - $1.start) }

        func parameters(_ theta: [Double]) -> HawkesParameters {
            var k = d
            let alpha = (0..<d).map { i in
                (0..<d).map { j -> Double in
                    guard free[i][j] else { return 0 }
                    defer { k += 1 }
                    return exp(theta[k])
                }
            }
            return HawkesParameters(mu: (0..<d).map { exp(theta[$0]) }, alpha: alpha, beta: exp(theta[k]))
        }
        func negativeLogLikelihood(_ p: HawkesParameters) -> Double { -Hawkes.logLikelihood(p, windows: windows) }
        let low = log(floor), high = log(1e4)
        func objective(_ theta: [Double]) -> Double {
            if theta.contains(where: { $0 < low || $0 > high }) { return .infinity }
            return negativeLogLikelihood(parameters(theta))
        }

        var best: Minimizer.Result?
        for startingDecay in [0.1, 0.5, 2.0] {
            var start: [Double] = []
            for i in 0..<d {
                let count = windows.flatMap(\.events).filter { $0.type == i }.count
                start.append(log(max(Double(count), 0.5) / span / 2))
            }
            start += [Double](repeating: log(0.2), count: freeAlpha)
            start.append(log(startingDecay))
            let result = Minimizer.nelderMead(start: start, step: [Double](repeating: 0.7, count: start.count),
                                              tolerance: 1e-6, maxIterations: 100_000, objective)
            if best == nil || result.value < best!.value { best = result }
        }
        let estimate = parameters(best!.point)

        // Observed information: the Hessian of −log L in the natural parameters, over those not at
        // their lower bound.
        var natural = estimate.mu
        for i in 0..<d { for j in 0..<d where free[i][j] { natural.append(estimate.alpha[i][j]) } }
        natural.append(estimate.beta)
        func fromNatural(_ x: [Double]) -> HawkesParameters {
            var k = d
            let alpha = (0..<d).map { i in (0..<d).map { j -> Double in
                guard free[i][j] else { return 0 }
                defer { k += 1 }
                return x[k]
            } }
            return HawkesParameters(mu: Array(x[0..<d]), alpha: alpha, beta: x[k])
        }
        let interior = natural.indices.filter { natural[$0] > 10 * floor }
        let errors = standardErrors(at: natural, free: interior) { x in
            x.contains { $0 <= 0 } ? .infinity : negativeLogLikelihood(fromNatural(x))
        }
        var k = d
        let alphaError = (0..<d).map { i in (0..<d).map { j -> Double in
            guard free[i][j] else { return .nan }
            defer { k += 1 }
            return errors[k]
        } }
        return HawkesFit(
            parameters: estimate, logLikelihood: -best!.value, parameterCount: natural.count, eventCount: eventCount,
            muError: Array(errors[0..<d]), alphaError: alphaError, betaError: errors[k], converged: best!.converged,
            ks: Hawkes.exponentialKS(Hawkes.rescaledGaps(estimate, windows: windows)))
    }

    /// Standard errors from the inverse of the numerical Hessian of `f` (a negative
    /// log-likelihood) at `x`, over the coordinates `free`; NaN elsewhere, or everywhere if the
    /// Hessian cannot be inverted into a covariance.
    public static func standardErrors(at x: [Double], free: [Int], _ f: ([Double]) -> Double) -> [Double] {
        var result = [Double](repeating: .nan, count: x.count)
        guard !free.isEmpty else { return result }
        let h = free.map { 1e-4 * max(abs(x[$0]), 1e-3) }
        func shifted(_ moves: [(Int, Double)]) -> Double {
            var y = x
            for (k, step) in moves { y[free[k]] += step }
            return f(y)
        }
        let f0 = f(x)
        let n = free.count
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for a in 0..<n {
            hessian[a][a] = (shifted([(a, h[a])]) - 2 * f0 + shifted([(a, -h[a])])) / (h[a] * h[a])
            for b in (a + 1)..<n {
                let v = (shifted([(a, h[a]), (b, h[b])]) - shifted([(a, h[a]), (b, -h[b])])
                         - shifted([(a, -h[a]), (b, h[b])]) + shifted([(a, -h[a]), (b, -h[b])])) / (4 * h[a] * h[b])
                hessian[a][b] = v
                hessian[b][a] = v
            }
        }
        guard let covariance = LinearAlgebra.inverse(hessian) else { return result }
        for (k, index) in free.enumerated() where covariance[k][k] > 0 {
            result[index] = covariance[k][k].squareRoot()
        }
        return result
    }
}
