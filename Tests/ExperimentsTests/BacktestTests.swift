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
        let rows = try Backtest.run(scenario: s, runs: 2000, masterSeed: 1, threads: 2)
        #expect(rows.map(\.id) == ["us_answer_delay", "counter_attacks_7d", "counter_attacks_30d", "us_killed_30d",
                                   "coalition_killed_30d", "isf_killed_30d", "civilians_killed_30d", "highest_rung_30d"])
        for row in rows { #expect(!row.flagged, "\(row.id) at \(row.percentile)%") }
    }

    @Test func aScenarioWithoutDocumentedValuesIsRefused() throws {
        let s = try ScenarioLoader.load(path: repositoryPath("Scenarios/bench/toy.yaml")).scenario
        #expect(throws: BatchError.self) { try Backtest.run(scenario: s, runs: 10, masterSeed: 1, threads: 1) }
    }
}
