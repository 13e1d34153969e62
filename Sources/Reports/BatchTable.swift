import EscalationModel
import Experiments
import Foundation
import Record

/// A batch's results for a person at a terminal: each outcome's probability with its 95% Wilson
/// interval, then the key metrics (killed by side, US wounded, highest rung, events) with the
/// 95% interval of the mean and the 5th, 50th and 95th percentiles.
public struct BatchTable {
    public let scenario: Scenario
    public let summary: BatchSummary

    public init(scenario: Scenario, summary: BatchSummary) {
        self.scenario = scenario
        self.summary = summary
    }

    public func render(heading: String) -> String {
        var lines = TerminalText.wrap(heading, rest: "  ") + [""]
        var outcomeRows = [["outcome", "probability", "95% interval"]]
        for k in scenario.outcomeNames.indices where summary.outcomeCounts[k] > 0 || k < scenario.outcomes.count {
            let (low, high) = Interval.wilson(successes: summary.outcomeCounts[k], n: summary.n)
            outcomeRows.append([scenario.outcomeLabel(k), percent(summary.probability(ofOutcome: k)),
                                "\(percent(low)) – \(percent(high))"])
        }
        lines += align(outcomeRows, right: [1, 2], wraps: [0])
        lines.append("")
        var metricRows = [["metric", "mean", "95% interval", "p05", "p50", "p95"]]
        for (name, label) in keyMetrics() {
            guard let m = summary.metric(named: name), m.n > 0 else { continue }
            let (low, high) = Interval.mean(m.mean, sd: m.sd, n: m.n)
            metricRows.append([label, humanNumber(m.mean), "\(humanNumber(low)) – \(humanNumber(high))",
                               humanNumber(m.quantile(0.05)), humanNumber(m.quantile(0.5)),
                               humanNumber(m.quantile(0.95))])
        }
        lines += align(metricRows, right: [1, 2, 3, 4, 5], wraps: [0])
        return lines.joined(separator: "\n") + "\n"
    }

    func keyMetrics() -> [(String, String)] {
        var metrics: [(String, String)] = []
        for (s, side) in scenario.sides.enumerated() {
            let killed = side.id + "_killed"
            if let m = summary.metric(named: killed), m.maximum > 0 { metrics.append((killed, "\(side.name) killed")) }
            if s == 0, let m = summary.metric(named: side.id + "_wounded"), m.maximum > 0 {
                metrics.append((side.id + "_wounded", "\(side.name) wounded"))
            }
        }
        return metrics + [("max_rung", "highest rung"), ("events", "actions")]
    }

    func percent(_ p: Double) -> String { String(format: "%.1f%%", 100 * p) }

    /// Rows (the first is the header) as a table 100 columns wide at most.
    func align(_ rows: [[String]], right: Set<Int>, wraps: Set<Int> = []) -> [String] {
        TextTable(rows[0].indices.map { TextTable.Column(rows[0][$0], right: right.contains($0), wraps: wraps.contains($0)) },
                  rows: Array(rows.dropFirst()), gap: 3).render()
    }
}
