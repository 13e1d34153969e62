import EscalationModel
import Experiments
import Foundation
import Record

/// A sweep for a person at a terminal, in 100 columns: one row per grid point with each
/// outcome's probability and the mean of the first side's killed, then the base point.
public struct SweepTable {
    public let scenario: Scenario
    public let varies: [Vary]
    public let labels: [String]
    public let result: Sweep.Result
    public let runs: Int
    public let seed: UInt64

    public init(scenario: Scenario, varies: [Vary], labels: [String], result: Sweep.Result, runs: Int, seed: UInt64) {
        self.scenario = scenario
        self.varies = varies
        self.labels = labels
        self.result = result
        self.runs = runs
        self.seed = seed
    }

    public func render() -> String {
        let names = scenario.outcomeNames
        let shown = names.indices.filter { k in result.points.contains { $0.summary.outcomeCounts[k] > 0 } || k < scenario.outcomes.count }
        let killed = scenario.sides.first.map { ($0.id + "_killed", "\($0.name) killed") }
        var lines = ["\(scenario.title): sweep, \(runs) runs a point on the same streams, seed \(seed)"]
        for label in labels { lines += TerminalText.wrap("varied: " + label, first: "  ", rest: "    ") }
        lines.append("")
        var rows = [varies.map(short) + shown.map { names[$0] } + (killed.map { [$0.1] } ?? [])]
        func row(_ values: [String], _ summary: BatchSummary) -> [String] {
            values + shown.map { String(format: "%.1f%%", 100 * summary.probability(ofOutcome: $0)) }
                + (killed.map { [humanNumber(summary.metric(named: $0.0)?.mean ?? .nan)] } ?? [])
        }
        for p in result.points { rows.append(row(p.values.map { humanNumber($0, digits: 4) }, p.summary)) }
        rows.append(row(varies.indices.map { $0 == 0 ? "as written" : "" }, result.base))
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        for r in rows {
            lines.append(r.enumerated().map { c, cell in String(repeating: " ", count: widths[c] - cell.count) + cell }
                .joined(separator: "   "))
        }
        lines.append("")
        lines.append("Paired differences from the scenario as written, with 95% intervals: the CSV's diff_ columns.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A column heading for a varied path: the parameter's name where the path is one.
    func short(_ vary: Vary) -> String {
        if vary.path.count == 3 && vary.path[0] == "parameters" && vary.path[2] == "value" { return vary.path[1] }
        return vary.path.suffix(2).joined(separator: ".")
    }

}
