import ArgumentParser
import Experiments
import Foundation

@main
struct EscalationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalation",
        abstract: "Simulate tit-for-tat escalation between US forces, Iran and Iran-backed militias in Iraq.",
        discussion: """
            Scenarios are YAML files (see docs/scenario-format.md). Exit codes: 0 ok, 1 a failed \
            check (sbc), 64 bad command line, 65 bad scenario or data (or a fit that did not \
            converge), 74 cannot read or write a file, 70 internal error.
            """,
        version: ProgramVersion.string,
        subcommands: [RunCommand.self, BatchCommand.self, MergeCommand.self, CompareCommand.self, SweepCommand.self, ValidateCommand.self,
                      LadderCommand.self, PathsCommand.self, IncidentsCommand.self, FitHawkesCommand.self, CalibrateCommand.self, BacktestCommand.self,
                      ReportCommand.self, SensitivityCommand.self, SourcesCommand.self, HindcastCommand.self, SBCCommand.self,
                      ServeCommand.self]
    )

    /// An unknown command is a usage error (exit 64) whatever follows it: left to the parser,
    /// `escalation nosuch --help` printed the help and exited 0. `serve` hands every argument,
    /// `--help` too, to the classroom's own program.
    static func main() {
        ProcessStart.prepare()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "serve" { ServeCommand.start(Array(arguments.dropFirst())) }
        var names: [String] = []
        for command in configuration.subcommands { names.append(command.configuration.commandName ?? "") }
        if let first = arguments.first, !first.hasPrefix("-"), first != "help", !names.contains(first) {
            fail(ValidationError("unknown command '\(first)'; the commands are " + names.joined(separator: ", ")))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            fail(error)
        }
    }

    /// Ends the program on `error`. Help and the version go to standard output as the parser
    /// prints them; a message goes to standard error with any control character in it (from a
    /// path or a value given on the command line) shown escaped, as every message of the
    /// program is.
    static func fail(_ error: Error) -> Never {
        if exitCode(for: error) == .success { exit(withError: error) }
        let message = fullMessage(for: error)
        if !message.isEmpty { complain(message) }
        Glibc.exit(exitCode(for: error).rawValue)
    }
}
