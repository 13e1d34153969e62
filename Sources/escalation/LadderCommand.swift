import ArgumentParser
import Reports
import ScenarioIO

struct LadderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ladder",
        abstract: "Show a scenario's escalation ladder: each rung and the actions on it."
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a value of the scenario (repeatable).",
        valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    func run() throws {
        try reportingFailures {
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides)
            try say(LadderTable(scenario: loaded.scenario).render(), terminator: "")
        }
    }
}
