import ArgumentParser
import EscalationModel
import ScenarioIO

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files and list every problem found, without running them."
    )

    @Argument(help: "Scenario files.")
    var scenarios: [String]

    @Flag(help: ArgumentHelp("Also refuse a number with no origin: every number must be 0 or 1, a parameter's name or a record "
            + "reference, and every parameter derived from the record, calibrated, or an assumption with a range and a reason."))
    var strict = false

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("name at least one scenario file") }
    }

    func run() throws {
        var worst: Int32 = 0
        for path in scenarios {
            do {
                try reportingFailures {
                    let loaded = try ScenarioLoader.load(path: path)
                    if strict && !loaded.unlabelled.isEmpty { throw ScenarioError(loaded.unlabelled) }
                    let s = loaded.scenario
                    try say("ok \(path): \(s.title) — \(s.actors.count) actors, \(s.actions.count) actions, "
                          + "\(s.policies.count) policies, \(s.processes.count) processes, "
                          + "\(s.interventions.count) interventions, \(s.outcomes.count) outcomes"
                          + (loaded.parameters.isEmpty ? "" : ", \(loaded.parameters.count) parameters"))
                }
            } catch let exit as ExitCode {
                worst = max(worst, exit.rawValue == Exit.io ? Exit.io : exit.rawValue)
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
