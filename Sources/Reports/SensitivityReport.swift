import EscalationModel
import Experiments
import Foundation

/// The report of a sensitivity analysis.
extension AnalysisReport {
    /// The tornado chart of a sensitivity analysis, and its table.
    public static func sensitivity(title: String, _ result: Sensitivity.Result, top: Int = 15) -> String {
        var page = HTMLPage(title: "\(title): sensitivity")
        page.raw("<h1>\(xmlEscaped(title)): sensitivity</h1>")
        page.paragraph("Each numeric parameter scaled down and up by \(Int((result.change * 100).rounded()))% (probabilities capped at 1), one at a time, "
                       + "\(result.runs) runs each with the same random streams. The outcome: \(result.outcome), probability "
                       + String(format: "%.1f%%", 100 * result.pBase) + " in the base scenario.", className: "meta")
        let shown = Array(result.rows.prefix(top))
        page.figure(id: "chart-tornado", svg: Chart.tornado(
            title: "What moves the probability of \(result.outcome)", items: shown.map { ($0.path, $0.pLow, $0.pHigh) },
            base: result.pBase, xLabel: "probability of \(result.outcome)",
            lowLabel: "parameter × \(humanNumber(1 - result.change))", highLabel: "parameter × \(humanNumber(1 + result.change))"),
            caption: "The \(shown.count) most influential parameters, largest swing first. Hatched: the parameter scaled by \(humanNumber(1 - result.change)); solid: by \(humanNumber(1 + result.change)) (a negative effect is made weaker, then stronger). The vertical line: the base scenario.")
        page.table(id: "sensitivity-table", header: ["parameter", "base", "× \(humanNumber(1 - result.change))", "× \(humanNumber(1 + result.change))",
                                                     "p at × \(humanNumber(1 - result.change))", "p at × \(humanNumber(1 + result.change))", "swing"],
                   rows: result.rows.map { r in
                       [(r.path, nil), (humanNumber(r.base, digits: 4), r.base), (humanNumber(r.low, digits: 4), r.low),
                        (humanNumber(r.high, digits: 4), r.high), (String(format: "%.1f%%", 100 * r.pLow), r.pLow),
                        (String(format: "%.1f%%", 100 * r.pHigh), r.pHigh), (String(format: "%.1f", 100 * r.swing) + " points", r.swing)]
                   }, numeric: [1, 2, 3, 4, 5, 6])
        if !result.skipped.isEmpty {
            page.paragraph("Left out, because the changed scenario would not compile: "
                           + result.skipped.map { "\($0.path) (\($0.reason))" }.joined(separator: "; ") + ".", className: "note")
        }
        return page.render()
    }
}
