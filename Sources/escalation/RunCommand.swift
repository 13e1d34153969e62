import ArgumentParser
import EscalationModel
import Reports
import ScenarioIO

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play one crisis from a scenario and tell it as a dated story.",
        discussion: """
            The same scenario, overrides and seed always give the same bytes. A run of a batch \
            replays exactly with the seed in its row of the batch CSV.
            """
    )

    enum TraceFormat: String, ExpressibleByArgument, CaseIterable {
        case narrative, jsonl, csv
    }

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(parsing: .unconditional, help: "Seed of the random stream (any 64-bit number).")
    var seed: UInt64 = 1

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a value of the scenario, e.g. --set actions.kh_rockets.rung=5 (repeatable).",
        valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Option(help: "Output form: narrative (a chronology), jsonl (one JSON object per event) or csv.")
    var trace: TraceFormat = .narrative

    @Flag(help: "In the narrative, say why each action happened and what each rule decided.")
    var explain = false

    @Option(help: "Write to this file instead of standard output (written whole, then renamed into place).")
    var out: String?

    @OptionGroup var posterior: PosteriorOption

    func validate() throws {
        if explain && trace != .narrative {
            throw ValidationError("--explain applies to --trace narrative only (jsonl and csv always carry every field)")
        }
    }

    func run() throws {
        try reportingFailures {
            let outputs = try claim(out)
            let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides, posterior: posterior.choice)
            let simulator = Simulator(scenario: loaded.scenario)
            let (result, trace) = simulator.runTraced(seed: seed)
            let text = switch self.trace {
            case .narrative: Narrative(scenario: loaded.scenario, explain: explain).render(result: result, trace: trace)
            case .jsonl: TraceJSONL(scenario: loaded.scenario).render(result: result, trace: trace)
            case .csv: TraceCSV(scenario: loaded.scenario).render(result: result, trace: trace)
            }
            try emit(text, to: out, in: outputs)
            try outputs.commit()
            if result.outcome == loaded.scenario.invalidOutcome {
                complain("warning: the run ended invalid on day \(humanNumber(result.outcomeDay)): a value computed during it was infinite, "
                         + "not a number, or beyond its sampler's range (a Poisson or negative-binomial mean above 1000000)")
            }
            if result.rateExceeded && self.trace != .narrative {
                complain("warning: a state-dependent rate went above its max_rate; raise max_rate for exact results")
            }
        }
    }
}
