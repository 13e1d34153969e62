import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import TestSupport
import Testing

/// What a report is drawn from: cumulative incidence of the outcomes (and Kaplan–Meier, its
/// survival), the ladder over time, the answer matrix and its branching ratio, the typical run.
struct ReportDataTests {
    /// Seven runs by hand: events at 1, 3, 3, 5; censored at 2, 3, 4.
    ///   t=1: 7 at risk, 1 event   → S = 6/7
    ///   t=2: censored (5 left at risk after it)
    ///   t=3: 5 at risk (the run censored at 3 still counts), 2 events → S = 6/7 · 3/5 = 18/35
    ///   t=4: censored (1 left)
    ///   t=5: 1 at risk, 1 event   → S = 0
    @Test func kaplanMeierMatchesAHandComputedCaseWithCensoring() {
        let km = KaplanMeier([(3, true), (1, true), (2, false), (3, false), (5, true), (3, true), (4, false)])
        #expect(km.times == [1, 3, 5])
        #expect(km.survival.count == 3)
        #expect(abs(km.survival[0] - 6.0 / 7) < 1e-15)
        #expect(abs(km.survival[1] - 18.0 / 35) < 1e-15)
        #expect(km.survival[2] == 0)
        #expect(km.n == 7 && km.events == 4)
        #expect(km.value(at: 0.5) == 1)
        #expect(km.value(at: 1) == km.survival[0])
        #expect(km.value(at: 2.9) == km.survival[0])
        #expect(km.value(at: 4.99) == km.survival[1])
        #expect(km.value(at: 100) == 0)
        // Without censoring it is one minus the empirical distribution function.
        let plain = KaplanMeier([(2, true), (1, true), (2, true), (4, true)])
        #expect(plain.survival == [0.75, 0.25, 0])
        // All censored: no steps, survival 1 throughout.
        #expect(KaplanMeier([(1, false), (2, false)]).times.isEmpty)
    }

    func data(_ yaml: String, runs: Int, seed: UInt64 = 1) throws -> ReportData {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("s.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try ScenarioLoader.load(path: path, overrides: [])
        return try ReportData.collect(scenario: loaded.scenario,
                                      manifest: ReportData.manifest(for: loaded, runs: runs, seed: seed, threads: 2), threads: 2)
    }

    /// The US answers each militia action with probability p, the militia each US action with
    /// probability q: the answer matrix is [[0, q], [p, 0]] (rows: who answers) and its spectral
    /// radius, the branching ratio, √(pq).
    @Test func theAnswerMatrixEstimatesAnswerProbabilitiesAndItsSpectralRadius() throws {
        let (p, q) = (0.8, 0.6)
        let d = try data(answerChainYAML(p: p, q: q), runs: 4000)
        let m = d.answerMatrix
        let (militia, us) = (0, 1)
        #expect(m[militia][militia] == 0 && m[us][us] == 0)
        #expect(abs(m[us][militia] - p) <= Tolerance.proportion(p, n: d.actorEvents[militia]), "\(m[us][militia])")
        #expect(abs(m[militia][us] - q) <= Tolerance.proportion(q, n: d.actorEvents[us]), "\(m[militia][us])")
        #expect(abs(d.branchingRatio - (m[us][militia] * m[militia][us]).squareRoot()) < 1e-12)
        // Every answer has a cause, so answers are actions less the 4000 injected attacks.
        #expect(d.answers[us][militia] + d.answers[militia][us] == d.actorEvents.reduce(0, +) - 4000)
        // Everyone reaches rung 4 at time 0; rung 5 at 0.01 (so by day 1, not by day 0) exactly
        // when the US answered.
        #expect(d.ladder[4][0] == 4000 && d.ladder[4].last == 4000)
        let answered = Double(d.ladder[5].last!) / 4000
        #expect(abs(answered - p) <= Tolerance.proportion(p, n: 4000))
        #expect(d.ladder[5][0] == 0 && d.ladder[5][1] == d.ladder[5].last)
        // The typical run has the median number of actions.
        #expect(d.median.result.actions == Int(d.summary.metric(named: "events")!.quantile(0.5)))
    }

    /// Eight runs by hand, outcomes A (0) and B (1): A at 1; B at 2 and one censored at 2; A at 3;
    /// censored at 4; A and B at 5; censored at 6.
    ///   t=1: 8 at risk, S = 1:        F_A = 1/8;                          S = 7/8
    ///   t=2: 7 at risk (the censored run too): F_B = 7/8 · 1/7 = 1/8;      S = 3/4, then 5 at risk
    ///   t=3: 5 at risk: F_A = 1/8 + 3/4 · 1/5 = 11/40;                    S = 3/5
    ///   t=4: censored, 3 at risk
    ///   t=5: 3 at risk: F_A = 11/40 + 3/5 · 1/3 = 19/40, F_B = 1/8 + 1/5 = 13/40; S = 1/5
    @Test func aalenJohansenMatchesAHandComputedCaseWithCensoring() {
        let f = CumulativeIncidence([(5, 0), (1, 0), (2, 1), (2, nil), (6, nil), (3, 0), (4, nil), (5, 1)], outcomes: 2)
        #expect(f.times == [1, 2, 3, 5] && f.n == 8 && f.censored == 3)
        let a: [Double] = [1.0 / 8, 1.0 / 8, 11.0 / 40, 19.0 / 40], b: [Double] = [0, 1.0 / 8, 1.0 / 8, 13.0 / 40]
        for j in 0..<4 {
            #expect(abs(f.incidence[0][j] - a[j]) < 1e-15 && abs(f.incidence[1][j] - b[j]) < 1e-15, "t = \(f.times[j])")
        }
        #expect(f.value(outcome: 0, at: 0.99) == 0 && f.value(outcome: 0, at: 1) == f.incidence[0][0])
        #expect(f.value(outcome: 1, at: 4.5) == f.incidence[1][2] && f.value(outcome: 0, at: 100) == f.incidence[0][3])
        // Its survival is Kaplan–Meier's with every outcome an event.
        let km = KaplanMeier([(5, true), (1, true), (2, true), (2, false), (6, false), (3, true), (4, false), (5, true)])
        for t in [0.5, 1, 2, 3, 4, 5, 6] { #expect(abs(f.survival(at: t) - km.value(at: t)) < 1e-15, "S(\(t))") }
        // Cause-specific Kaplan–Meier overstates A: 1 − S_A(5) = 1 − 7/8 · 4/5 · 2/3 = 8/15 > 19/40.
        let causeSpecific = KaplanMeier([(5, true), (1, true), (2, false), (2, false), (6, false), (3, true), (4, false), (5, false)])
        #expect(abs((1 - causeSpecific.value(at: 5)) - 8.0 / 15) < 1e-15)
    }

    /// With nothing censored it is the direct count: runs ended in k by t over all runs, to the bit.
    @Test func withoutCensoringCumulativeIncidenceIsTheDirectCount() {
        var generator = LinearCongruential(state: 3)
        var runs: [(time: Double, outcome: Int?)] = []
        for _ in 0..<997 { runs.append((Double(generator.next() % 41) / 4, Int(generator.next() % 3))) }
        let f = CumulativeIncidence(runs, outcomes: 3)
        for k in 0..<3 {
            for t in stride(from: -1.0, through: 11, by: 0.25) {
                let direct = Double(runs.filter { $0.outcome == k && $0.time <= t }.count) / 997
                #expect(f.value(outcome: k, at: t) == direct, "F_\(k)(\(t))")
            }
        }
        // Censoring only at the last time (the horizon) changes nothing before or at it.
        let atHorizon = CumulativeIncidence(runs + [(10, nil), (10, nil)], outcomes: 3)
        for t in [2.0, 9.75, 10] {
            #expect(atHorizon.value(outcome: 1, at: t) == Double(runs.filter { $0.outcome == 1 && $0.time <= t }.count) / 999)
        }
    }

    /// Two competing processes: the first attack of kind a ends the run in `a` (rate 0.01 a
    /// day), the first of kind b in `b` (0.02), else the horizon (100 days). Then
    /// F_a(t) = a/(a + b) · (1 − e^(−(a + b)t)); the report's daily values are the direct count.
    @Test func cumulativeIncidenceOfCompetingOutcomesMatchesTheExponentialRaces() throws {
        let d = try data("""
            horizon: 100
            actors: {militia: {name: Militia}, us: {name: US}}
            actions:
              attack_a: {actor: militia, target: us, rung: 4}
              attack_b: {actor: militia, target: us, rung: 3}
            processes:
              a: {action: attack_a, rate: 0.01}
              b: {action: attack_b, rate: 0.02}
            outcomes:
              a: {when: count(attack_a) >= 1}
              b: {when: count(attack_b) >= 1}
            """, runs: 4000)
        let (a, b) = (0, 1)
        let byDay = d.incidenceByDay()
        #expect(byDay.count == d.scenario.outcomeNames.count && byDay[a].count == 101 && d.days == 101)
        for day in [10, 40, 99] {
            for (k, rate) in [(a, 0.01), (b, 0.02)] {
                let exact = rate / 0.03 * (1 - exp(-0.03 * Double(day)))
                #expect(abs(byDay[k][day] - exact) <= Tolerance.proportion(exact, n: 4000), "F_\(k)(\(day))")
            }
        }
        // The daily values are the direct count over the same runs simulated again.
        let runs = d.scenario.replicate(4000, master: 1)
        for k in [a, b] {
            for day in 0...100 {
                let count = runs.filter { $0.outcome == k && $0.outcomeDay <= Double(day) }.count
                #expect(byDay[k][day] == Double(count) / 4000, "outcome \(k), day \(day)")
            }
            #expect(byDay[k][100] == Double(d.summary.outcomeCounts[k]) / 4000)
        }
        #expect(byDay[d.scenario.unresolvedOutcome].allSatisfy { $0 == 0 })
    }
}
