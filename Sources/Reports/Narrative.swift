import EscalationModel
import Foundation

/// A run told as a dated chronology, with a closing summary. With `explain`, each action also
/// says why it happened and what each responder's rules decided about it.
public struct Narrative {
    public let scenario: Scenario
    public let explain: Bool

    public init(scenario: Scenario, explain: Bool = false) {
        self.scenario = scenario
        self.explain = explain
    }

    /// The run's story; `notes` adds lines under the action with that number (a game's moves).
    public func render(result: RunResult, trace: Trace, notes: [Int: [String]] = [:]) -> String {
        let s = scenario
        var lines: [String] = []
        lines.append("\(s.title) — seed \(result.seed)")
        let span = s.start.map { "From \($0.long), for \(humanNumber(s.horizon)) days." }
            ?? "For \(humanNumber(s.horizon)) days."
        // Which posterior draw the seed chose: a batch CSV's draw column says the same.
        let draw = result.draw.map { d in
            " Calibrated parameters: posterior draw \(d) of \(s.parameters.posterior!.count) ("
                + s.parameters.names.enumerated().map { "\($1) \(humanNumber(s.parameters.posterior!.value(draw: d, parameter: $0), digits: 3))" }
                .joined(separator: ", ") + ")."
        } ?? ""
        lines.append(span + draw)
        lines.append("")
        lines += chronology(trace, notes: notes)
        lines.append("")
        var outcome = "Outcome: \(s.outcomeLabel(result.outcome)) on day \(humanNumber(result.outcomeDay, digits: 1))"
        if let date = s.date(ofDay: result.outcomeDay) { outcome += " (\(date.long))" }
        lines.append(outcome + ".")
        lines.append("Ledger: \(s.ledgerText(result.ledger)).")
        if result.maxRung >= 0 {
            lines.append("Actions: \(result.actions), highest rung \(result.maxRung) (\(s.rungNames[result.maxRung])).")
        } else {
            lines.append("Actions: none.")
        }
        if result.rateExceeded {
            let reached = rateExcessText(s.rateExcessByProcess(result.rateExcess))
            lines.append("Warning: a state-dependent rate went above its max_rate" + (reached.isEmpty ? "" : " (\(reached))")
                         + "; raise max_rate for exact results.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line a dated action or intervention, in order, each followed by its `notes`.
    public func chronology(_ trace: Trace, notes: [Int: [String]] = [:]) -> [String] {
        let s = scenario
        var lines: [String] = []
        for entry in trace.entries {
            switch entry.kind {
            case .action(let number, let a, let cause, let intercepted, let casualties, let decisions):
                let action = s.actions[a]
                var line = "\(s.when(entry.time)) — \(action.narrative) (rung \(action.rung))"
                if intercepted {
                    line += ": intercepted by air defence"
                } else if let text = s.casualtyText(casualties) {
                    line += ": \(text)"
                } else if !action.casualties.isEmpty {
                    line += ": no one hurt"
                }
                lines.append(explain ? "#\(number) \(line)" : line)
                if explain {
                    lines.append("    why: \(why(cause, trace: trace))")
                    for decision in decisions { lines.append("    \(describe(decision))") }
                }
                for note in notes[number] ?? [] { lines.append("    " + note) }
            case .intervention(let i):
                let intervention = s.interventions[i]
                // An intervention that only injects an action is told by that action's line.
                if intervention.effects.isEmpty && intervention.policySwitches.isEmpty
                    && intervention.startProcesses.isEmpty && intervention.stopProcesses.isEmpty { continue }
                lines.append("\(s.when(entry.time)) — \(intervention.note ?? "intervention \(intervention.id)") [intervention]")
            case .outcome:
                break
            }
        }
        return lines
    }

    func why(_ cause: Cause, trace: Trace) -> String {
        let s = scenario
        switch cause {
        case .process(let p):
            return "background process \(s.processes[p].id)"
        case .intervention(let i):
            return "intervention \(s.interventions[i].id)"
        case .answer(let parent, let responder, let rule, let probability, let wanted, let delay):
            let (p, k) = s.ruleLocation(rule)
            let r = s.policies[p].rules[k]
            let rung = if case .fixed = r.strategy { "" } else { ", wanted rung \(wanted)" }
            return "\(s.actors[responder].name) answering #\(parent) under \(s.policies[p].id), rule \"\(r.name)\" "
                + "(\(r.strategy.name), p = \(humanNumber(probability, digits: 3))\(rung), "
                + "delay \(humanNumber(delay, digits: 2)) days)"
        case .trigger(let parent, let trigger, let probability, let delay):
            return "set off by #\(parent) (trigger \(trigger + 1), p = \(humanNumber(probability, digits: 3)), "
                + "delay \(humanNumber(delay, digits: 2)) days)"
        case .move(let parent, let responder, let move, let delay):
            return "the player's move \(move) for \(s.actors[responder].name), answering #\(parent) "
                + "(delay \(humanNumber(delay, digits: 2)) days)"
        }
    }

    func describe(_ d: Decision) -> String {
        let s = scenario
        let (p, k) = s.ruleLocation(d.rule)
        let who = "\(s.actors[d.responder].name), rule \"\(s.policies[p].rules[k].name)\""
        let p0 = d.probability.map { " (p = \(humanNumber($0, digits: 3)))" } ?? ""
        switch d.result {
        case .answered(let a, _, _, let delay, _):
            return "→ \(who): answers with \(s.actions[a].id) in \(humanNumber(delay, digits: 2)) days\(p0)"
        case .declined:
            return "→ \(who): does not answer\(p0)"
        case .forgiven(let g):
            return "→ \(who): forgives (forgiveness \(humanNumber(g, digits: 3)))"
        case .waiting:
            return "→ \(who): waits for a second hit"
        case .restrained:
            return "→ \(who): holds back (restraint)"
        case .noOption(let target, let wanted):
            return "→ \(who): has no action against \(s.actors[target].name) near rung \(wanted)\(p0)"
        }
    }
}
