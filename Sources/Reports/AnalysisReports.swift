import EscalationModel
import Experiments
import Foundation

/// Reports of sweeps and sensitivity analyses.
public enum AnalysisReport {
    /// Outcome probabilities against the varied parameter: lines with 95% Wilson bands for one
    /// parameter, a heat map per outcome for two, tables otherwise.
    public static func sweep(title: String, varies: [Vary], points: [Sweep.Point], runs: Int, seed: UInt64) -> String {
        var page = HTMLPage(title: "\(title): sweep")
        page.raw("<h1>\(xmlEscaped(title)): sweep</h1>")
        page.paragraph("Varied: " + varies.map { "\($0.name) over \($0.values.map { humanNumber($0, digits: 4) }.joined(separator: ", "))" }.joined(separator: "; ")
                       + ". \(runs) runs at each point with the same random streams (common random numbers), seed \(seed).", className: "meta")
        guard let first = points.first else { return page.render() }
        let names = first.summary.table.outcomeNames
        let shown = names.indices.filter { k in points.contains { $0.summary.outcomeCounts[k] > 0 } }
        if varies.count == 1 {
            let xs = points.map { $0.values[0] }
            let series = shown.map { k in
                (label: names[k], points: points.map { (x: $0.values[0], y: $0.summary.probability(ofOutcome: k)) },
                 band: Optional(points.map { p -> (low: Double, high: Double) in
                    let w = Interval.wilson(successes: p.summary.outcomeCounts[k], n: p.summary.n)
                    return (w.low, w.high)
                 }))
            }
            page.figure(id: "chart-sweep", svg: Chart.lines(
                title: "Outcome probabilities against \(varies[0].name)", series: series,
                x: (xs.min() ?? 0)...(xs.max() ?? 1), y: 0...1, xLabel: varies[0].name, yLabel: "probability",
                yFormat: { "\(Int(($0 * 100).rounded()))%" }),
                caption: "Each line an outcome, with its 95% Wilson interval as a band.")
        } else if varies.count == 2 {
            let rowsValues = varies[0].values, columnValues = varies[1].values
            for k in shown {
                let grid = rowsValues.map { a in columnValues.map { b in
                    points.first { $0.values == [a, b] }.map { $0.summary.probability(ofOutcome: k) } ?? 0
                } }
                page.figure(id: "chart-sweep-\(names[k])", svg: Chart.heatMap(
                    title: "Probability of \(names[k])", rows: rowsValues.map { humanNumber($0, digits: 4) },
                    columns: columnValues.map { humanNumber($0, digits: 4) }, values: grid, rowTitle: varies[0].name,
                    columnTitle: varies[1].name, format: { String(format: "%.1f%%", 100 * $0) }),
                    caption: "Darker cells: likelier (white is 0, the darkest shade this map's largest value). Rows: \(varies[0].name); columns: \(varies[1].name).")
            }
        } else {
            page.paragraph("With more than two parameters varied, the results are in the table below.")
        }
        var rows: [[(text: String, value: Double?)]] = []
        for p in points {
            for k in shown {
                let w = Interval.wilson(successes: p.summary.outcomeCounts[k], n: p.summary.n)
                let pr = p.summary.probability(ofOutcome: k)
                rows.append(p.values.map { (humanNumber($0, digits: 4), $0) } + [(names[k], nil),
                            (String(format: "%.1f%%", 100 * pr), pr), (String(format: "%.1f%%", 100 * w.low), w.low),
                            (String(format: "%.1f%%", 100 * w.high), w.high)])
            }
        }
        page.table(id: "sweep-table", header: varies.map(\.name) + ["outcome", "probability", "95% low", "95% high"], rows: rows,
                   numeric: Set(0..<(varies.count)).union([varies.count + 1, varies.count + 2, varies.count + 3]))
        return page.render()
    }

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
