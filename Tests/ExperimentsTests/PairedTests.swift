import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import Stochastics
import TestSupport
import Testing

/// Paired comparisons: the intervals and tests against values worked by hand, their coverage
/// against a known truth, and `Compare` against the batches of its two arms.
@Suite struct PairedTests {
    /// Bentur et al.'s table (both 1, B only 1, A only 7, neither 12), the worked example of
    /// Fagerland, Lydersen and Laake's chapter on paired 2×2 tables; the interval worked by
    /// hand from Newcombe's formula: −0.2857 (−0.5069 to −0.0256).
    @Test func newcombesIntervalOnAWorkedTable() {
        let p = PairedProportion(both: 1, onlyB: 1, onlyA: 7, neither: 12)
        #expect(abs(p.difference - (-6.0 / 21)) < 1e-15)
        let ci = p.interval()
        #expect(abs(ci.low - (-0.506920226686141)) < 1e-9)
        #expect(abs(ci.high - (-0.02555912416485978)) < 1e-9)
        // McNemar exact: 2 · P(X ≤ 1) for X ~ Binomial(8, 1/2) = 2 · 9/256.
        #expect(abs(p.pValue - 18.0 / 256) < 1e-12)
    }

    @Test func identicalArmsDifferByNothing() {
        let p = PairedProportion(both: 300, onlyB: 0, onlyA: 0, neither: 700)
        #expect(p.difference == 0)
        #expect(p.pValue == 1)
        let ci = p.interval()
        #expect(ci.low <= 0 && ci.high >= 0 && ci.high - ci.low < 0.01)
        var m = PairedMean()
        for x in [1.0, 2, 3, 5] { m.add(a: x, b: x) }
        #expect(m.difference == 0 && m.pValue == 1)
    }

    @Test func pairedMeanIsTheMeanOfDifferencesWithATInterval() {
        var m = PairedMean()
        let a = [1.0, 2, 4, 7, 9], b = [2.0, 2, 6, 8, 12]  // differences 1, 0, 2, 1, 3
        for (x, y) in zip(a, b) { m.add(a: x, b: y) }
        m.add(a: .infinity, b: 3)
        #expect(m.n == 5 && m.skipped == 1)
        #expect(abs(m.difference - 1.4) < 1e-12)
        // sd of (1, 0, 2, 1, 3) = sqrt(1.3); t(0.975, 4) = 2.7764451051977987.
        let half = 2.7764451051977987 * (1.3).squareRoot() / (5.0).squareRoot()
        #expect(abs(m.interval().low - (1.4 - half)) < 1e-9 && abs(m.interval().high - (1.4 + half)) < 1e-9)
        // t = 1.4 / (sqrt(1.3)/sqrt(5)) = 2.7456; two-sided p from Student's t with 4 df.
        #expect(abs(m.pValue - 0.0517) < 5e-4)
    }

    /// Pairs drawn with a known difference and a strong positive correlation, as common random
    /// numbers give: the 95% interval must cover the truth in about 95% of 2,000 data sets
    /// (within the 99.9% binomial range of 0.95 at 2,000 trials: ±0.016), and be far narrower
    /// than two separate Wilson intervals.
    @Test func newcombesIntervalCoversTheTrueDifference() {
        let stream = RandomStream(seed: 42)
        let pA = 0.10, pB = 0.08, n = 500, sets = 2000
        var covered = 0, pairedWidth = 0.0, separateWidth = 0.0
        for _ in 0..<sets {
            var p = PairedProportion()
            for _ in 0..<n {
                // One uniform decides both arms: B's event is a subset of A's (maximal correlation).
                let u = stream.uniform()
                p.add(a: u < pA, b: u < pB)
            }
            let ci = p.interval()
            if ci.low <= pB - pA && pB - pA <= ci.high { covered += 1 }
            pairedWidth += ci.high - ci.low
            let wa = Interval.wilson(successes: p.countA, n: n), wb = Interval.wilson(successes: p.countB, n: n)
            separateWidth += (wa.high - wa.low) + (wb.high - wb.low)
        }
        let coverage = Double(covered) / Double(sets)
        #expect(abs(coverage - 0.95) <= 3.29 * (0.95 * 0.05 / Double(sets)).squareRoot(), "coverage \(coverage)")
        #expect(pairedWidth < 0.5 * separateWidth)
    }

    /// Both arms of a comparison are exactly the batches of the two scenarios with the same seed.
    @Test func eachArmIsItsBatch() throws {
        let base = try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml"))
        let early = try ScenarioLoader.load(path: repositoryPath("Scenarios/air-defense-early.yaml"))
        var request = Compare.Request(a: base, b: early, runs: 1500, masterSeed: 9, threads: 2)
        request.quiet = true
        let result = try Compare.run(request)
        for (loaded, summary) in [(base, result.summaryA), (early, result.summaryB)] {
            var batch = BatchSummary(table: RunTable(loaded.scenario))
            try BatchEngine(scenario: loaded.scenario).run(range: 0..<1500, masterSeed: 9, threads: 1) { chunk in
                for i in 0..<chunk.count { chunk.withRecord(i, width: RecordLayout(loaded.scenario).width) { batch.add($0) } }
            }
            #expect(batch.csv() == summary.csv())
        }
        // Pairs add up: every run is in the transition table once, and the margins are the arms.
        #expect(result.transitions.flatMap { $0 }.reduce(0, +) == 1500)
        for (k, o) in result.outcomes.enumerated() {
            #expect(result.transitions[k].reduce(0, +) == o.pairs.countA)
            #expect(result.transitions.map { $0[k] }.reduce(0, +) == o.pairs.countB)
        }
        // The same comparison on one thread is the same bytes.
        request.threads = 1
        #expect(Compare.csv(try Compare.run(request)) == Compare.csv(result))
    }
}
