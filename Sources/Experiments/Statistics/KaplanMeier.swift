/// The Kaplan–Meier estimate of a survival function from times that are either events or
/// censored: observation stopped before any event, for a reason that says nothing about when the
/// event would have come.
///
/// That makes it right for the time to a run's end by any outcome (censored where a run was not
/// followed to its end), and wrong for the time to one outcome among several: a run that ended
/// in another outcome can never reach this one, so counting it as censored overstates the
/// outcome (1 − S is then not the share of runs that reach it). For competing outcomes use
/// `CumulativeIncidence`, whose survival is this estimate with every outcome an event. Reports
/// draw cumulative incidence; this type stays as that reference.
///
///     S(t) = Π over event times tⱼ ≤ t of (1 − dⱼ / nⱼ)
///
/// with dⱼ events at tⱼ and nⱼ at risk just before it (censored at tⱼ still counts as at risk).
public struct KaplanMeier: Sendable, Equatable {
    /// Event times, ascending, and the survival just after each.
    public let times: [Double]
    public let survival: [Double]
    /// Observations in all, and events among them.
    public let n: Int
    public let events: Int

    public init(_ observations: [(time: Double, event: Bool)]) {
        let sorted = observations.sorted { $0.time < $1.time }
        var atRisk = sorted.count
        var s = 1.0
        var times: [Double] = [], survival: [Double] = []
        var i = 0
        while i < sorted.count {
            let t = sorted[i].time
            var d = 0, removed = 0
            while i < sorted.count && sorted[i].time == t {
                if sorted[i].event { d += 1 }
                removed += 1
                i += 1
            }
            if d > 0 {
                s *= 1 - Double(d) / Double(atRisk)
                times.append(t)
                survival.append(s)
            }
            atRisk -= removed
        }
        self.times = times
        self.survival = survival
        self.n = sorted.count
        self.events = observations.filter(\.event).count
    }

    /// S(t): the estimated probability of no event by time t.
    public func value(at t: Double) -> Double {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 1 : survival[lo - 1]
    }
}
