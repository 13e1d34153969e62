import EscalationModel
import Foundation

extension CalibrationRun {
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
    /// matrix and ratio, the fit's quality, and the comparison with Lewis et al. (2012).
    public func report(catalogPath: String) -> String {
        var lines: [String] = []
        let events = windows.reduce(0) { $0 + $1.events.count }
        lines.append("Calibration from \(catalogPath): \(events) incidents dated to the day at rung \(options.minimumRung) or above, in \(windows.count) window\(windows.count == 1 ? "" : "s")")
        for (w, dates) in windowDates.enumerated() {
            let counts = dimensions.indices.map { d in "\(windows[w].events.filter { $0.type == d }.count) \(dimensions[d])" }
            lines.append("  \(dates.start.iso) to \(dates.end.iso) (\(dates.start.days(until: dates.end) + 1) days): " + counts.joined(separator: ", "))
            for c in constraints where c.window == w {
                lines.append("    documented total: \(c.count) \(dimensions[c.type]) events, \(c.label)")
            }
        }
        if !undated.isEmpty { lines.append("  left out (day not known): " + undated.joined(separator: ", ")) }
        lines.append("")

        let p = multivariate.parameters, f = multivariate
        lines.append("Multivariate Hawkes model over \(dimensions.joined(separator: ", ")) (exponential kernel, one decay), maximum likelihood:")
        var rows: [[String]] = [["parameter", "estimate", "standard error", ""]]
        rows.append(["decay β (per day)", Self.number(p.beta), Self.error(f.betaError, estimate: p.beta), "mean delay \(Self.number(1 / p.beta, 1)) days"])
        for (i, d) in dimensions.enumerated() {
            rows.append(["background μ \(d) (events a day)", Self.estimate(p.mu[i]), Self.error(f.muError[i], estimate: p.mu[i]), ""])
        }
        for (i, target) in dimensions.enumerated() {
            for (j, source) in dimensions.enumerated() {
                rows.append(["excitation α \(target) ← \(source)", Self.estimate(p.alpha[i][j]),
                             Self.error(f.alphaError[i][j], estimate: p.alpha[i][j]),
                             "\(target) events set off by one \(source) event"])
            }
        }
        lines += align(rows)
        let radius = p.spectralRadius
        lines.append("  spectral radius of the branching matrix: \(Self.number(radius))"
                     + (radius < 1 ? " (below 1: cycles die out)" : " (1 or more: cycles can run away)"))
        if let share = p.endogenousShare {
            lines.append("  share of events set off by earlier events, at the stationary rates: \(Self.number(share))")
        }
        lines.append("  log-likelihood \(Self.number(f.logLikelihood, 2)) (with the documented totals), AIC \(Self.number(f.aic, 1)), "
                     + "\(f.parameterCount) parameters, \(f.eventCount) events" + (f.converged ? "" : "; the search did not converge"))
        lines.append("  time-rescaling check: Kolmogorov–Smirnov D = \(Self.number(f.ks.statistic)) on \(f.eventCount) rescaled gaps, "
                     + "p = \(Self.number(f.ks.pValue)) " + (f.ks.pValue < 0.05 ? "(the model misses the timing)" : "(no evidence against the model)"))
        lines.append("")
        let q = pooled.parameters
        lines.append("One-type model (all these incidents pooled):")
        lines.append("  branching ratio α = \(Self.number(q.alpha[0][0])) (standard error \(Self.error(pooled.alphaError[0][0], estimate: q.alpha[0][0]))), "
                     + "background μ = \(Self.number(q.mu[0])) a day, decay β = \(Self.number(q.beta)) a day")
        lines.append("  log-likelihood \(Self.number(pooled.logLikelihood, 2)), AIC \(Self.number(pooled.aic, 1)); "
                     + "KS D = \(Self.number(pooled.ks.statistic)), p = \(Self.number(pooled.ks.pValue))")
        lines.append("  For comparison: Lewis, Mohler, Brantingham & Bertozzi (2012) attribute 37–50% of violent events in Iraq")
        lines.append("  (Iraq Body Count, 2003–07) to self-excitation over 2–6 weeks; for a stationary Hawkes process that share")
        lines.append("  is the branching ratio.")
        lines.append("")
        if let g = delayFit {
            lines.append("Answer delays (gamma), \(g.n) documented answers dated to the day: shape \(Self.number(g.first)) ± \(Self.number(g.firstError)), "
                         + "scale \(Self.number(g.second)) ± \(Self.number(g.secondError)) days (mean \(Self.number(g.first * g.second, 2)) days)")
            lines.append("  " + delays.map { "\($0.from) → \($0.to): \(Self.number($0.days, 1))" }.joined(separator: "; "))
        }
        lines.append("")
        lines.append("Killed per incident, by weapon (negative binomial; dispersion \(Self.number(DistributionFits.maximumDispersion, 0)) means no more spread than a Poisson):")
        var casualtyRows: [[String]] = [["weapon", "counter", "n", "mean", "standard error", "dispersion"]]
        for c in casualtyFits {
            casualtyRows.append([c.weapon, c.counter, String(c.fit.n), Self.number(c.fit.first), Self.number(c.fit.firstError),
                                 c.fit.atBound ? "Poisson" : Self.number(c.fit.second)])
        }
        lines += align(casualtyRows)
        if !singleCasualties.isEmpty {
            lines.append("  documented once (no fit): " + singleCasualties.map { "\($0.weapon) \($0.counter) \($0.value)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func align(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        return rows.map { row in
            var line = "  "
            for (c, cell) in row.enumerated() {
                line += c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
                line += "   "
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The parameter file: a scenario fragment of `constants:` that scenarios `include:` and use
    /// by name in any number or expression. No timestamps: the same catalog gives the same file.
    public func parameterFile(catalogPath: String) -> String {
        var out = """
            # Parameters fitted by `escalation calibrate` from \(catalogPath).
            # Incidents at rung \(options.minimumRung) or above dated to the day; windows \(windowDates.map { "\($0.start.iso) to \($0.end.iso)" }.joined(separator: ", ")).
            # Standard errors (from the observed information) are in the comments; "at 0" means the
            # estimate sits at its lower bound. Use with `include:` and name a constant anywhere a
            # number goes, e.g. `rate: hawkes_background_militias * arsenal`.
            constants:

            """
        func line(_ name: String, _ value: Double, _ comment: String, atBound: Bool = false) {
            // Six significant digits: the standard errors are far wider than that.
            let v = atBound || !value.isFinite ? "0" : String(format: "%.6g", value)
            let text = "  \(name): \(v)"
            out += text + String(repeating: " ", count: max(1, 60 - text.count)) + "# \(comment)\n"
        }
        let floor = 10 * HawkesFit.floor
        let p = multivariate.parameters, f = multivariate
        line("hawkes_decay", p.beta, "per day; SE \(Self.error(f.betaError, estimate: p.beta))")
        for (i, d) in dimensions.enumerated() {
            line("hawkes_background_\(d)", p.mu[i], "\(d) events a day; SE \(Self.error(f.muError[i], estimate: p.mu[i]))",
                 atBound: p.mu[i] <= floor)
        }
        for (i, target) in dimensions.enumerated() {
            for (j, source) in dimensions.enumerated() {
                line("hawkes_excitation_\(target)_from_\(source)", p.alpha[i][j],
                     "\(target) events set off by one \(source) event; SE \(Self.error(f.alphaError[i][j], estimate: p.alpha[i][j]))",
                     atBound: p.alpha[i][j] <= floor)
            }
        }
        line("hawkes_spectral_radius", p.spectralRadius, "branching matrix; below 1 is stable")
        line("pooled_branching_ratio", pooled.parameters.alpha[0][0],
             "one-type model; SE \(Self.error(pooled.alphaError[0][0], estimate: pooled.parameters.alpha[0][0]))")
        if let g = delayFit {
            line("answer_delay_shape", g.first, "gamma, from \(g.n) answers; SE \(Self.number(g.firstError))")
            line("answer_delay_scale", g.second, "days; SE \(Self.number(g.secondError))")
        }
        for c in casualtyFits {
            let base = "casualties_\(c.weapon)_\(c.counter)"
            line(base + "_mean", c.fit.first, "killed per incident, negative binomial from \(c.fit.n) incidents; SE \(Self.number(c.fit.firstError))")
            line(base + "_dispersion", c.fit.second, c.fit.atBound ? "no overdispersion seen (Poisson)" : "SE \(Self.number(c.fit.secondError))")
        }
        return out
    }
}
