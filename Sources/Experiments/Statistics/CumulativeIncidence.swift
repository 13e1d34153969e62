/// The Aalen–Johansen estimate of the cumulative incidence of competing outcomes: for each
/// outcome k, F_k(t), the probability that a run has ended in k by time t. A run ends in one
/// outcome at its time, or is censored (followed only that far, its outcome unknown).
///
///     F_k(t) = Σ over times tⱼ ≤ t of Ŝ(tⱼ₋₁) · d_kj / nⱼ,   Ŝ(t) = Π over tⱼ ≤ t of (1 − dⱼ / nⱼ)
///
/// with d_kj runs ending in k at tⱼ, dⱼ ending in any outcome, nⱼ at risk just before tⱼ (a run
/// censored at tⱼ still counts as at risk at tⱼ), and Ŝ the Kaplan–Meier estimate of ending in
/// none of them. Unlike 1 − a cause-specific Kaplan–Meier curve, which treats the other outcomes
/// as censoring and so overstates each outcome, the F_k add up to 1 − Ŝ.
///
/// It is computed as Efron's redistribution to the right, which is the same estimate: each run
/// carries a weight of 1/n, and a censored run hands its weight on, equally, to the runs still
/// at risk. With no censoring every weight stays exactly 1/n, so F_k(t) is the direct count
/// (runs ended in k by t) / n to the last bit.
public struct CumulativeIncidence: Sendable, Equatable {
    /// The times at which some run ended in an outcome, ascending.
    public let times: [Double]
    /// `incidence[k][j]`: F_k just after `times[j]`.
    public let incidence: [[Double]]
    /// Observations in all, and those censored.
    public let n: Int
    public let censored: Int

    /// `observations`: each run's time, and its outcome (0..<outcomes) or nil if censored then.
    public init(_ observations: [(time: Double, outcome: Int?)], outcomes: Int) {
        let sorted = observations.sorted { $0.time < $1.time }
        var atRisk = sorted.count
        // Σ of the weights ended in each outcome, in units of 1/n: whole numbers until a run is censored.
        var ended = [Double](repeating: 0, count: outcomes)
        var weight = 1.0
        var times: [Double] = []
        var incidence = [[Double]](repeating: [], count: outcomes)
        let n = Double(sorted.count)
        var i = 0
        while i < sorted.count {
            let t = sorted[i].time
            var events = [Int](repeating: 0, count: outcomes), censoredHere = 0
            while i < sorted.count && sorted[i].time == t {
                if let k = sorted[i].outcome { events[k] += 1 } else { censoredHere += 1 }
                i += 1
            }
            let endedHere = events.reduce(0, +)
            if endedHere > 0 {
                for k in 0..<outcomes { ended[k] += Double(events[k]) * weight }
                times.append(t)
                for k in 0..<outcomes { incidence[k].append(ended[k] / n) }
            }
            atRisk -= endedHere
            // Runs censored now hand their weight to those still at risk after them.
            if censoredHere > 0 && atRisk > censoredHere {
                weight *= Double(atRisk) / Double(atRisk - censoredHere)
            }
            atRisk -= censoredHere
        }
        self.times = times
        self.incidence = incidence
        self.n = sorted.count
        self.censored = observations.filter { $0.outcome == nil }.count
    }

    /// F_k(t): the estimated probability of having ended in outcome k by time t (inclusive).
    public func value(outcome k: Int, at t: Double) -> Double {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 0 : incidence[k][lo - 1]
    }

    /// Ŝ(t) = 1 − Σ_k F_k(t): the estimated probability of no outcome yet by time t.
    public func survival(at t: Double) -> Double {
        1 - incidence.indices.reduce(0) { $0 + value(outcome: $1, at: t) }
    }
}
