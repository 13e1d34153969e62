import EscalationModel
import Foundation

/// The escalation ladder of a scenario as a table: every rung, its name, and the actions on it
/// with who does them to whom and their expected casualties.
public struct LadderTable {
    public let scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    public func render() -> String {
        let s = scenario
        var rows: [[String]] = [["rung", "name", "action", "actor → target", "expected casualties"]]
        for rung in Ladder.rungs.reversed() {
            let actions = s.actions.indices.filter { s.actions[$0].rung == rung }
            if actions.isEmpty {
                rows.append([String(rung), s.rungNames[rung], "—", "", ""])
                continue
            }
            for (i, a) in actions.enumerated() {
                let action = s.actions[a]
                let who = s.actors[action.actor].id + " → " + (action.target.map { s.actors[$0].id } ?? "nobody")
                rows.append([i == 0 ? String(rung) : "", i == 0 ? s.rungNames[rung] : "", action.id, who,
                             expected(action)])
            }
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max()! }
        var out = ""
        for (r, row) in rows.enumerated() {
            out += row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            if r == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
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
