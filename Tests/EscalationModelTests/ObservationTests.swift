import EscalationModel
import Foundation
import Stochastics
import TestSupport
import Testing

/// Observations read a run at a day, and backtests place a documented value among the runs.
struct ObservationTests {
    @Test func observationsReadTheRunAtTheirDayOrAtItsEnd() throws {
        let s = try scenario("""
            horizon: 50
            actors: {a: {name: A}, b: {name: B}}
            actions: {poke: {actor: a, target: b, rung: 3}, stop: {actor: a, target: b, rung: 9}}
            interventions:
              p1: {at: 2, inject: poke}
              p2: {at: 6, inject: poke}
              end: {at: 20, inject: stop}
            outcomes: {war: {when: max_rung >= 9}}
            observations:
              early: {at: 5, value: count(poke)}
              first_poke: {at: 5, value: first(poke)}
              never: {at: 5, value: first(stop)}
              late: {at: 40, value: count(poke) * 10 + max_rung}
            """)
        let r = Simulator(scenario: s).run(seed: 1)
        // `late` is read when the war ends the run on day 20.
        #expect(r.observations == [1, 2, .infinity, 29])
        #expect(s.outcomeNames[r.outcome] == "war")
    }

    /// Counts of a Poisson process of rate 1 over 10 days, against the documented value 8: the
    /// mid-rank percentile is P(N < 8) + ½ P(N = 8) for N ~ Poisson(10) = 27.65%.
    @Test func theBacktestPercentileOfAConstructedCaseIsTheAnalyticOne() throws {
        let s = try scenario("""
            horizon: 10
            actors: {a: {name: A}, b: {name: B}}
            actions: {poke: {actor: a, target: b, rung: 3}}
            processes: {pokes: {action: poke, rate: 1}}
            observations:
              pokes: {at: 10, value: count(poke), documented: 8, source: constructed}
            """)
        let n = 20_000
        let simulator = Simulator(scenario: s)
        let values = (0..<n).map { simulator.run(seed: StreamSeed.replication(master: 4, index: UInt64($0))).observations[0] }
        var cumulative = 0.0, term = exp(-10.0)
        for k in 0..<8 {
            cumulative += term
            term *= 10 / Double(k + 1)
        }
        let exact = 100 * (cumulative + 0.5 * term)
        #expect(abs(exact - 27.65) < 0.01)
        let below = Double(values.filter { $0 < 8 }.count), equal = Double(values.filter { $0 == 8 }.count)
        let percentile = 100 * (below + 0.5 * equal) / Double(n)
        // Standard error of the mid-rank estimate is at most that of a proportion.
        #expect(abs(percentile - exact) <= 100 * Tolerance.proportion(exact / 100, n: n))
    }
}
