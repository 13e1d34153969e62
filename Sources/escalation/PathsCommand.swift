import ArgumentParser
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
                    lines += wrap("\(e.path.joined(separator: ".")) = \(e.value)", indent: "      ")
                    if let named = e.namedPath { lines += wrap("    or \(named.joined(separator: "."))", indent: "      ") }
                    if let label = e.label { lines += wrap("    " + label, indent: "    ") }
                }
                try say(lines.joined(separator: "\n"))
            }
        }
    }

    /// Lines of at most 100 columns, broken at spaces where possible, else anywhere.
    func wrap(_ text: String, indent: String, width: Int = 100) -> [String] {
        var lines: [String] = [], rest = Substring(text)
        while rest.count > width {
            let cut = rest.prefix(width)
            let at = cut.lastIndex(of: " ").flatMap { $0 > cut.startIndex && cut.distance(from: cut.startIndex, to: $0) > width / 2 ? $0 : nil }
                ?? cut.endIndex
            lines.append(String(rest[..<at]))
            rest = Substring(indent) + rest[at...].drop { $0 == " " }
        }
        return lines + [String(rest)]
    }
}
