import Calibration
import Foundation
import Record
import Stochastics
import TestSupport
import Testing

/// `escalation fit-hawkes`: both models describe exactly the dated incidents, totals stay out
/// of the likelihood, and nothing is counted twice.
struct RecordFitTests {
    static let catalog = try! Catalog.load(folder: repositoryPath("seeds"))

    /// The one-type model with independent marks is a model of the same marked events: its
    /// log-likelihood is the one-type Hawkes likelihood of the times plus the multinomial
    /// likelihood of the types at their observed shares, so its AIC compares with the two-type one.
    @Test func theIndependentMarksModelScoresTheSameDataAsTheTwoTypeModel() {
        let truth = HawkesParameters(mu: [0.2, 0.1], alpha: [[0.2, 0.3], [0.3, 0.1]], beta: 0.7)
        let events = Hawkes.simulate(truth, horizon: 400, stream: RandomStream(seed: 8))
        let windows = [HawkesWindow(start: 0, end: 400, events: events)]
        let (pooled, shares) = HawkesFit.fitWithIndependentMarks(windows: windows, dimensions: 2)
        let marked = HawkesFit.fit(windows: windows, dimensions: 2)
        let times = HawkesFit.fit(windows: [HawkesWindow(start: 0, end: 400, events: events.map { HawkesEvent(time: $0.time, type: 0) })],
                                  dimensions: 1)
        let counts = (0..<2).map { t in events.filter { $0.type == t }.count }
        #expect(shares == counts.map { Double($0) / Double(events.count) })
        let marks = counts.reduce(0.0) { $0 + Double($1) * log(Double($1) / Double(events.count)) }
        #expect(abs(pooled.logLikelihood - (times.logLikelihood + marks)) < 1e-9)
        #expect(pooled.eventCount == marked.eventCount && pooled.eventCount == events.count)
        // One rate, one excitation, one decay, and one free share.
        #expect(pooled.parameterCount == 4 && marked.parameterCount == 7)
    }

    @Test func theFitUsesTheDatedIncidentsOnlyAndSetsTotalsBesideIt() throws {
        let fit = try RecordFit(catalog: Self.catalog)
        let dated = Self.catalog.incidents.filter {
            $0.kind == .incident && $0.precision == .day && ($0.rung ?? 0) >= 3
                && ($0.actor.map { ["us", "iran"].contains($0) || Catalog.militiaActors.contains($0) } ?? false)
        }
        #expect(fit.windows.reduce(0) { $0 + $1.events.count } == dated.count)
        #expect(fit.marked.eventCount == dated.count && fit.pooled.eventCount == dated.count)
        #expect(fit.converged)
        // Windows run from a dated incident to a dated incident: no total stretches them.
        for (window, dates) in zip(fit.windows, fit.windowDates) {
            #expect(dated.contains { $0.date == dates.start } && dated.contains { $0.date == dates.end })
            #expect(window.end - window.start == Double(dates.start.days(until: dates.end) + 1))
        }
        // Each total with a count is set beside the fit with what its dated rows leave undated.
        let totals = Self.catalog.incidents.filter { $0.kind == .aggregate && $0.count != nil && $0.actor != nil }
        #expect(fit.completeness.map(\.total.id) == totals.map(\.id))
        for c in fit.completeness {
            let contained = c.contained.compactMap { Self.catalog.incident($0) }
            let rows = contained.reduce(Documented.exactly(0)) { $0 + ($1.count ?? .exactly(1)) }
            #expect(c.undated == (c.total.count! - rows).nonNegative, "\(c.total.id)")
        }
    }
}
