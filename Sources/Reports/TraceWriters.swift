import EscalationModel
import Foundation

/// A run as JSON Lines: a header object, then one object per entry with every field.
public struct TraceJSONL {
    public let scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    public func render(result: RunResult, trace: Trace) -> String {
        let s = scenario
        var out = "{\"type\":\"run\",\"scenario\":\(jsonString(s.name)),\"title\":\(jsonString(s.title)),"
            + "\"seed\":\(result.seed),\"start\":\(s.start.map { jsonString($0.iso) } ?? "null"),"
            + "\"horizon\":\(jsonNumber(s.horizon)),\"draw\":\(result.draw.map(String.init) ?? "null"),"
            + "\"parameters\":\(object(s.parameters.names, runParameters(result)))}\n"
        for entry in trace.entries {
            var fields: [String] = []
            func add(_ key: String, _ value: String) { fields.append("\(jsonString(key)):\(value)") }
            switch entry.kind {
            case .action(let number, let a, let cause, let intercepted, let casualties, let decisions):
                let action = s.actions[a]
                add("type", jsonString("action"))
                add("n", String(number))
                addTime(entry.time, add)
                add("action", jsonString(action.id))
                add("actor", jsonString(s.actors[action.actor].id))
                add("target", action.target.map { jsonString(s.actors[$0].id) } ?? "null")
                add("rung", String(action.rung))
                add("intercepted", intercepted ? "true" : "false")
                add("casualties", object(s.counters.map(\.name), casualties))
                add("cause", causeJSON(cause))
                add("decisions", "[" + decisions.map(decisionJSON).joined(separator: ",") + "]")
            case .intervention(let i):
                add("type", jsonString("intervention"))
                addTime(entry.time, add)
                add("intervention", jsonString(s.interventions[i].id))
                add("note", s.interventions[i].note.map(jsonString) ?? "null")
            case .outcome(let o):
                add("type", jsonString("outcome"))
                addTime(entry.time, add)
                add("outcome", jsonString(s.outcomeNames[o]))
                add("actions", String(result.actions))
                add("max_rung", String(result.maxRung))
                add("ledger", object(s.counters.map(\.name), result.ledger))
            }
            add("state", object(s.stateVariables.map(\.id), entry.state))
            out += "{" + fields.joined(separator: ",") + "}\n"
        }
        return out
    }

    /// The calibrated parameters' values in this run: its posterior draw, or the point values.
    private func runParameters(_ result: RunResult) -> [Double] {
        let slots = scenario.parameters
        guard let d = result.draw, let posterior = slots.posterior else { return slots.pointValues }
        return Array(posterior.draw(d))
    }

    private func addTime(_ time: Double, _ add: (String, String) -> Void) {
        add("day", jsonNumber(time))
        add("date", scenario.date(ofDay: time).map { jsonString($0.iso) } ?? "null")
    }

    private func object(_ keys: [String], _ values: [Double]) -> String {
        "{" + zip(keys, values).map { "\(jsonString($0)):\(jsonNumber($1))" }.joined(separator: ",") + "}"
    }

    private func causeJSON(_ cause: Cause) -> String {
        let s = scenario
        switch cause {
        case .process(let p):
            return "{\"type\":\"process\",\"process\":\(jsonString(s.processes[p].id))}"
        case .intervention(let i):
            return "{\"type\":\"intervention\",\"intervention\":\(jsonString(s.interventions[i].id))}"
        case .answer(let parent, let responder, let rule, let probability, let wanted, let delay):
            let (p, k) = s.ruleLocation(rule)
            return "{\"type\":\"answer\",\"parent\":\(parent),\"responder\":\(jsonString(s.actors[responder].id)),"
                + "\"policy\":\(jsonString(s.policies[p].id)),\"rule\":\(k),"
                + "\"rule_name\":\(jsonString(s.policies[p].rules[k].name)),"
                + "\"probability\":\(jsonNumber(probability)),\"wanted_rung\":\(wanted),\"delay\":\(jsonNumber(delay))}"
        case .trigger(let parent, let trigger, let probability, let delay):
            return "{\"type\":\"trigger\",\"parent\":\(parent),\"trigger\":\(trigger),"
                + "\"probability\":\(jsonNumber(probability)),\"delay\":\(jsonNumber(delay))}"
        case .move(let parent, let responder, let move, let delay):
            return "{\"type\":\"move\",\"parent\":\(parent),\"responder\":\(jsonString(s.actors[responder].id)),"
                + "\"move\":\(move),\"delay\":\(jsonNumber(delay))}"
        }
    }

    private func decisionJSON(_ d: Decision) -> String {
        let s = scenario
        let (p, k) = s.ruleLocation(d.rule)
        var fields = ["\"responder\":\(jsonString(s.actors[d.responder].id))", "\"policy\":\(jsonString(s.policies[p].id))",
                      "\"rule\":\(k)", "\"rule_name\":\(jsonString(s.policies[p].rules[k].name))",
                      "\"probability\":\(d.probability.map(jsonNumber) ?? "null")"]
        switch d.result {
        case .answered(let a, let target, let wanted, let delay, _):
            fields += ["\"result\":\"answered\"", "\"action\":\(jsonString(s.actions[a].id))",
                       "\"target\":\(jsonString(s.actors[target].id))", "\"wanted_rung\":\(wanted)",
                       "\"delay\":\(jsonNumber(delay))"]
        case .declined: fields.append("\"result\":\"declined\"")
        case .forgiven(let g): fields += ["\"result\":\"forgiven\"", "\"forgiveness\":\(jsonNumber(g))"]
        case .waiting: fields.append("\"result\":\"waiting\"")
        case .restrained: fields.append("\"result\":\"restrained\"")
        case .noOption(let target, let wanted):
            fields += ["\"result\":\"no_option\"", "\"target\":\(jsonString(s.actors[target].id))", "\"wanted_rung\":\(wanted)"]
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// A run as CSV: one row per entry, ledger and state as columns.
public struct TraceCSV {
    public let scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    public func render(result: RunResult, trace: Trace) -> String {
        let s = scenario
        let header = ["n", "day", "date", "type", "name", "actor", "target", "rung", "intercepted", "cause", "parent",
                      "policy", "rule", "probability", "delay"]
            + s.counters.map(\.name) + s.stateVariables.map(\.id)
        var rows = [header.joined(separator: ",")]
        for entry in trace.entries {
            var row: [String]
            let date = s.date(ofDay: entry.time)?.iso ?? ""
            var counts = [Double](repeating: 0, count: s.counters.count)
            switch entry.kind {
            case .action(let number, let a, let cause, let intercepted, let casualties, _):
                let action = s.actions[a]
                counts = casualties
                var causeFields = ["", "", "", "", "", ""]
                switch cause {
                case .process(let p): causeFields = ["process", "", s.processes[p].id, "", "", ""]
                case .intervention(let i): causeFields = ["intervention", "", s.interventions[i].id, "", "", ""]
                case .answer(let parent, _, let rule, let probability, _, let delay):
                    let (p, k) = s.ruleLocation(rule)
                    causeFields = ["answer", String(parent), s.policies[p].id, String(k), exactNumber(probability),
                                   exactNumber(delay)]
                case .trigger(let parent, let trigger, let probability, let delay):
                    causeFields = ["trigger", String(parent), "", String(trigger), exactNumber(probability),
                                   exactNumber(delay)]
                case .move(let parent, _, let move, let delay):
                    causeFields = ["move", String(parent), "", String(move), "", exactNumber(delay)]
                }
                row = [String(number), exactNumber(entry.time), date, "action", action.id, s.actors[action.actor].id,
                       action.target.map { s.actors[$0].id } ?? "", String(action.rung), intercepted ? "1" : "0"]
                    + causeFields
            case .intervention(let i):
                row = ["", exactNumber(entry.time), date, "intervention", s.interventions[i].id, "", "", "", "",
                       "", "", "", "", "", ""]
            case .outcome(let o):
                counts = result.ledger
                row = ["", exactNumber(entry.time), date, "outcome", s.outcomeNames[o], "", "",
                       String(result.maxRung), "", "", "", "", "", "", ""]
            }
            row += counts.map(exactNumber) + entry.state.map(exactNumber)
            rows.append(row.map(csvField).joined(separator: ","))
        }
        return rows.joined(separator: "\n") + "\n"
    }
}
