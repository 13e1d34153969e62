import EscalationModel
import Foundation
import Record

extension Hindcast.Result {
    /// For a terminal, and for the docs that quote it: no line wider than `width`.
    public func report(width: Int = TerminalText.width) -> String {
        var lines: [String] = []
        lines.append("Hindcast of \(title)" + (start.map { " from \($0.long)" } ?? "") + " — \(runs) runs of the model and of the baseline")
        if calibratedOn.isEmpty {
            lines.append("  parameters: the priors (the record holds nothing before the start to calibrate on): a prior predictive check")
        } else {
            let names = calibratedOn.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
            let state = calibration.map { $0.converged ? "converged" : "DID NOT CONVERGE" } ?? ""
            lines.append("  parameters: calibrated on \(names) only, all of it before the start (\(state); "
                         + "\(calibration?.simulations ?? 0) simulations)")
            if let calibration {
                for p in calibration.parameters {
                    lines.append("    \(p.name): median \(number(p.median)), 90% \(number(p.low)) – \(number(p.high))"
                                 + (p.identified ? "" : " (not identified by that record)"))
                }
            }
        }
        lines.append("  not injected (after the start): " + (droppedInjections.isEmpty ? "nothing was" : droppedInjections.joined(separator: "; ")))
        if !keptChanges.isEmpty { lines.append("  kept (changes of posture, not outcomes): " + keptChanges.joined(separator: "; ")) }
        if !derivedFromLater.isEmpty {
            lines.append("  derived from rows after the start (seen by the model): " + derivedFromLater.joined(separator: "; "))
        }
        lines.append("")
        var table: [[String]] = []
        for r in rows {
            table.append([r.label, range(r.documented), probability(r.model.probability), String(format: "%.2f", r.model.logScore),
                          String(format: "%.0f", r.model.percentile), number(r.model.median),
                          probability(r.baseline.probability), String(format: "%.2f", r.baseline.logScore),
                          String(format: "%.0f", r.baseline.percentile), number(r.baseline.median),
                          r.bothMiss ? "neither" : r.modelWins.map { $0 ? "model" : "baseline" } ?? "tie"])
        }
        let columns = [TextTable.Column("documented outcome", wraps: true)]
            + ["record", "model P", "log", "pct", "median", "baseline P", "log", "pct", "median"].map { TextTable.Column($0, right: true) }
            + [TextTable.Column("better")]
        lines += TextTable(columns, rows: table, indent: "  ").render(width: width)
        let crpsRows = rows.filter { $0.model.crps != nil }
        if !crpsRows.isEmpty {
            lines.append("  CRPS (lower is better): " + crpsRows.map {
                "\($0.id) model \(number($0.model.crps!)), baseline \(number($0.baseline.crps!))"
            }.joined(separator: "; "))
        }
        lines.append("  log score (sum, higher is better): model \(String(format: "%.2f", modelLogScore)), baseline "
                     + "\(String(format: "%.2f", baselineLogScore)); the model wins \(modelWins) of \(rows.count), the baseline \(baselineWins)"
                     + (bothMiss > 0 ? "; in \(bothMiss) no run of either matched the record" : ""))
        lines.append("  P: probability the forecast gives the documented range, (k + ½)/(n + 1) over the runs; pct: the documented "
                     + "figure's mid-rank percentile among the runs.")
        return TerminalText.fitting(lines.joined(separator: "\n"), width: width) + "\n"
    }

    func probability(_ p: Double) -> String { p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p) }

    func number(_ x: Double) -> String {
        if !x.isFinite { return "never" }
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        return String(format: abs(x) >= 1 ? "%.3g" : "%.2g", x)
    }

    func range(_ r: ClosedRange<Double>) -> String {
        if r.upperBound == .infinity { return "\(number(r.lowerBound))+" }
        if r.lowerBound == r.upperBound { return number(r.lowerBound) }
        return "\(number(r.lowerBound))-\(number(r.upperBound))"
    }
}
