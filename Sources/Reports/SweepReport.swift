import EscalationModel
import Experiments
import Foundation

/// Reports of sweeps (sensitivity analyses: SensitivityReport.swift).
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
}
