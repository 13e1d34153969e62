import EscalationModel
import Foundation
import Record
import Stochastics

/// `escalation fit-hawkes`: descriptive statistics of the dated record.
///
/// The incidents dated to the day at or above a rung are fitted as a Hawkes process twice, on the
/// same data: a two-type model (militias; the states, the US and Iran) with mutual excitation,
/// and a one-type model with independent marks. Both describe exactly the dated events, so their
/// AICs compare. Documented totals are not in the likelihood: a total says the dated list is
/// incomplete, and the fit cannot say when the undated events fell. They are set beside the fit
/// instead (`completeness`), each with what it leaves undated once the dated rows it contains
/// are taken away, so nothing is counted twice. The fit describes the dated record; the model's
/// parameters come from `escalation calibrate`.
public struct RecordFit: Sendable {
    public struct Options: Sendable {
        public var from: CivilDate?
        public var to: CivilDate?
        /// Incidents at this rung or above are the events of the point process.
        public var minimumRung = 3
        /// A gap of more days than this between rows starts a new observation window.
        public var episodeGap = 180

        public init() {}
    }

    /// A documented total set beside the dated rows it covers.
    public struct Completeness: Sendable {
        public let total: Catalog.Incident
        /// Rows the total says it contains.
        public let contained: [String]
        /// The total's count less its contained rows; nil if it gives no count.
        public let undated: Documented?
        /// What the two-type fit expects in the total's span, for its kind (when the span lies in
        /// a window).
        public let expected: Double?
    }

    public let options: Options
    public let dimensions: [String]
    public let windows: [HawkesWindow]
    public let windowDates: [(start: CivilDate, end: CivilDate)]
    /// Two types, mutual excitation.
    public let marked: HawkesFit
    /// One type with independent marks.
    public let pooled: HawkesFit
    public let markShares: [Double]
    public let completeness: [Completeness]
    public let delays: [(from: String, to: String, days: Double)]
    public let delayFit: DistributionFit?
    public let casualtyFits: [(weapon: String, counter: String, fit: DistributionFit)]
    /// Weapon and counter documented in a single incident: a value, not a fit.
    public let singleCasualties: [(weapon: String, counter: String, value: Documented)]
    /// Incidents left out of the point process because their day is not known.
    public let undated: [String]

    /// The type an actor's events belong to.
    public static func dimension(of actor: String) -> String {
        Catalog.militiaActors.contains(actor) ? "militias" : "states"
    }

    public static let dimensionOrder = ["militias", "states"]

    /// Whether both fits converged.
    public var converged: Bool { marked.converged && pooled.converged }

    public init(catalog: Catalog, options: Options = Options()) throws {
        self.options = options
        func inRange(_ i: Catalog.Incident) -> Bool {
            (options.from.map { i.end >= $0 } ?? true) && (options.to.map { i.date <= $0 } ?? true)
        }
        let violent = catalog.incidents.filter {
            $0.kind == .incident && ($0.rung ?? 0) >= options.minimumRung && $0.actor.map { ["us", "iran"].contains($0) || Catalog.militiaActors.contains($0) } == true
                && inRange($0)
        }
        let points = violent.filter { $0.precision == .day }
        undated = violent.filter { $0.precision != .day }.map(\.id)
        guard !points.isEmpty else { throw CalibrationError("no dated incidents at rung \(options.minimumRung) or above in the range") }
        dimensions = Self.dimensionOrder.filter { d in points.contains { Self.dimension(of: $0.actor!) == d } }

        // Windows: from the first to the last dated incident of each episode (a gap of more than
        // `episodeGap` days starts a new one): the spans the dated list describes. Undated rows and
        // totals do not stretch them, which would claim empty months were fully observed.
        var spans = points.map { ($0.date, $0.end) }
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
        episodes = episodes.filter { e in points.contains { $0.date >= e.start && $0.date <= e.end } }
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
        marked = HawkesFit.fit(windows: windowList, dimensions: dims.count)
        let (pooledFit, shares) = HawkesFit.fitWithIndependentMarks(windows: windowList, dimensions: dims.count)
        pooled = pooledFit
        markShares = shares

        let twoType = marked.parameters
        completeness = catalog.incidents.filter { $0.kind == .aggregate && $0.count != nil && $0.actor != nil && inRange($0) }.map { total in
            var expected: Double?
            if total.startKnown, let type = dims.firstIndex(of: Self.dimension(of: total.actor!)),
               let w = episodes.firstIndex(where: { total.date >= $0.start && total.end <= $0.end }) {
                expected = Hawkes.compensator(twoType, window: windowList[w], type: type, from: day(total.date), to: day(total.end) + 1)
            }
            return Completeness(total: total, contained: total.contains, undated: catalog.undated(total, field: "count"), expected: expected)
        }

        // Answer delays: pairs dated to the day at both ends. Answers on the same day count as
        // half a day (the gamma needs positive values).
        var pairs: [(from: String, to: String, days: Double)] = []
        for answer in catalog.incidents where answer.precision == .day && inRange(answer) {
            guard let cause = answer.answerTo.flatMap(catalog.incident), cause.precision == .day else { continue }
            pairs.append((cause.id, answer.id, max(Double(cause.date.days(until: answer.date)), 0.5)))
        }
        delays = pairs
        delayFit = DistributionFits.gamma(pairs.map(\.days))

        // Killed per incident by weapon, from each incident's documented figure (the low end of
        // a documented range).
        var fits: [(weapon: String, counter: String, fit: DistributionFit)] = []
        var singles: [(weapon: String, counter: String, value: Documented)] = []
        let weapons = Set(catalog.incidents.compactMap { $0.kind == .incident && inRange($0) ? $0.weapon : nil }).sorted()
        for weapon in weapons {
            let incidents = catalog.incidents.filter { $0.kind == .incident && $0.weapon == weapon && inRange($0) }
            for counter in Catalog.casualtyColumns where counter.hasSuffix("_killed") {
                let known = incidents.compactMap { $0.casualties[counter] }
                if known.count == 1, known[0].high > 0 { singles.append((weapon, counter, known[0])) }
                if known.count >= 2, let fit = DistributionFits.negativeBinomial(known.map { Int($0.figure) }) {
                    fits.append((weapon, counter, fit))
                }
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

extension HawkesFit {
    /// A one-type Hawkes process for the times of `windows`' events and independent marks for
    /// their types (shares by maximum likelihood: the observed fractions). It describes the same
    /// marked data as a `dimensions`-type fit, so the two AICs compare.
    public static func fitWithIndependentMarks(windows: [HawkesWindow], dimensions d: Int) -> (HawkesFit, [Double]) {
        let unmarked = windows.map { w in
            HawkesWindow(start: w.start, end: w.end, events: w.events.map { HawkesEvent(time: $0.time, type: 0) })
        }
        let fit = HawkesFit.fit(windows: unmarked, dimensions: 1)
        let all = windows.flatMap(\.events)
        let shares = (0..<d).map { t in Double(all.filter { $0.type == t }.count) / Double(max(all.count, 1)) }
        let markLogLikelihood = all.reduce(0) { $0 + log(shares[$1.type]) }
        return (HawkesFit(parameters: fit.parameters, logLikelihood: fit.logLikelihood + markLogLikelihood,
                          parameterCount: fit.parameterCount + d - 1, eventCount: fit.eventCount, muError: fit.muError,
                          alphaError: fit.alphaError, betaError: fit.betaError, converged: fit.converged, ks: fit.ks), shares)
    }
}
