import EscalationModel
import Experiments
import Foundation
import Record

/// A backtest for a person: each documented quantity, its value, the simulated 5th, 50th and
/// 95th percentiles, and where the documented value falls; values outside the central 90% are
/// flagged.
public enum BacktestTable {
    public static func render(_ rows: [Backtest.Row], heading: String) -> String {
        var table: [[String]] = []
        for row in rows {
            table.append([row.label, humanNumber(row.documented), show(row.quantile(0.05)), show(row.quantile(0.5)),
                          show(row.quantile(0.95)), String(format: "%.1f%%", row.percentile),
                          row.flagged ? "outside the central 90%" : ""])
        }
        let columns: [TextTable.Column] = [.init("quantity", wraps: true), .init("documented", right: true), .init("p05", right: true),
                                           .init("p50", right: true), .init("p95", right: true), .init("percentile", right: true),
                                           .init("", wraps: true)]
        var lines = TerminalText.wrap(heading, rest: "  ") + [""]
        lines += TextTable(columns, rows: table, rule: true).render()
        lines.append("")
        for row in rows {
            var note = "\(row.id): " + (row.source ?? "no source given")
            if row.neverShare > 0 { note += String(format: " (in %.1f%% of runs it had not happened: ∞)", 100 * row.neverShare) }
            if let injected = row.injected { note += "; reads what injections feed: " + injected }
            lines += TerminalText.wrap(note, rest: "    ")
        }
        let flagged = rows.filter(\.flagged)
        let injected = rows.filter { $0.injected != nil }
        if !injected.isEmpty {
            lines.append("")
            lines += TerminalText.wrap("\(injected.count) of \(rows.count) observations read quantities that incidents injected from "
                                       + "the record feed (" + injected.map(\.id).joined(separator: ", ") + "); unless the observation takes "
                                       + "them away, that part of the value is given, not predicted. `escalation hindcast` injects nothing "
                                       + "after the start.")
        }
        lines.append("")
        lines += TerminalText.wrap(flagged.isEmpty
            ? "Every documented value lies within the central 90% of the simulated runs."
            : "\(flagged.count) of \(rows.count) documented values lie outside the central 90%: "
                + flagged.map(\.id).joined(separator: ", ") + ".")
        return lines.joined(separator: "\n") + "\n"
    }

    static func show(_ x: Double) -> String { x == .infinity ? "∞" : humanNumber(x) }
}
