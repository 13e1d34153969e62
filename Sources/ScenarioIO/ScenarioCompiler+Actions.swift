import EscalationModel

extension ScenarioCompiler {
    static let actionKeys = ["actor", "target", "rung", "narrative", "casualties", "interception", "effects", "triggers"]

    mutating func compileAction(_ id: String, _ node: YAMLNode) -> Action? {
        let path = join("actions", id)
        guard let f = fields(node, path, allowed: Self.actionKeys, what: "an action") else { return nil }
        let actor = require(f, "actor", "the actor who acts").flatMap {
            reference($0, f.path("actor"), kind: "an actor", names: actorNames)
        }
        var target: Int?
        if let t = f["target"] {
            target = reference(t, f.path("target"), kind: "an actor", names: actorNames)
            if let t2 = target, t2 == actor {
                error(t, f.path("target"), expected: "a target other than the actor itself", found: "'\(actorNames[t2])'")
            }
        }
        let rung = require(f, "rung", "an integer from 0 to 9").flatMap {
            integer($0, f.path("rung"), in: Ladder.rungs, expected: "an integer rung from 0 to 9")
        }
        let narrative = f["narrative"].flatMap { text($0, f.path("narrative"), prose: true) }
            ?? "\(actor.map { actorNames[$0] } ?? "?") carries out \(id.replacingOccurrences(of: "_", with: " "))"

        var casualties: [Casualty] = []
        if let c = f["casualties"] {
            let here = f.path("casualties")
            if case .mapping(let pairs) = c.value {
                for pair in pairs {
                    guard let counter = expressionSymbols.counters.firstIndex(of: pair.key) else {
                        diagnostics.error(pair.keyLocation, here, expected: "a ledger counter (<side>_killed or <side>_wounded)",
                                          found: "'\(pair.key)'",
                                          hint: Suggestions.hint(for: pair.key, in: expressionSymbols.counters))
                        continue
                    }
                    if let draw = randomQuantity(pair.value, join(here, pair.key), event: false, nonNegative: true) {
                        casualties.append(Casualty(counter: counter, draw: draw))
                    }
                }
            } else {
                error(c, here, expected: "a mapping of ledger counters to distributions", found: c.kindDescription)
            }
        }
        let interception = f["interception"].flatMap { probability($0, f.path("interception"), event: false) }
        let effects = f["effects"].map { compileEffects($0, f.path("effects"), event: true, operation: nil) } ?? []
        var triggers: [Trigger] = []
        if let t = f["triggers"] {
            guard case .sequence(let items) = t.value else {
                error(t, f.path("triggers"), expected: "a list of triggers", found: t.kindDescription)
                return nil
            }
            for (i, item) in items.enumerated() {
                if let trigger = compileTrigger(item, join(f.path("triggers"), String(i))) { triggers.append(trigger) }
            }
        }
        guard let actor, let rung else { return nil }
        return Action(id: id, actor: actor, target: target, rung: rung, narrative: narrative, casualties: casualties,
                      interception: interception, effects: effects, triggers: triggers)
    }

    mutating func compileTrigger(_ node: YAMLNode, _ path: String) -> Trigger? {
        guard let f = fields(node, path, allowed: ["action", "probability", "delay"], what: "a trigger") else { return nil }
        let action = require(f, "action", "the action set off").flatMap {
            reference($0, f.path("action"), kind: "an action", names: actionNames)
        }
        let probability = f["probability"].map { self.probability($0, f.path("probability"), event: true) } ?? .constant(1)
        let delay = require(f, "delay", "a delay in days").flatMap {
            randomQuantity($0, f.path("delay"), event: true, nonNegative: true)
        }
        guard let action, let probability, let delay else { return nil }
        return Trigger(action: action, probability: probability, delay: delay)
    }

    /// `{variable: amount}` (add), or `{variable: {set: v}}` / `{variable: {add: v}}`. When
    /// `operation` is given (interventions' `set:` and `add:`), values are plain amounts.
    mutating func compileEffects(_ node: YAMLNode, _ path: String, event: Bool, operation: Effect.Operation?) -> [Effect] {
        guard case .mapping(let pairs) = node.value else {
            error(node, path, expected: "a mapping of state variables to changes", found: node.kindDescription)
            return []
        }
        var effects: [Effect] = []
        for pair in pairs {
            let here = join(path, pair.key)
            guard let variable = stateNames.firstIndex(of: pair.key) else {
                diagnostics.error(pair.keyLocation, path, expected: "a state variable", found: "'\(pair.key)'",
                                  hint: Suggestions.hint(for: pair.key, in: stateNames))
                continue
            }
            var op = operation ?? .add
            var amountNode = pair.value
            var amountPath = here
            if operation == nil, case .mapping = pair.value.value {
                guard let f = fields(pair.value, here, allowed: ["add", "set"], what: "a state change"),
                      f.pairs.count == 1 else {
                    if case .mapping(let inner) = pair.value.value, inner.count != 1 {
                        error(pair.value, here, expected: "exactly one of add: or set:", found: "\(inner.count) keys")
                    }
                    continue
                }
                op = f.pairs[0].key == "set" ? .set : .add
                amountNode = f.pairs[0].value
                amountPath = f.path(f.pairs[0].key)
            }
            if let amount = quantity(amountNode, amountPath, event: event) {
                effects.append(Effect(variable: variable, operation: op, amount: amount))
            }
        }
        return effects
    }
}
