import EscalationModel
import Foundation
import Record

/// The escalation ladder of a scenario as a table: every rung, its name, and the actions on it
/// with who does them to whom and their expected casualties.
public struct LadderTable {
    public let scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    /// The table, no line wider than `width`: each rung on a line with its name, then its
    /// actions; long expected casualties continue on the lines below.
    public func render(width: Int = TerminalText.width) -> String {
        let s = scenario
        var rows: [[String]] = [], rungOfRow: [Int] = []
        for rung in Ladder.rungs.reversed() {
            for action in s.actions where action.rung == rung {
                let who = s.actors[action.actor].id + " → " + (action.target.map { s.actors[$0].id } ?? "nobody")
                rows.append(["", action.id, who, expected(action)])
                rungOfRow.append(rung)
            }
        }
        let table = TextTable([.init("rung"), .init("action"), .init("actor → target"), .init("expected casualties", wraps: true)],
                              rows: rows, rule: true)
        let (header, rowLines) = table.layout(width: width)
        var out = header
        for rung in Ladder.rungs.reversed() {
            let number = String(rung).padding(toLength: 4, withPad: " ", startingAt: 0) + "  "
            out += TerminalText.wrap(s.rungNames[rung], width: width, first: number, rest: "      ")
            let actions = rowLines.indices.filter { rungOfRow[$0] == rung }
            out += actions.isEmpty ? ["      —"] : actions.flatMap { rowLines[$0] }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// "us_killed 0.12, us_wounded 0.84 (intercepted: c_ram)"; expressions shown as written.
    func expected(_ action: Action) -> String {
        var parts = action.casualties.map { c -> String in
            let name = scenario.counters[c.counter].name
            if let d = c.draw.constantDistribution { return "\(name) \(humanNumber(d.mean))" }
            return "\(name) \(c.draw)"
        }
        if let i = action.interception { parts.append("interception \(i)") }
        return parts.joined(separator: ", ")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
