import EscalationModel
import Experiments
import Foundation
import Record
import ScenarioIO

/// A comparison for a person at a terminal, in 100 columns: what differs between the arms, each
/// outcome's probability in A and B with the paired difference, its 95% interval and p-value,
/// how many runs changed their ending and how, and the key metrics likewise.
public struct CompareTable {
    public let a: Scenario
    public let b: Scenario
    public let result: Compare.Result
    public let differences: [ScenarioDiff.Difference]

    public init(a: Scenario, b: Scenario, result: Compare.Result, differences: [ScenarioDiff.Difference]) {
        self.a = a
        self.b = b
        self.result = result
        self.differences = differences
    }

    public func render(heading: [String]) -> String {
        var lines = heading + [""]
        lines.append(differences.isEmpty ? "The two arms are the same scenario: every difference below is 0."
                     : "What B changes (\(differences.count) value\(differences.count == 1 ? "" : "s")):")
        for d in differences.prefix(12) {
            lines += TerminalText.wrap("\(d.pathString): \(d.a ?? "(absent)") → \(d.b ?? "(absent)")", first: "  ", rest: "      ")
        }
        if differences.count > 12 { lines.append("  … and \(differences.count - 12) more (the report lists them all)") }
        lines.append("")
        var rows = [["outcome", "A", "B", "B − A", "95% paired interval", "p"]]
        for o in result.outcomes where o.pairs.countA + o.pairs.countB > 0 || isDeclared(o.name) {
            let p = o.pairs, ci = p.interval()
            rows.append([o.name, DifferenceText.percent(p.probabilityA), DifferenceText.percent(p.probabilityB), DifferenceText.points(p.difference),
                         "\(DifferenceText.points(ci.low)) to \(DifferenceText.points(ci.high))", DifferenceText.pValue(p.pValue)])
        }
        lines += align(rows, right: [1, 2, 3, 4, 5])
        let changed = result.changed
        lines.append("")
        lines.append("Runs whose ending changed: \(changed) of \(result.runs) (\(DifferenceText.percent(Double(changed) / Double(result.runs))))"
                     + (changed > 0 ? ":" : "."))
        var moves: [(Int, String)] = []
        for (i, row) in result.transitions.enumerated() {
            for (j, count) in row.enumerated() where i != j && count > 0 {
                // No-break spaces keep a move on one line when the list wraps.
                moves.append((count, "\(result.outcomes[i].name)\u{A0}→\u{A0}\(result.outcomes[j].name)\u{A0}\(count)"))
            }
        }
        moves.sort { $0.0 > $1.0 }
        if !moves.isEmpty {
            lines += TerminalText.wrap(moves.prefix(8).map(\.1).joined(separator: "; ") + (moves.count > 8 ? "; …" : ""),
                                       first: "  ", rest: "  ")
        }
        lines.append("")
        lines += whenRunsEnd()
        var metricRows = [["metric", "A", "B", "B − A", "95% paired interval", "p"]]
        for m in keyMetrics() {
            let p = m.pairs, ci = p.interval()
            metricRows.append([m.name, humanNumber(p.a.mean), humanNumber(p.b.mean), DifferenceText.signed(p.difference),
                               "\(DifferenceText.signed(ci.low)) to \(DifferenceText.signed(ci.high))", DifferenceText.pValue(p.pValue)])
        }
        lines += align(metricRows, right: [1, 2, 3, 4, 5])
        lines.append("")
        lines.append("B − A over the same replication streams; intervals are paired (Newcombe for outcomes, paired t")
        lines.append("for means); p: McNemar's exact test or the paired t test. An interval that excludes 0 is a")
        lines.append("difference this many runs can tell from luck.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The median day of each declared ending in each arm, among the runs that end so.
    func whenRunsEnd() -> [String] {
        var rows = [["ends on day (median)", "A", "B"]]
        for o in result.outcomes where isDeclared(o.name) && o.pairs.countA + o.pairs.countB > 0 {
            func median(_ s: Scenario, _ summary: BatchSummary) -> String {
                guard let k = s.outcomeNames.firstIndex(of: o.name), summary.daysTo[k].n > 0 else { return "—" }
                return "day " + humanNumber(summary.daysTo[k].quantile(0.5), digits: 1)
            }
            rows.append([o.name, median(a, result.summaryA), median(b, result.summaryB)])
        }
        return rows.count > 1 ? align(rows, right: [1, 2]) + [""] : []
    }

    func isDeclared(_ name: String) -> Bool {
        a.outcomes.contains { $0.id == name } || b.outcomes.contains { $0.id == name }
    }

    /// Killed by side, US wounded, highest rung and actions: the metrics of the batch table.
    func keyMetrics() -> [Compare.MetricDifference] {
        var names: [String] = []
        for (s, side) in a.sides.enumerated() {
            names.append(side.id + "_killed")
            if s == 0 { names.append(side.id + "_wounded") }
        }
        names += ["max_rung", "events"]
        return names.compactMap { name in
            result.metrics.first { $0.name == name && ($0.pairs.a.maximum > 0 || $0.pairs.b.maximum > 0) }
        }
    }

    /// A table laid out by TextTable: the first row the header, three spaces between columns.
    func align(_ rows: [[String]], right: Set<Int>) -> [String] {
        TextTable(rows[0].enumerated().map { TextTable.Column($1, right: right.contains($0)) }, rows: Array(rows.dropFirst()), gap: 3)
            .render()
    }
}
