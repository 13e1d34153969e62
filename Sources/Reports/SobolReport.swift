import EscalationModel
import Experiments
import Foundation

/// The report of a global sensitivity analysis: Sobol indices.
extension AnalysisReport {
    public static func sobol(title: String, _ result: GlobalSensitivity.Result, reproduce: String? = nil) -> String {
        let m = result.measure
        var page = HTMLPage(title: "\(title): Sobol indices")
        page.raw("<h1>\(xmlEscaped(title)): Sobol indices</h1>")
        let d = result.rows.count
        let value = { (x: Double) in m.isMetric ? significant(x) : String(format: "%.1f%%", 100 * x) }
        let what = m.isMetric ? "the mean of \(m.name) per run" : "the probability of \(m.name)"
        page.paragraph("Measured: \(what), \(value(result.baseValue)) at the scenario's own values. \(d) parameter"
                       + "\(d == 1 ? "" : "s"), each uniform over its range; \(result.samples) rows of Saltelli's design on "
                       + "GSL's Sobol sequence, \(result.samples * (d + 2)) points, \(result.runs) runs at each on the same "
                       + "random streams: \(result.replications) runs in all. Over the points the measure ran from "
                       + "\(value(result.outputRange.low)) to \(value(result.outputRange.high)).", className: "meta")
        if result.indices.variance > 0 {
            page.figure(id: "chart-sobol", svg: Chart.sobolBars(
                title: "Sobol indices of \(m.isMetric ? "the mean of" : "the probability of") \(m.name)",
                items: result.rows.map { r in
                    Chart.SobolItem(label: r.factor.label ?? r.factor.name, path: r.factor.name, first: r.first,
                                    firstInterval: r.firstInterval, total: r.total, totalInterval: r.totalInterval)
                }, xLabel: "share of the variance of \(m.isMetric ? "mean \(m.name)" : "P(\(m.name))")"),
                caption: "Largest total index first. Light: the first-order index, the share of the variance the parameter "
                    + "explains alone; dark: the total index, alone and through its interactions with the others. Whiskers: "
                    + "bootstrap 95% intervals over the \(result.samples) rows.")
        } else {
            page.paragraph("The measure is the same at every point of the design, so there is no variance to apportion: every "
                           + "index is undefined.", className: "note")
        }
        page.heading("How to read it")
        page.paragraph("A first-order index is the share of the variance of the measure over the ranges that goes away if the "
                       + "parameter is known; a total index is the share left if every other parameter is known. Total minus "
                       + "first order is what the parameter does through interactions; a total index near 0 means the parameter "
                       + "can be fixed anywhere in its range without changing the answer. The indices are of the measure "
                       + "estimated from \(result.runs) runs at each point, so the noise of those runs is part of the variance: "
                       + "it adds to every total index (and little to first-order ones); with few runs a parameter that does "
                       + "nothing can show a total index above 0. The intervals resample the rows, treating them as "
                       + "independent; for a Sobol sequence that is conservative.")
        page.table(id: "sobol-table", header: ["parameter", "path", "range", "from", "first order", "95% interval", "total", "95% interval"],
                   rows: result.rows.map { r in
                       [(r.factor.label ?? r.factor.name, nil), (r.factor.name, nil),
                        ("\(humanNumber(r.factor.low, digits: 4)) to \(humanNumber(r.factor.high, digits: 4))", nil), (r.factor.source, nil),
                        (String(format: "%.3f", r.first), r.first),
                        (String(format: "%.3f to %.3f", r.firstInterval.low, r.firstInterval.high), nil),
                        (String(format: "%.3f", r.total), r.total),
                        (String(format: "%.3f to %.3f", r.totalInterval.low, r.totalInterval.high), nil)]
                   }, numeric: [4, 5, 6, 7])
        if let reproduce { page.raw(reproduceParagraph(reproduce)) }
        return page.render()
    }
}
