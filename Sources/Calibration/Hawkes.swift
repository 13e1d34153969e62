import Foundation
import Stochastics

/// A multivariate Hawkes process with exponential kernels and one decay rate:
///
///     λᵢ(t) = μᵢ + Σⱼ Σ_{tₖ of type j, tₖ < t} αᵢⱼ β e^{−β (t − tₖ)}
///
/// μᵢ is type i's background rate (events a day), αᵢⱼ the expected number of type-i events one
/// type-j event sets off (the branching matrix), and 1/β the mean delay of the effect (days).
/// The process is stable when the spectral radius of α is below 1; for one type, that radius is
/// the branching ratio, the share of events that were set off by others.
public struct HawkesParameters: Sendable, Equatable {
    public var mu: [Double]
    /// `alpha[i][j]`: type-i events set off by one type-j event.
    public var alpha: [[Double]]
    public var beta: Double

    public init(mu: [Double], alpha: [[Double]], beta: Double) {
        self.mu = mu
        self.alpha = alpha
        self.beta = beta
    }

    public var dimensions: Int { mu.count }

    public var spectralRadius: Double { LinearAlgebra.spectralRadius(alpha) }

    /// Stationary mean rates (I − α)⁻¹ μ, when the process is stable.
    public var stationaryRates: [Double]? {
        let d = dimensions
        let identityMinusAlpha = (0..<d).map { i in (0..<d).map { j in (i == j ? 1 : 0) - alpha[i][j] } }
        guard spectralRadius < 1, let inverse = LinearAlgebra.inverse(identityMinusAlpha) else { return nil }
        return (0..<d).map { i in (0..<d).reduce(0) { $0 + inverse[i][$1] * mu[$1] } }
    }

    /// Share of events set off by earlier events in the stationary state: 1 − Σμ / Σλ̄.
    public var endogenousShare: Double? {
        guard let rates = stationaryRates else { return nil }
        return 1 - mu.reduce(0, +) / rates.reduce(0, +)
    }
}

public struct HawkesEvent: Sendable, Equatable {
    public let time: Double
    public let type: Int

    public init(time: Double, type: Int) {
        self.time = time
        self.type = type
    }
}

/// An observation window: events on [start, end), taken as all the events of their kind there
/// (none before `start` excite those after it).
public struct HawkesWindow: Sendable {
    public let start: Double
    public let end: Double
    /// Sorted by time.
    public let events: [HawkesEvent]

    public init(start: Double, end: Double, events: [HawkesEvent]) {
        self.start = start
        self.end = end
        self.events = events.sorted { $0.time < $1.time }
    }
}

public enum Hawkes {
    /// The log-likelihood of the windows: Σᵢ Σ_{events of type i} log λᵢ(tₖ) − ∫ λᵢ. Events at
    /// the same time do not excite each other.
    public static func logLikelihood(_ p: HawkesParameters, windows: [HawkesWindow]) -> Double {
        let d = p.dimensions
        var total = 0.0
        var excitation = [Double](repeating: 0, count: d)
        for window in windows {
            for j in 0..<d { excitation[j] = 0 }
            var last = window.start
            var i = 0
            let events = window.events
            while i < events.count {
                let t = events[i].time
                let decay = exp(-p.beta * (t - last))
                for j in 0..<d { excitation[j] *= decay }
                last = t
                var k = i
                while k < events.count && events[k].time == t {
                    let type = events[k].type
                    var lambda = p.mu[type]
                    for j in 0..<d { lambda += p.alpha[type][j] * excitation[j] }
                    total += log(lambda)
                    k += 1
                }
                for m in i..<k { excitation[events[m].type] += p.beta }
                i = k
            }
            total -= p.mu.reduce(0, +) * (window.end - window.start)
            for e in events {
                let tail = 1 - exp(-p.beta * (window.end - e.time))
                for type in 0..<d { total -= p.alpha[type][e.type] * tail }
            }
        }
        return total
    }

    /// ∫ₐᵇ λᵢ(t) dt in a window, given its events.
    public static func compensator(_ p: HawkesParameters, window: HawkesWindow, type i: Int, from a: Double, to b: Double) -> Double {
        var total = p.mu[i] * (b - a)
        for e in window.events where e.time < b {
            total += p.alpha[i][e.type] * (exp(-p.beta * max(0, a - e.time)) - exp(-p.beta * (b - e.time)))
        }
        return total
    }

    /// The time-rescaled gaps between successive events of each type: if the model is right they
    /// are independent draws from Exp(1) (the time-rescaling theorem).
    public static func rescaledGaps(_ p: HawkesParameters, windows: [HawkesWindow]) -> [Double] {
        var gaps: [Double] = []
        for window in windows {
            for type in 0..<p.dimensions {
                var previous = window.start
                for e in window.events where e.type == type {
                    gaps.append(compensator(p, window: window, type: type, from: previous, to: e.time))
                    previous = e.time
                }
            }
        }
        return gaps
    }

    /// The Kolmogorov–Smirnov statistic of values against Exp(1), with its p-value.
    public static func exponentialKS(_ values: [Double]) -> (statistic: Double, pValue: Double) {
        let sorted = values.sorted()
        let n = Double(sorted.count)
        guard n > 0 else { return (0, 1) }
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = 1 - exp(-x)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return (d, SpecialFunction.kolmogorovPValue(statistic: d, n: sorted.count))
    }

    /// Simulates the process exactly on [0, horizon) by its cluster representation: background
    /// events of type i arrive as a Poisson process of rate μᵢ; each type-j event has a
    /// Poisson(αᵢⱼ) number of type-i children, each after an Exp(β) delay. All draws through GSL.
    public static func simulate(_ p: HawkesParameters, horizon: Double, stream: RandomStream) -> [HawkesEvent] {
        var events: [HawkesEvent] = []
        var pending: [HawkesEvent] = []
        for i in 0..<p.dimensions {
            let n = Int(min(stream.poisson(mean: p.mu[i] * horizon), 1e6))
            for _ in 0..<n { pending.append(HawkesEvent(time: stream.flat(0, horizon), type: i)) }
        }
        while let parent = pending.popLast() {
            events.append(parent)
            for i in 0..<p.dimensions {
                let children = Int(min(stream.poisson(mean: p.alpha[i][parent.type]), 1e6))
                for _ in 0..<children {
                    let t = parent.time + stream.exponential(mean: 1 / p.beta)
                    if t < horizon { pending.append(HawkesEvent(time: t, type: i)) }
                }
            }
        }
        return events.sorted { $0.time < $1.time }
    }
}
