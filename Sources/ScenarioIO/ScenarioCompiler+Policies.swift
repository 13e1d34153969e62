import EscalationModel
import Stochastics

extension ScenarioCompiler {
    static let ruleKeys = ["name", "from", "hit_by", "defends", "when", "strategy", "offset", "forgive", "window",
                           "action", "answer_with", "probability", "delay", "attribution", "fall_through"]
    static let strategyNames = ["tit_for_tat", "proportional", "generous_tit_for_tat", "tit_for_two_tats",
                                "grim_trigger", "fixed", "restraint"]
    /// Keys that belong to one strategy only.
    static let strategyKeys = ["offset": "proportional", "forgive": "generous_tit_for_tat",
                               "window": "tit_for_two_tats", "action": "fixed"]

    mutating func compilePolicy(_ id: String, _ node: YAMLNode) -> Policy? {
        let path = join("policies", id)
        guard let f = fields(node, path, allowed: ["actor", "rules"], what: "a policy") else { return nil }
        let actor = require(f, "actor", "the actor whose policy this is").flatMap {
            reference($0, f.path("actor"), kind: "an actor", names: actorNames)
        }
        guard let rulesNode = require(f, "rules", "a list of rules") else { return nil }
        guard case .sequence(let items) = rulesNode.value else {
            error(rulesNode, f.path("rules"), expected: "a list of rules", found: rulesNode.kindDescription)
            return nil
        }
        guard let actor else { return nil }
        var rules: [Rule] = []
        for (i, item) in items.enumerated() {
            if let rule = compileRule(item, join(f.path("rules"), String(i)), owner: actor, position: i + 1) {
                rules.append(rule)
            }
        }
        return Policy(id: id, actor: actor, rules: rules)
    }

    mutating func compileRule(_ node: YAMLNode, _ path: String, owner: Int, position: Int) -> Rule? {
        guard let f = fields(node, path, allowed: Self.ruleKeys, what: "a rule") else { return nil }
        let name = f["name"].flatMap { text($0, f.path("name")) } ?? "rule \(position)"
        guard let strategyNode = require(f, "strategy", Suggestions.list(Self.strategyNames)),
              let strategyName = text(strategyNode, f.path("strategy")) else { return nil }
        guard Self.strategyNames.contains(strategyName) else {
            error(strategyNode, f.path("strategy"), expected: "a strategy (\(Self.strategyNames.joined(separator: ", ")))",
                  found: "'\(strategyName)'", hint: Suggestions.hint(for: strategyName, in: Self.strategyNames))
            return nil
        }
        for (key, owning) in Self.strategyKeys where f[key] != nil && owning != strategyName {
            error(f[key]!, f.path(key), expected: "\(key) only with strategy \(owning)",
                  found: "strategy \(strategyName)")
        }

        var covers = [owner]
        if let d = f["defends"], let defended = references(d, f.path("defends"), kind: "an actor", names: actorNames) {
            covers += defended.filter { $0 != owner }
        }
        let from = f["from"].flatMap { references($0, f.path("from"), kind: "an actor", names: actorNames) }
        let hitBy = f["hit_by"].flatMap { references($0, f.path("hit_by"), kind: "an action", names: actionNames) }
        let condition = f["when"].flatMap { self.condition($0, f.path("when"), event: true) }
        let probability = f["probability"].map { self.probability($0, f.path("probability"), event: true) } ?? .constant(1)
        var attribution = Attribution.actor
        if let a = f["attribution"] {
            if let s = a.scalar, let value = Attribution(rawValue: s) {
                attribution = value
            } else {
                error(a, f.path("attribution"), expected: "actor, sponsor or both", found: a.kindDescription)
            }
        }

        let fallThrough = f["fall_through"].flatMap { boolean($0, f.path("fall_through")) } ?? false
        if fallThrough && f["probability"] == nil {
            error(f["fall_through"]!, f.path("fall_through"), expected: "fall_through only with a probability below 1",
                  found: "no probability")
        }

        let strategy: Strategy?
        switch strategyName {
        case "tit_for_tat": strategy = .titForTat
        case "grim_trigger": strategy = .grimTrigger
        case "restraint": strategy = .restraint
        case "proportional":
            strategy = require(f, "offset", "rungs added to the rung received, negative to de-escalate").flatMap {
                integer($0, f.path("offset"), in: -9...9, expected: "a whole number of rungs from -9 to 9")
            }.map { .proportional(offset: $0) }
        case "generous_tit_for_tat":
            strategy = require(f, "forgive", "the probability of forgiving a hit").flatMap {
                self.probability($0, f.path("forgive"), event: true)
            }.map { .generousTitForTat(forgive: $0) }
        case "tit_for_two_tats":
            strategy = require(f, "window", "days within which a second hit is answered").flatMap { w -> Double? in
                guard let v = number(w, f.path("window"), expected: "a window in days greater than 0") else { return nil }
                if v > 0 { return v }
                error(w, f.path("window"), expected: "a window in days greater than 0", found: format(v))
                return nil
            }.map { .titForTwoTats(window: $0) }
        default:
            strategy = require(f, "action", "the action that answers").flatMap { node -> Int? in
                guard let a = reference(node, f.path("action"), kind: "an action", names: actionNames) else { return nil }
                checkOwned(a, node, f.path("action"), owner: owner)
                return a
            }.map { .fixed(action: $0) }
        }

        var answerWith: [Int]?
        if let w = f["answer_with"] {
            if strategyName == "fixed" || strategyName == "restraint" {
                error(w, f.path("answer_with"), expected: "answer_with only with strategies that choose a rung",
                      found: "strategy \(strategyName)")
            } else if let list = references(w, f.path("answer_with"), kind: "an action", names: actionNames) {
                for (i, a) in list.enumerated() {
                    checkOwned(a, w, w.scalar == nil ? join(f.path("answer_with"), String(i)) : f.path("answer_with"),
                               owner: owner)
                }
                answerWith = list
            }
        }

        var delay: RandomQuantity?
        if strategyName != "restraint" {
            delay = require(f, "delay", "days before the answer").flatMap {
                randomQuantity($0, f.path("delay"), event: true, nonNegative: true)
            }
            if delay == nil { return nil }
        }
        guard let strategy, let probability else { return nil }

        // An answer must exist for every attacker the rule names.
        if let from, strategyName != "fixed", strategyName != "restraint" {
            let pool = answerWith ?? actionActors.indices.filter { actionActors[$0] == owner }
            for attacker in from {
                var blamed: [Int] = []
                switch attribution {
                case .actor: blamed = [attacker]
                case .sponsor: blamed = [actorSponsors[attacker] ?? attacker]
                case .both: blamed = [attacker] + (actorSponsors[attacker].map { [$0] } ?? [])
                }
                for target in blamed where !pool.contains(where: { actionTargets[$0] == target }) {
                    error(f["from"]!, f.path("from"),
                          expected: "an action of \(actorNames[owner]) aimed at \(actorNames[target]) to answer with",
                          found: "none", hint: "add one, or list the answers in answer_with")
                }
            }
        }
        return Rule(name: name, covers: covers, from: from, hitBy: hitBy, condition: condition, strategy: strategy,
                    answerWith: answerWith, probability: probability, delay: delay, attribution: attribution,
                    fallThrough: fallThrough)
    }

    private mutating func checkOwned(_ action: Int, _ node: YAMLNode, _ path: String, owner: Int) {
        if let actor = actionActors[action], actor != owner {
            error(node, path, expected: "an action of \(actorNames[owner])",
                  found: "'\(actionNames[action])', an action of \(actorNames[actor])")
        }
    }
}
