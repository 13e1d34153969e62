import EscalationModel
import Foundation
import Record

extension RecordFit {
    static func number(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "—" : "∞" }
        if x != 0 && abs(x) < 0.001 { return String(format: "%.2e", x) }
        var s = String(format: "%.\(digits)f", x)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// An estimate as shown: 0 when it sits at the search's lower bound.
    static func estimate(_ x: Double) -> String { x <= 10 * HawkesFit.floor ? "0" : number(x) }

    static func error(_ x: Double, estimate: Double) -> String {
        if estimate <= 10 * HawkesFit.floor { return "at 0" }
        return x.isNaN ? "not identified" : number(x)
    }

    /// The fit for a person: what went in, the estimates with standard errors, the branching
    /// matrix, the two models' AICs, the completeness of the dated record, and the comparison
    /// with Lewis et al. (2012).
    public func report(catalogPath: String, width: Int = TerminalText.width) -> String {
        var lines: [String] = []
        let events = windows.reduce(0) { $0 + $1.events.count }
        lines.append("Descriptive Hawkes fit of \(catalogPath): \(events) incidents dated to the day at rung \(options.minimumRung) or above, "
                     + "in \(windows.count) window\(windows.count == 1 ? "" : "s")")
        for (w, dates) in windowDates.enumerated() {
            let counts = dimensions.indices.map { d in "\(windows[w].events.filter { $0.type == d }.count) \(dimensions[d])" }
            lines.append("  \(dates.start.iso) to \(dates.end.iso) (\(dates.start.days(until: dates.end) + 1) days): " + counts.joined(separator: ", "))
        }
        if !undated.isEmpty { lines.append("  left out (day not known): " + undated.joined(separator: ", ")) }
        lines.append("  militias: Kataib Hezbollah, Asaib Ahl al-Haq, the Promised Day Brigade and unnamed Iran-backed militias; states: the US and Iran")
        lines.append("")

        let p = marked.parameters, f = marked
        lines.append("Two-type model (exponential kernel, one decay), maximum likelihood:")
        var rows: [[String]] = [["parameter", "estimate", "standard error", ""]]
        rows.append(["decay β (per day)", Self.number(p.beta), Self.error(f.betaError, estimate: p.beta), "mean delay \(Self.number(1 / p.beta, 1)) days"])
        for (i, d) in dimensions.enumerated() {
            rows.append(["background μ \(d) (events a day)", Self.estimate(p.mu[i]), Self.error(f.muError[i], estimate: p.mu[i]), ""])
        }
        for (i, target) in dimensions.enumerated() {
            for (j, source) in dimensions.enumerated() {
                rows.append(["excitation α \(target) ← \(source)", Self.estimate(p.alpha[i][j]), Self.error(f.alphaError[i][j], estimate: p.alpha[i][j]),
                             "\(target) events set off by one \(source) event"])
            }
        }
        lines += align(rows, wraps: [3], left: [3], width: width)
        let radius = p.spectralRadius
        lines.append("  spectral radius of the branching matrix: \(Self.number(radius))" + (radius < 1 ? " (below 1: cycles die out)" : " (1 or more: cycles can run away)"))
        lines.append("  log-likelihood \(Self.number(f.logLikelihood, 2)), AIC \(Self.number(f.aic, 1)), \(f.parameterCount) parameters, \(f.eventCount) events; "
                     + (f.converged ? "the search converged" : "THE SEARCH DID NOT CONVERGE: the estimates are not a maximum"))
        lines.append("  time-rescaling check: Kolmogorov–Smirnov D = \(Self.number(f.ks.statistic)) on \(f.eventCount) rescaled gaps, p = \(Self.number(f.ks.pValue)) "
                     + (f.ks.pValue < 0.05 ? "(the model misses the timing)" : "(no evidence against the model)"))
        lines.append("")
        let q = pooled.parameters
        lines.append("One-type model with independent marks (the same events and types):")
        lines.append("  branching ratio α = \(Self.number(q.alpha[0][0])) (standard error \(Self.error(pooled.alphaError[0][0], estimate: q.alpha[0][0]))), "
                     + "background μ = \(Self.number(q.mu[0])) a day, decay β = \(Self.number(q.beta)) a day; shares "
                     + zip(dimensions, markShares).map { "\($0) \(Self.number($1, 2))" }.joined(separator: ", "))
        lines.append("  log-likelihood \(Self.number(pooled.logLikelihood, 2)), AIC \(Self.number(pooled.aic, 1)), \(pooled.parameterCount) parameters; "
                     + "KS D = \(Self.number(pooled.ks.statistic)), p = \(Self.number(pooled.ks.pValue)); "
                     + (pooled.converged ? "the search converged" : "THE SEARCH DID NOT CONVERGE"))
        let better = marked.aic < pooled.aic ? "two-type" : "one-type"
        lines.append("  AIC difference (two-type − one-type): \(Self.number(marked.aic - pooled.aic, 1)); the \(better) model is preferred on these \(events) events")
        lines.append("  Lewis, Mohler, Brantingham & Bertozzi (2012) put 37–50% of violent events in Iraq (Iraq Body Count, 2003–07) "
                     + "down to self-excitation over 2–6 weeks; for a stationary Hawkes process that share is the branching ratio.")
        lines.append("")

        lines.append("Completeness of the dated record (documented totals; not in the likelihood):")
        var totalRows: [[String]] = [["total", "dates", "count", "dated rows it contains", "undated", "two-type fit expects"]]
        for c in completeness {
            let dates = c.total.startKnown ? "\(c.total.date.iso)…\(c.total.end.iso)" : "by \(c.total.date.iso)"
            totalRows.append([c.total.id, dates, c.total.count?.description ?? "—", c.contained.isEmpty ? "none listed" : String(c.contained.count),
                              c.undated?.description ?? "—", c.expected.map { Self.number($0, 1) } ?? "(span outside the windows)"])
        }
        lines += align(totalRows, wraps: [5], gap: 2, width: width)
        lines.append("  A total larger than the dated rows it contains means the dated list is incomplete; the fit describes the dated list only.")
        lines.append("")
        if let g = delayFit {
            lines.append("Answer delays (gamma), \(g.n) documented answers dated to the day: shape \(Self.number(g.first)) ± \(Self.number(g.firstError)), "
                         + "scale \(Self.number(g.second)) ± \(Self.number(g.secondError)) days (mean \(Self.number(g.first * g.second, 2)) days)")
            lines.append("  " + delays.map { "\($0.from) → \($0.to): \(Self.number($0.days, 1))" }.joined(separator: "; "))
            lines.append("")
        }
        lines.append("Killed per incident, by weapon (negative binomial on each incident's documented figure):")
        var casualtyRows: [[String]] = [["weapon", "counter", "n", "mean", "standard error", "dispersion"]]
        for c in casualtyFits {
            casualtyRows.append([c.weapon, c.counter, String(c.fit.n), Self.number(c.fit.first), Self.number(c.fit.firstError),
                                 c.fit.atBound ? "no spread beyond Poisson" : Self.number(c.fit.second)])
        }
        lines += align(casualtyRows, wraps: [5], width: width)
        if !singleCasualties.isEmpty {
            lines.append("  documented once (no fit): " + singleCasualties.map { "\($0.weapon) \($0.counter) \($0.value)" }.joined(separator: ", "))
        }
        if !converged {
            lines.append("")
            lines.append("The fit did not converge: the numbers above are where the search stopped, not maximum-likelihood estimates.")
        }
        return TerminalText.fitting(lines.joined(separator: "\n"), width: width) + "\n"
    }

    /// Rows (the first is the header) as a table no wider than `width`: the first column and
    /// those in `left` on the left, the others on the right; the `wraps` columns' long cells
    /// continue on the lines below.
    func align(_ rows: [[String]], wraps: Set<Int> = [], left: Set<Int> = [], gap: Int = 3, width: Int) -> [String] {
        TextTable(rows[0].indices.map { TextTable.Column(rows[0][$0], right: $0 > 0 && !left.contains($0), wraps: wraps.contains($0)) },
                  rows: Array(rows.dropFirst()), indent: "  ", gap: gap).render(width: width)
    }

    /// The fit as a YAML document: the estimates with standard errors, whether the searches
    /// converged, and both AICs. Descriptive only: no scenario includes it. No timestamps, so the
    /// same record gives the same file.
    public func resultFile(catalogPath: String) -> String {
        func v(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : ".nan" }
        func se(_ x: Double, _ estimate: Double) -> String { estimate <= 10 * HawkesFit.floor ? "at_bound" : (x.isNaN ? "not_identified" : v(x)) }
        let p = marked.parameters
        var out = """
            # Descriptive Hawkes fit of the dated record in \(catalogPath), written by `escalation fit-hawkes`.
            # Incidents at rung \(options.minimumRung) or above dated to the day; documented totals are reported
            # beside the fit (completeness), not fitted. Not a scenario fragment: the scenarios' numbers come
            # from `escalation calibrate`.
            converged: \(converged)
            events: \(marked.eventCount)
            windows: [\(windowDates.map { "\"\($0.start.iso)..\($0.end.iso)\"" }.joined(separator: ", "))]
            types: [\(dimensions.joined(separator: ", "))]
            two_type:
              converged: \(marked.converged)
              log_likelihood: \(v(marked.logLikelihood))
              aic: \(v(marked.aic))
              parameters: \(marked.parameterCount)
              decay: {estimate: \(v(p.beta)), se: \(se(marked.betaError, p.beta))}

            """
        for (i, d) in dimensions.enumerated() {
            out += "  background_\(d): {estimate: \(v(p.mu[i])), se: \(se(marked.muError[i], p.mu[i]))}\n"
        }
        for (i, target) in dimensions.enumerated() {
            for (j, source) in dimensions.enumerated() {
                out += "  excitation_\(target)_from_\(source): {estimate: \(v(p.alpha[i][j])), se: \(se(marked.alphaError[i][j], p.alpha[i][j]))}\n"
            }
        }
        out += "  spectral_radius: \(v(p.spectralRadius))\n"
        let q = pooled.parameters
        out += """
            one_type_independent_marks:
              converged: \(pooled.converged)
              log_likelihood: \(v(pooled.logLikelihood))
              aic: \(v(pooled.aic))
              parameters: \(pooled.parameterCount)
              branching_ratio: {estimate: \(v(q.alpha[0][0])), se: \(se(pooled.alphaError[0][0], q.alpha[0][0]))}
              background: {estimate: \(v(q.mu[0])), se: \(se(pooled.muError[0], q.mu[0]))}
              decay: {estimate: \(v(q.beta)), se: \(se(pooled.betaError, q.beta))}

            """
        return out
    }
}
