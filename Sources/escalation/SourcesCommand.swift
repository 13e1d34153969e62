import ArgumentParser
import Reports
import ScenarioIO

struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Say where every number of a scenario comes from.",
        discussion: """
            Lists each parameter with its origin: computed from named rows of the record (the formula \
            and its value, with the publications behind the rows), calibrated (its prior and posterior), \
            or an assumption (its plausible range and why); then the numbers taken straight from the \
            record, the documented observations, and every number with no origin (which `escalation \
            validate --strict` refuses).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv }

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(help: "text or csv.") var format: Format = .text
    @OptionGroup var posterior: PosteriorOption
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).", valueName: "PATH=VALUE"),
            transform: Override.init(parsing:))
    var overrides: [Override] = []

    func run() throws {
        try reportingFailures {
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides, posterior: posterior.choice)
            let table = SourcesTable(loaded)
            try say(format == .csv ? table.csv() : table.text(), terminator: "")
        }
    }
}
