import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import TestSupport
import Testing

/// What a report is drawn from: Kaplan–Meier curves, the ladder over time, the answer matrix and
/// its branching ratio, the typical run.
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
        // Everyone reaches rung 4 on day 0; rung 5 by the end of day 0 exactly when the US answered.
        #expect(d.ladder[4][0] == 4000 && d.ladder[4].last == 4000)
        let answered = Double(d.ladder[5].last!) / 4000
        #expect(abs(answered - p) <= Tolerance.proportion(p, n: 4000))
        #expect(d.ladder[5][0] == d.ladder[5].last)
        // The typical run has the median number of actions.
        #expect(d.median.result.actions == Int(d.summary.metric(named: "events")!.quantile(0.5)))
    }

    /// Cause-specific survival: the outcome's own runs are events, the rest are censored, so
    /// 1 − S(horizon) is at least the outcome's raw share, and equals it when nothing else
    /// ends runs before the horizon.
    @Test func survivalToAnOutcomeCountsItsRunsAsEventsAndCensorsTheRest() throws {
        let d = try data("""
            horizon: 100
            actors: {militia: {name: Militia}, us: {name: US}}
            actions:
              attack: {actor: militia, target: us, rung: 4}
            processes:
              attacks: {action: attack, rate: 0.02}
            outcomes:
              struck: {when: count(attack) >= 1}
            """, runs: 3000)
        let k = d.scenario.outcomeNames.firstIndex(of: "struck")!
        let km = d.survival(toOutcome: k)
        #expect(km.events == d.summary.outcomeCounts[k] && km.n == 3000)
        // Only the horizon censors here: S(t) is the exponential survival e^(−0.02 t).
        let share = Double(d.summary.outcomeCounts[k]) / 3000
        #expect(abs((1 - km.value(at: 100)) - share) < 1e-12)
        for t in [10.0, 35, 70] {
            let exact = exp(-0.02 * t)
            #expect(abs(km.value(at: t) - exact) <= Tolerance.proportion(exact, n: 3000), "S(\(t)) = \(km.value(at: t))")
        }
    }
}
