import Experiments
import Foundation
import ScenarioIO
import TestSupport
import Testing

struct BacktestTests {
    @Test func theMidRankPercentileSplitsTies() {
        let values: [Double] = [1, 2, 2, 2, 3, 4, 5, 6, 7, .infinity]
        let expected: Double = 100 * (1 + 1.5) / 10
        #expect(Backtest.percentile(of: 2, inSorted: values) == expected)
        #expect(Backtest.percentile(of: 0, inSorted: values) == 0)
        #expect(Backtest.percentile(of: 100, inSorted: values) == 90)
    }

    @Test func theFlagshipsDocumentedValuesLieInsideTheCentralNinetyPercent() throws {
        let s = try ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml")).scenario
        let rows = try Backtest.run(scenario: s, runs: 2000, masterSeed: 1, threads: 2).rows
        #expect(rows.map(\.id) == ["us_strike_week", "us_strike_day", "kh_answer_week", "kh_attacks_week", "kh_attacks_month",
                                   "us_killed_to_april", "quiet_april", "isf_killed_strikes", "highest_rung_month"])
        for row in rows { #expect(!row.flagged, "\(row.id) at \(row.percentile)%") }
        // What injections feed is said, and only there.
        #expect(rows.filter { $0.injected != nil }.map(\.id) == ["us_killed_to_april", "highest_rung_month"])
        #expect(rows.first { $0.id == "us_killed_to_april" }?.injected == "us_killed, 2 of it injected (taji 2)")
    }

    @Test func aScenarioWithoutDocumentedValuesIsRefused() throws {
        let s = try ScenarioLoader.load(path: repositoryPath("Scenarios/bench/toy.yaml")).scenario
        #expect(throws: BatchError.self) { try Backtest.run(scenario: s, runs: 10, masterSeed: 1, threads: 1) }
    }
}
