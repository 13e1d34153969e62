import EscalationModel
import Foundation
import Stochastics

/// What `escalation calibrate` does: from the catalog, a multivariate Hawkes fit over the
/// actors (with the documented totals as constraints), a pooled one-type fit for comparison,
/// answer delays (gamma) and casualties by weapon (negative binomial).
public struct CalibrationRun: Sendable {
    public struct Options: Sendable {
        public var from: CivilDate?
        public var to: CivilDate?
        /// Incidents at this rung or above are the events of the point process.
        public var minimumRung = 3
        /// A gap of more days than this between incidents starts a new observation window.
        public var episodeGap = 180

        public init() {}
    }

    public let options: Options
    public let dimensions: [String]
    public let windows: [HawkesWindow]
    public let windowDates: [(start: CivilDate, end: CivilDate)]
    public let constraints: [CountConstraint]
    public let multivariate: HawkesFit
    public let pooled: HawkesFit
    public let delays: [(from: String, to: String, days: Double)]
    public let delayFit: DistributionFit?
    public let casualtyFits: [(weapon: String, counter: String, fit: DistributionFit)]
    /// Weapon and counter documented in a single incident: a value, not a fit.
    public let singleCasualties: [(weapon: String, counter: String, value: Int)]
    /// Incidents left out of the point process because their day is not known.
    public let undated: [String]

    /// The dimension an actor's events belong to.
    public static func dimension(of actor: String) -> String {
        Catalog.militiaActors.contains(actor) ? "militias" : actor
    }

    public init(catalog: Catalog, options: Options = Options()) throws {
        self.options = options
        func inRange(_ i: Catalog.Incident) -> Bool {
            (options.from.map { i.end >= $0 } ?? true) && (options.to.map { i.date <= $0 } ?? true)
        }
        let violent = catalog.incidents.filter {
            $0.kind == .incident && ($0.rung ?? 0) >= options.minimumRung && $0.actor != nil && inRange($0)
        }
        let points = violent.filter { $0.precision == .day }
        undated = violent.filter { $0.precision != .day }.map(\.id)
        let totals = catalog.incidents.filter { $0.kind == .aggregate && $0.count != nil && $0.actor != nil && inRange($0) }
        guard !points.isEmpty else { throw CalibrationError("no dated incidents at rung \(options.minimumRung) or above in the range") }

        let order = ["militias", "us", "iran", "iraq", "uk", "shipping"]
        dimensions = order.filter { d in points.contains { Self.dimension(of: $0.actor!) == d } }

        // Episodes: spans of incidents and totals with no gap longer than `episodeGap` days.
        var spans = points.map { ($0.date, $0.end) } + totals.map { ($0.date, $0.end) }
        spans.sort { $0.0 < $1.0 }
        var episodes: [(start: CivilDate, end: CivilDate)] = []
        for (start, end) in spans {
            if let last = episodes.last, last.end.days(until: start) <= options.episodeGap {
                episodes[episodes.count - 1].end = max(last.end, end)
            } else {
                episodes.append((start, end))
            }
        }
        if let from = options.from { episodes = episodes.map { (max($0.start, from), $0.end) } }
        if let to = options.to { episodes = episodes.map { ($0.start, min($0.end, to)) } }
        windowDates = episodes
        func day(_ date: CivilDate) -> Double { Double(date.daysSinceEpoch) }
        // An incident known to the day is placed at midday; a window runs from the start of its
        // first day to the end of its last.
        let dims = dimensions
        let windowList = episodes.map { episode in
            HawkesWindow(start: day(episode.start), end: day(episode.end) + 1, events: points.compactMap { p in
                guard p.date >= episode.start, p.date <= episode.end,
                      let type = dims.firstIndex(of: Self.dimension(of: p.actor!)) else { return nil }
                return HawkesEvent(time: day(p.date) + 0.5, type: type)
            })
        }
        windows = windowList
        var constraintList: [CountConstraint] = []
        for total in totals {
            guard let type = dimensions.firstIndex(of: Self.dimension(of: total.actor!)),
                  let w = episodes.firstIndex(where: { total.date >= $0.start && total.end <= $0.end }) else { continue }
            constraintList.append(CountConstraint(window: w, type: type, start: day(total.date), end: day(total.end) + 1,
                                                  count: total.count!, label: total.id))
        }
        constraints = constraintList
        multivariate = HawkesFit.fit(windows: windowList, constraints: constraintList, dimensions: dims.count)
        pooled = HawkesFit.fit(windows: windowList.map { w in
            HawkesWindow(start: w.start, end: w.end, events: w.events.map { HawkesEvent(time: $0.time, type: 0) })
        }, dimensions: 1)

        // Answer delays: pairs dated to the day at both ends. Answers on the same day count as
        // half a day (the gamma needs positive values).
        var pairs: [(from: String, to: String, days: Double)] = []
        for answer in catalog.incidents where answer.precision == .day && inRange(answer) {
            guard let cause = answer.answerTo.flatMap(catalog.incident), cause.precision == .day else { continue }
            let days = Double(cause.date.days(until: answer.date))
            pairs.append((cause.id, answer.id, max(days, 0.5)))
        }
        delays = pairs
        delayFit = DistributionFits.gamma(pairs.map(\.days))

        var fits: [(weapon: String, counter: String, fit: DistributionFit)] = []
        var singles: [(weapon: String, counter: String, value: Int)] = []
        let weapons = Set(catalog.incidents.compactMap { $0.kind == .incident && inRange($0) ? $0.weapon : nil }).sorted()
        for weapon in weapons {
            let incidents = catalog.incidents.filter { $0.kind == .incident && $0.weapon == weapon && inRange($0) }
            for counter in Catalog.casualtyColumns where counter.hasSuffix("_killed") {
                let known = incidents.compactMap { $0.casualties[counter] }
                if known.count == 1, known[0] > 0 { singles.append((weapon, counter, known[0])) }
                if known.count >= 2, let fit = DistributionFits.negativeBinomial(known) { fits.append((weapon, counter, fit)) }
            }
        }
        casualtyFits = fits
        singleCasualties = singles
    }
}

public struct CalibrationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
