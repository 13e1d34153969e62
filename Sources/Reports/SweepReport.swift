import EscalationModel
import Experiments
import Foundation

/// Reports of sweeps (sensitivity analyses: SensitivityReport.swift).
public enum AnalysisReport {
    /// Outcome probabilities against the varied parameter: lines with 95% Wilson bands for one
    /// parameter, a heat map per outcome for two, tables otherwise; then each point's paired
    /// difference from the base point, and how to reproduce the sweep.
    ///
    /// `labels[i]` says what `varies[i]` is ("share of Iran's directions ... — parameters.kh_control.value").
    public static func sweep(title: String, varies: [Vary], labels: [String], result: Sweep.Result, runs: Int, seed: UInt64,
                             reproduce: String) -> String {
        let points = result.points
        var page = HTMLPage(title: "\(title): sweep")
        page.raw("<h1>\(xmlEscaped(title)): sweep</h1>")
        page.paragraph("Varied: " + zip(varies, labels).map { "\($1), over \($0.values.map { humanNumber($0, digits: 4) }.joined(separator: ", "))" }.joined(separator: "; ")
                       + ". \(runs) runs at each point and at the base point (the scenario as written) with the same random streams "
                       + "(common random numbers), seed \(seed).", className: "meta")
        guard let first = points.first else { return page.render() }
        let names = first.summary.table.outcomeNames
        let shown = names.indices.filter { k in points.contains { $0.summary.outcomeCounts[k] > 0 } }
        let axisName = { (i: Int) in labels[i].count <= 90 ? labels[i] : varies[i].name }
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
                x: (xs.min() ?? 0)...(xs.max() ?? 1), y: 0...1, xLabel: axisName(0), yLabel: "probability",
                yFormat: { "\(Int(($0 * 100).rounded()))%" }),
                caption: "Each line an outcome, with its 95% Wilson interval as a band. The bands are each point's own uncertainty; "
                    + "the change between points is measured more precisely than they suggest, because every point runs the same "
                    + "random streams: see the paired differences below.")
            let diffSeries = shown.map { k in
                (label: names[k], points: points.map { (x: $0.values[0], y: $0.outcomes[k].difference) },
                 band: Optional(points.map { p -> (low: Double, high: Double) in p.outcomes[k].interval() }))
            }
            let lows = diffSeries.flatMap { $0.band!.map(\.low) }, highs = diffSeries.flatMap { $0.band!.map(\.high) }
            let yLow = min(lows.min() ?? 0, 0), yHigh = max(highs.max() ?? 0, 0)
            page.figure(id: "chart-sweep-differences", svg: Chart.lines(
                title: "Change from the base point, run by run", series: diffSeries,
                x: (xs.min() ?? 0)...(xs.max() ?? 1), y: yLow...max(yHigh, yLow + 1e-6), xLabel: axisName(0),
                yLabel: "probability − base (points)", yFormat: { String(format: "%+.0f", 100 * $0).replacingOccurrences(of: "-", with: "−") }),
                caption: "Each line an outcome: its probability at the point minus its probability in the scenario as written, over "
                    + "the same replications, with the 95% Newcombe paired interval as a band. A band that excludes 0 is a change "
                    + "these runs can tell from luck.")
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
                    caption: "Darker cells: likelier. Rows: \(labels[0]); columns: \(labels[1]).")
            }
        } else {
            page.paragraph("With more than two parameters varied, the results are in the table below.")
        }
        var rows: [[(text: String, value: Double?)]] = []
        for p in points {
            for k in shown {
                let w = Interval.wilson(successes: p.summary.outcomeCounts[k], n: p.summary.n)
                let pr = p.summary.probability(ofOutcome: k)
                let d = p.outcomes[k], ci = d.interval()
                rows.append(p.values.map { (humanNumber($0, digits: 4), $0) } + [(names[k], nil),
                            (DifferenceText.percent(pr), pr), (DifferenceText.percent(w.low), w.low), (DifferenceText.percent(w.high), w.high),
                            (DifferenceText.points(d.difference), d.difference), ("\(DifferenceText.points(ci.low)) to \(DifferenceText.points(ci.high))", nil)])
            }
        }
        page.table(id: "sweep-table", header: varies.map(\.name) + ["outcome", "probability", "95% low", "95% high", "− base",
                                                                    "95% paired interval"], rows: rows,
                   numeric: Set(0..<(varies.count)).union((1...5).map { varies.count + $0 }))
        let basePoint = shown.map { "\(names[$0]) \(DifferenceText.percent(result.base.probability(ofOutcome: $0)))" }.joined(separator: ", ")
        page.paragraph("The base point (the scenario as written): \(basePoint).", className: "note")
        page.heading("Reproduce", id: "reproduce")
        page.paragraph("Reproduce: \(reproduce)", className: "note")
        return page.render()
    }
}
