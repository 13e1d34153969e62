import ArgumentParser
import Calibration
import EscalationModel
import Experiments

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the model's parameters to the incident catalog by maximum likelihood.",
        discussion: """
            Fits a multivariate Hawkes process over the actors (background rates, excitation matrix, \
            decay; GSL's Nelder–Mead), with standard errors from the observed information, the \
            branching matrix and its spectral radius, and a time-rescaling check; answer delays \
            (gamma) and casualties by weapon (negative binomial). Writes the estimates as \
            `constants:` that a scenario can `include:`.
            """
    )

    @Option(help: "The incident catalog.") var incidents = "seeds/incidents.csv"
    @Option(help: "The sources it cites.") var sources = "seeds/sources.csv"
    @Option(help: "First date (YYYY-MM-DD).") var from: String?
    @Option(help: "Last date (YYYY-MM-DD).") var to: String?
    @Option(name: .customLong("min-rung"), help: "Incidents at this rung or above are the events fitted.") var minimumRung = 3
    @Option(help: "The parameter file to write (YAML).") var out: String

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, CivilDate(iso: value) == nil { throw ValidationError("\(name): expected YYYY-MM-DD, found '\(value)'") }
        }
        if !(0...9).contains(minimumRung) { throw ValidationError("--min-rung: expected 0 to 9") }
    }

    func run() throws {
        try reportingFailures {
            let catalog = try Catalog.load(incidents: incidents, sources: sources)
            var options = CalibrationRun.Options()
            options.from = from.flatMap(CivilDate.init(iso:))
            options.to = to.flatMap(CivilDate.init(iso:))
            options.minimumRung = minimumRung
            let run = try CalibrationRun(catalog: catalog, options: options)
            print(run.report(catalogPath: incidents), terminator: "")
            try AtomicFile.write(run.parameterFile(catalogPath: incidents), to: out)
            print("\nwrote \(out)")
        }
    }
}
