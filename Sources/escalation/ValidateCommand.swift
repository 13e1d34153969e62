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

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("name at least one scenario file") }
    }

    func run() throws {
        var worst: Int32 = 0
        for path in scenarios {
            do {
                try reportingFailures {
                    let s = try ScenarioLoader.load(path: path).scenario
                    print("ok \(path): \(s.title) — \(s.actors.count) actors, \(s.actions.count) actions, "
                          + "\(s.policies.count) policies, \(s.processes.count) processes, "
                          + "\(s.interventions.count) interventions, \(s.outcomes.count) outcomes")
                }
            } catch let exit as ExitCode {
                worst = max(worst, exit.rawValue == Exit.io ? Exit.io : exit.rawValue)
            }
        }
        if worst != 0 { throw ExitCode(worst) }
    }
}
