import EscalationModel
import Foundation
import Record
import Stochastics

extension SequentialABC.Result {
    /// The summary a person reads: what was fitted to what, how the tolerance fell, each
    /// parameter's prior and posterior, and whether the fit can be trusted.
    public func report(problem: CalibrationProblem, title: String, seconds: Double, threads: Int,
                       width: Int = TerminalText.width) -> String {
        var lines: [String] = []
        lines.append("Calibration of \(title): \(problem.names.count) parameters, \(problem.targets.count) documented targets "
                     + "in \(problem.episodes.count) episode\(problem.episodes.count == 1 ? "" : "s")")
        lines.append("")
        lines.append("Targets (a simulated value inside the documented range matches the record):")
        var targetRows = [["episode", "target", "documented", "source"]]
        for t in problem.targets {
            targetRows.append([problem.episodes[t.episode].name, t.label, range(t.accepted), t.source ?? ""])
        }
        lines += table(targetRows, numeric: [], wraps: [1, 3], width: width)
        lines.append("")
        lines.append("Sequential Monte Carlo (ABC), \(posterior.count) particles a generation:")
        var generationRows = [["generation", "tolerance", "acceptance", "simulations", "ESS"]]
        for (g, gen) in generations.enumerated() {
            generationRows.append([String(g), g == 0 ? "prior" : SequentialABC.fmt(gen.tolerance),
                                   SequentialABC.fmt(100 * gen.acceptance) + "%", String(gen.simulations),
                                   String(Int(gen.effectiveSampleSize.rounded()))])
        }
        lines += table(generationRows, numeric: [1, 2, 3, 4], width: width)
        lines.append("")
        lines.append("Posterior (weighted sample; 90% interval from the 5th to the 95th percentile):")
        var rows = [["parameter", "prior", "mean", "median", "90% interval", "contraction", ""]]
        for p in parameters {
            rows.append([p.name, p.prior.description, number(p.mean), number(p.median), "\(number(p.low)) – \(number(p.high))",
                         String(format: "%.2f", p.contraction), p.identified ? "" : "NOT IDENTIFIED"])
        }
        lines += table(rows, numeric: [2, 3, 5], wraps: [1, 6], width: width)
        lines.append("")
        lines.append("Effective sample size \(Int(posterior.effectiveSampleSize.rounded())) of \(posterior.count) draws; "
                     + "\(simulations) simulations in \(String(format: "%.1f", seconds)) s on \(threads) thread\(threads == 1 ? "" : "s").")
        if rateExceededRuns > 0 {
            lines.append("MAX_RATE EXCEEDED: in \(rateExceededRuns) of the \(simulations) simulations a state-dependent rate went "
                         + "above its max_rate, so thinning undercounted its events; \(rateExceededDraws.count) of the posterior's "
                         + "\(posterior.count) draws were fitted on such runs"
                         + (rateExcess.isEmpty ? "" : "; \(rateExcessText(rateExcess))") + ". Raise max_rate"
                         + (rateExcess.isEmpty ? "" : " by at least that factor") + " (write it from the rate's own "
                         + "parameters) and calibrate again.")
        }
        lines.append("Contraction is 1 − posterior variance / prior variance (of the value for a probability or a uniform range, "
                     + "of its logarithm for a rate or a mean); below 0.1 the record barely informs the parameter.")
        if converged && identified {
            lines.append("Converged: the last generation matches every documented value exactly (tolerance 0).")
        } else {
            for p in problems { lines.append("DID NOT CONVERGE: \(p)") }
            for p in parameters where !p.identified {
                lines.append("NOT IDENTIFIED: \(p.name): the posterior is almost as wide as the prior (contraction "
                             + "\(String(format: "%.2f", p.contraction))); the targets say little about it. Fix it as an assumption, "
                             + "or add a target that depends on it.")
            }
        }
        return TerminalText.fitting(lines.joined(separator: "\n"), width: width) + "\n"
    }

    func range(_ r: ClosedRange<Double>) -> String {
        if r.upperBound == .infinity { return "at least \(number(r.lowerBound))" }
        if r.lowerBound == r.upperBound { return number(r.lowerBound) }
        return "\(number(r.lowerBound)) to \(number(r.upperBound))"
    }

    func number(_ x: Double) -> String {
        if !x.isFinite { return x > 0 ? "∞" : "−∞" }
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        let a = abs(x)
        return String(format: a >= 100 ? "%.1f" : a >= 1 ? "%.3g" : a >= 0.001 ? "%.3g" : "%.2e", x)
    }

    /// Rows (the first is the header) as a table no wider than `width`: the `wraps` columns'
    /// long cells continue on the lines below.
    func table(_ rows: [[String]], numeric: Set<Int>, wraps: Set<Int> = [], width: Int) -> [String] {
        TextTable(rows[0].indices.map { TextTable.Column(rows[0][$0], right: numeric.contains($0), wraps: wraps.contains($0)) },
                  rows: Array(rows.dropFirst()), indent: "  ", gap: 3).render(width: width)
    }
}
