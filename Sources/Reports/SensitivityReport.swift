import EscalationModel
import Experiments
import Foundation

/// The report of a one-at-a-time sensitivity analysis (Sobol indices: SobolReport.swift).
extension AnalysisReport {
    /// The tornado chart of a sensitivity analysis, how to read it, its table, and the command
    /// that reproduces its CSV.
    public static func sensitivity(title: String, _ result: Sensitivity.Result, reproduce: String? = nil, top: Int = 15) -> String {
        let m = result.measure
        var page = HTMLPage(title: "\(title): sensitivity")
        page.raw("<h1>\(xmlEscaped(title)): sensitivity</h1>")
        let down = humanNumber(1 - result.change), up = humanNumber(1 + result.change)
        let value = { (x: Double) in m.isMetric ? significant(x) : String(format: "%.1f%%", 100 * x) }
        let swing = { (x: Double) in m.isMetric ? signed(significant(x)) : signed(String(format: "%.1f", 100 * x)) }
        let what = m.isMetric ? "the mean of \(m.name) per run" : "the probability of \(m.name)"
        page.paragraph("Each numeric parameter scaled down and up by \(Int((result.change * 100).rounded()))% (probabilities capped at 1), "
                       + "one at a time, \(result.runs) runs each with the same random streams. Measured: \(what), "
                       + "\(value(result.baseValue)) in the base scenario (95% interval \(value(result.baseInterval.low)) to "
                       + "\(value(result.baseInterval.high))).", className: "meta")
        let shown = Array(result.rows.prefix(top))
        page.figure(id: "chart-tornado", svg: Chart.labelledTornado(
            title: "What moves \(m.isMetric ? "the mean of" : "the probability of") \(m.name)",
            items: shown.map { Chart.TornadoItem(label: $0.label ?? $0.path, path: $0.path, low: $0.valueLow, high: $0.valueHigh,
                                                 swingInterval: $0.swingInterval) },
            base: result.baseValue, xLabel: m.isMetric ? "mean \(m.name) per run" : "probability of \(m.name)",
            lowLabel: "parameter × \(down)", highLabel: "parameter × \(up)", probability: !m.isMetric),
            caption: "The \(shown.count) most influential parameters, largest swing first, each named by what it is above its path. "
                + "Hatched: the parameter scaled by \(down); solid: by \(up) (a negative effect is made weaker, then stronger). "
                + "The vertical line: the base scenario. The red whisker through the solid bar's end: the 95% interval of the "
                + "swing, measured from the hatched bar's end; a faded row's interval holds 0.")
        page.heading("How to read it")
        page.paragraph("The swing is \(what) with the parameter raised minus with it lowered. Both variants ran the same "
                       + "\(result.runs) replication streams, so chance that is the same in both cancels, and the swing gets a paired "
                       + "interval (\(m.isMetric ? "the paired t interval" : "Newcombe's interval for paired proportions")), "
                       + "narrower than the two separate intervals suggest, and a p-value (\(m.isMetric ? "paired t test" : "McNemar's exact test")). "
                       + "A swing whose interval holds 0 is within the noise of \(result.runs) runs: the parameter may matter less "
                       + "than the bar shows, or not at all over this range; more runs would tell. The ranking is by the size of "
                       + "the swing; its sign says which way the parameter pushes.")
        let units = m.isMetric ? "" : " (points)"
        let header = ["parameter", "path", "base", "× \(down)", "× \(up)", "at × \(down)", "at × \(up)", "swing\(units)",
                      "its 95% interval", "p-value"]
        page.table(id: "sensitivity-table", header: header, rows: result.rows.map { r in
            [(r.label ?? r.path, nil), (r.path, nil), (humanNumber(r.base, digits: 4), r.base), (humanNumber(r.low, digits: 4), r.low),
             (humanNumber(r.high, digits: 4), r.high), (value(r.valueLow), r.valueLow), (value(r.valueHigh), r.valueHigh),
             (swing(r.swing) + (r.withinNoise ? " (noise)" : ""), r.swing),
             ("\(swing(r.swingInterval.low)) to \(swing(r.swingInterval.high))", nil), (pValueText(r.pValue), r.pValue)]
        }, numeric: [2, 3, 4, 5, 6, 7, 8, 9])
        if !result.skipped.isEmpty {
            page.paragraph("Left out, because the changed scenario would not compile: "
                           + result.skipped.map { "\($0.path) (\($0.reason))" }.joined(separator: "; ") + ".", className: "note")
        }
        if let reproduce { page.raw(reproduceParagraph(reproduce)) }
        return page.render()
    }

    /// "The CSV again, byte for byte: <code>…</code>".
    static func reproduceParagraph(_ command: String) -> String {
        "<p class=\"note\" id=\"reproduce\">The CSV again, byte for byte (also in its manifest): <code>\(xmlEscaped(command))</code></p>"
    }

    static func significant(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return humanNumber(x) }
        return String(format: "%.\(digits)g", x)
    }

    static func signed(_ text: String) -> String { text.hasPrefix("-") || Double(text) == 0 ? text : "+" + text }

    static func pValueText(_ p: Double) -> String {
        guard p.isFinite else { return "—" }
        return p < 0.001 ? "< 0.001" : String(format: "%.3f", p)
    }
}
