import ArgumentParser
import Record
import Reports
import ScenarioIO

struct PathsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "List every value of a scenario that --set, --vary and --only can change, with what it is.",
        discussion: """
            Paths are shown with list items by index (policies.us_limited.rules.2.probability); \
            rules and other named items can also be named (policies.us_limited.rules.Americans or \
            allies killed by KH.probability), which survives rules being added or reordered. The \
            merged scenario is listed: what it extends, with any --set applied.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv }

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Flag(help: "Only numbers and the parameter names that stand for them (what sweeps and sensitivity vary).")
    var numbers = false

    @Flag(help: "Also list documentation (titles, labels, reasons, narratives).")
    var all = false

    @Option(help: "Output form: text (for people, at most 100 columns) or csv (path,named_path,value,label).")
    var format: Format = .text

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the scenario (repeatable).",
                                                         valueName: "PATH=VALUE"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    func run() throws {
        try reportingFailures {
            // Compiled first, so a broken scenario is reported as such, not listed.
            _ = try ScenarioLoader.load(path: scenario, overrides: overrides)
            var tree = try ScenarioLoader.tree(path: scenario)
            for o in overrides { try o.apply(to: &tree) }
            let entries = SettablePaths.entries(in: tree, includeDocumentation: all).filter { !numbers || $0.numeric }
            switch format {
            case .csv:
                var text = "path,named_path,value,label\n"
                for e in entries {
                    text += [e.path.joined(separator: "."), e.namedPath?.joined(separator: ".") ?? "", e.value, e.label ?? ""]
                        .map(csvField).joined(separator: ",") + "\n"
                }
                try say(text, terminator: "")
            case .text:
                var lines: [String] = []
                for e in entries {
                    lines += TerminalText.wrap("\(e.path.joined(separator: ".")) = \(e.value)", rest: "      ")
                    if let named = e.namedPath { lines += TerminalText.wrap("or \(named.joined(separator: "."))", first: "    ", rest: "      ") }
                    if let label = e.label { lines += TerminalText.wrap(label, first: "    ", rest: "    ") }
                }
                try say(lines.joined(separator: "\n"))
            }
        }
    }

}
