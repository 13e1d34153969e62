import ArgumentParser
import Calibration
import EscalationModel
import Experiments
import Record

struct FitHawkesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-hawkes",
        abstract: "Describe the dated record with a Hawkes process (a statistic, not the scenarios' calibration).",
        discussion: """
            Fits, by maximum likelihood (GSL's Nelder–Mead), a two-type Hawkes process (militias; \
            the US and Iran) and a one-type process with independent marks to the incidents dated to \
            the day, with standard errors, the branching matrix, both AICs (same data, so they \
            compare) and a time-rescaling check. Documented totals are set beside the fit, not in \
            it: each with the dated rows it contains and what it leaves undated. Also fits answer \
            delays and killed per incident. Exits 65 if a search did not converge (after writing). \
            The scenarios' numbers come from `escalation calibrate`.
            """
    )

    @Option(help: "The incident catalog.") var incidents = "seeds/incidents.csv"
    @Option(help: "The sources it cites.") var sources = "seeds/sources.csv"
    @Option(help: "First date (YYYY-MM-DD).") var from: String?
    @Option(help: "Last date (YYYY-MM-DD).") var to: String?
    @Option(name: .customLong("min-rung"), parsing: .unconditional, help: "Incidents at this rung or above are the events fitted.") var minimumRung = 3
    @Option(help: "Also write the estimates to this YAML file.") var out: String?

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, CivilDate(iso: value) == nil { throw ValidationError("\(name): expected YYYY-MM-DD, found '\(value)'") }
        }
        if !(0...9).contains(minimumRung) { throw ValidationError("--min-rung: expected 0 to 9, found \(minimumRung)") }
    }

    func run() throws {
        let fit = try reportingFailures {
            let outputs = try claim(out, reading: [incidents, sources])
            let catalog = try Catalog.load(incidents: incidents, sources: sources)
            var options = RecordFit.Options()
            options.from = from.flatMap(CivilDate.init(iso:))
            options.to = to.flatMap(CivilDate.init(iso:))
            options.minimumRung = minimumRung
            let fit = try RecordFit(catalog: catalog, options: options)
            try say(fit.report(catalogPath: incidents), terminator: "")
            if let out {
                try outputs.stage(fit.resultFile(catalogPath: incidents), for: out)
                try outputs.commit()
                try say("\nwrote \(out)")
            }
            return fit
        }
        if !fit.converged {
            complain("error: the Hawkes fit did not converge; its estimates are not maximum-likelihood estimates")
            throw ExitCode(Exit.data)
        }
    }
}
