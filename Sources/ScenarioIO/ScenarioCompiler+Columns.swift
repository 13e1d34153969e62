import EscalationModel

extension ScenarioCompiler {
    /// The columns every batch CSV has, and the comparison's row of runs whose ending changed.
    static let builtInColumns = ["run", "seed", "outcome", "outcome_day", "max_rung", "events", "draw", "outcome_changed"]

    /// Each name a scenario gives a column of the per-run CSV (`<side>_killed`, `count_<action>`,
    /// `final_<state>`, `obs_<observation>`) or a row of a summary or a comparison
    /// (`outcome_<outcome>`, `days_to_<outcome>`) must be its own: two that make the same name
    /// (side `count`'s `count_killed` and action `killed`'s) would put one number under the
    /// other's name. The later one is reported, naming what made the name first.
    mutating func checkColumnNames(_ s: Scenario, _ top: YAMLNode) {
        var makers: [String: String] = [:]
        for name in Self.builtInColumns { makers[name] = "a column every batch has" }
        func claim(_ name: String, by maker: String, at node: YAMLNode, _ path: String) {
            if let first = makers[name] {
                error(node, path, expected: "an id whose column \(name) no other name makes", found: "\(first) makes it too")
            } else {
                makers[name] = maker
            }
        }
        func node(_ section: String, _ id: String) -> YAMLNode { top[section]?[id] ?? top[section] ?? top }
        for counter in s.counters {
            let side = s.sides[counter.side].id
            claim(counter.name, by: "side \(side) (its \(counter.kind.rawValue))", at: node("sides", side), join("sides", side))
        }
        for action in s.actions {
            claim("count_" + action.id, by: "action \(action.id)", at: node("actions", action.id), join("actions", action.id))
        }
        for variable in s.stateVariables {
            claim("final_" + variable.id, by: "state variable \(variable.id)", at: node("state", variable.id), join("state", variable.id))
        }
        for observation in s.observations {
            claim("obs_" + observation.id, by: "observation \(observation.id)", at: node("observations", observation.id),
                  join("observations", observation.id))
        }
        for outcome in s.outcomes {
            for prefix in ["outcome_", "days_to_"] {
                claim(prefix + outcome.id, by: "outcome \(outcome.id)", at: node("outcomes", outcome.id), join("outcomes", outcome.id))
            }
        }
    }
}
