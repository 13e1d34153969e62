import ArgumentParser
import Experiments
import Foundation
import Reports
import ScenarioIO

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report with charts, from a scenario or an existing batch.",
        discussion: """
            From a scenario, runs it --runs times. From a batch CSV (runs.csv or runs.csv.gz, with its \
            manifest beside it), checks that the scenario is unchanged, reads every row (its run and its seed) \
            and re-runs at most 10,000 replications (all of a smaller batch; else one in \
            each of 10,000 equal stretches, chosen by the CSV's SHA-256), which must reproduce their rows \
            byte for byte; the page says what \
            was checked and gives the CSV's SHA-256. The report needs no network \
            and no scripts: outcome probabilities, the share of runs ended in each by day, the ladder over time, killed by \
            side, who answers whom, a typical run, the key numbers, the scenario and the manifest.
            """
    )

    @Argument(help: "A scenario file (.yaml), or a batch CSV (.csv or .csv.gz) with its manifest beside it.")
    var input: String

    /// A batch CSV, plain or gzip-compressed, rather than a scenario.
    var inputIsBatch: Bool { input.hasSuffix(".csv") || input.hasSuffix(".csv.gz") }

    @Option(help: "The HTML file to write.") var out: String
    @Option(parsing: .unconditional, help: "Replications, when reporting on a scenario.") var runs = 10_000
    @Option(parsing: .unconditional, help: "Master seed, when reporting on a scenario.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []
    @Flag(help: "No progress line.") var quiet = false
    @OptionGroup var posterior: PosteriorOption

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be 1 or more") }
        try CountLimits.check("runs", runs, atMost: CountLimits.streamedRuns, "runs are counted in 64 bits")
        if inputIsBatch && (!overrides.isEmpty || posterior.posterior != nil) {
            throw ValidationError("--set and --posterior apply to a scenario; a batch CSV's are in its manifest")
        }
    }

    func run() throws {
        try reportingFailures {
            let outputs = try claim(out, reading: [input] + (inputIsBatch ? [Manifest.path(forCSV: input)] : []))
            var data: ReportData
            if inputIsBatch {
                // The scenario (and posterior) the batch was made from are inputs too.
                let manifest = try Manifest.read(Manifest.path(forCSV: input))
                try outputs.protect(inputFiles(of: try manifest.loadScenario(besideCSV: input, purpose: "a report")))
                data = try ReportData.collect(fromBatch: input, threads: threads,
                                              progress: ProgressReporter(total: 0, quiet: true))
                warnIfRateExceeded(data.rateExceeded, where: "in " + data.rateCountDescription)
            } else {
                let loaded = try ScenarioLoader.load(path: input, overrides: overrides, posterior: posterior.choice)
                try outputs.protect(inputFiles(of: loaded))
                data = try ReportData.collect(scenario: loaded.scenario,
                                              manifest: ReportData.manifest(for: loaded, runs: runs, seed: seed, threads: threads),
                                              threads: threads, progress: ProgressReporter(total: runs, quiet: quiet))
                data.loaded = loaded
                warnIfRateExceeded(data.rateExceeded, where: "in " + data.rateCountDescription)
            }
            try outputs.stage(BatchReport.render(data, extraSections: data.loaded.map { SourcesTable($0).html() } ?? ""), for: out)
            try outputs.commit()
            if !quiet { complain("wrote \(out)") }
        }
    }
}
