import EscalationModel
import Record
import Stochastics

extension ScenarioCompiler {
    mutating func compileProcess(_ id: String, _ node: YAMLNode) -> Process? {
        let path = join("processes", id)
        guard let f = fields(node, path, allowed: ["action", "rate", "max_rate", "active"], what: "a process") else {
            return nil
        }
        let action = require(f, "action", "the action it initiates").flatMap {
            reference($0, f.path("action"), kind: "an action", names: actionNames)
        }
        let active = f["active"].flatMap { boolean($0, f.path("active")) } ?? true
        guard let rateNode = require(f, "rate", "events per day: a number, {piecewise: [...]}, or an expression") else {
            return nil
        }
        let ratePath = f.path("rate")
        var rate: Process.Rate?
        switch rateNode.value {
        case .mapping:
            guard let r = fields(rateNode, ratePath, allowed: ["piecewise"], what: "a piecewise rate"),
                  let steps = require(r, "piecewise", "a list of {from, rate}") else { return nil }
            rate = piecewise(steps, r.path("piecewise"))
        default:
            guard let q = quantity(rateNode, ratePath, event: false, minimum: 0,
                                   expected: "a rate of 0 or more events per day (or an expression)") else { return nil }
            switch q {
            case .constant:
                rate = .constant(q)
            case .expression(let e) where e.isFixedPerRun:
                // Only constants and calibrated parameters: the rate is fixed for a run.
                rate = .constant(q)
            case .expression(let e):
                guard let m = require(f, "max_rate", "the most the rate can be, for thinning") else { return nil }
                guard let q = quantity(m, f.path("max_rate"), event: false, expected: "a maximum rate greater than 0") else {
                    return nil
                }
                if case .expression(let bound) = q, !bound.isFixedPerRun {
                    error(m, f.path("max_rate"), expected: "a number, or an expression of constants and parameters only",
                          found: "an expression that changes during the run")
                    return nil
                }
                if let maximum = q.constantValue, maximum <= 0 {
                    error(m, f.path("max_rate"), expected: "a maximum rate greater than 0", found: format(maximum))
                    return nil
                }
                rate = .dependent(e, maximum: q)
            }
        }
        if let m = f["max_rate"], case .constant = rate {
            error(m, f.path("max_rate"), expected: "max_rate only with a rate that is an expression",
                  found: "a constant rate")
        }
        guard let action, let rate else { return nil }
        return Process(id: id, action: action, rate: rate, active: active)
    }

    private mutating func piecewise(_ node: YAMLNode, _ path: String) -> Process.Rate? {
        guard case .sequence(let items) = node.value, !items.isEmpty else {
            error(node, path, expected: "a list of steps {from: day or date, rate: per day}", found: node.kindDescription)
            return nil
        }
        var steps: [(start: Double, rate: Double)] = []
        for (i, item) in items.enumerated() {
            let here = join(path, String(i))
            guard let f = fields(item, here, allowed: ["from", "rate"], what: "a step"),
                  let fromNode = require(f, "from", "a day or a date"), let rateNode = require(f, "rate", "events per day"),
                  let from = day(fromNode, f.path("from")),
                  let rate = number(rateNode, f.path("rate"), expected: "a rate of 0 or more events per day")
            else { return nil }
            if rate < 0 {
                error(rateNode, f.path("rate"), expected: "a rate of 0 or more events per day", found: format(rate))
                return nil
            }
            if let last = steps.last, from <= last.start {
                error(fromNode, f.path("from"), expected: "a start after the previous step's (day \(format(last.start)))",
                      found: "day \(format(from))")
                return nil
            }
            steps.append((from, rate))
        }
        if steps[0].start > 0 { steps.insert((0, 0), at: 0) }
        return .piecewise(steps)
    }

    static let interventionKeys = ["at", "note", "set", "add", "policy", "start", "stop", "inject"]

    mutating func compileIntervention(_ id: String, _ node: YAMLNode, horizon: Double) -> Intervention? {
        let path = join("interventions", id)
        guard let f = fields(node, path, allowed: Self.interventionKeys, what: "an intervention") else { return nil }
        let day = require(f, "at", "a day number or a date").flatMap { self.day($0, f.path("at")) }
        let note = f["note"].flatMap { text($0, f.path("note"), prose: true) }
        var effects: [Effect] = []
        if let s = f["set"] { effects += compileEffects(s, f.path("set"), event: false, operation: .set) }
        if let a = f["add"] { effects += compileEffects(a, f.path("add"), event: false, operation: .add) }
        var switches: [(actor: Int, policy: Int)] = []
        if let p = f["policy"] {
            if case .mapping(let pairs) = p.value {
                for pair in pairs {
                    guard let actor = actorNames.firstIndex(of: pair.key) else {
                        diagnostics.error(pair.keyLocation, f.path("policy"), expected: "an actor", found: "'\(pair.key)'",
                                          hint: Suggestions.hint(for: pair.key, in: actorNames))
                        continue
                    }
                    let here = join(f.path("policy"), pair.key)
                    guard let policy = reference(pair.value, here, kind: "a policy", names: policyNames) else { continue }
                    if let owner = policyActors[policy], owner != actor {
                        error(pair.value, here, expected: "a policy of \(pair.key)",
                              found: "'\(policyNames[policy])', a policy of \(actorNames[owner])")
                        continue
                    }
                    switches.append((actor, policy))
                }
            } else {
                error(p, f.path("policy"), expected: "a mapping of actors to policies", found: p.kindDescription)
            }
        }
        let startList = f["start"].flatMap { references($0, f.path("start"), kind: "a process", names: processNames) } ?? []
        let stopList = f["stop"].flatMap { references($0, f.path("stop"), kind: "a process", names: processNames) } ?? []
        var injections: [Intervention.Injection] = []
        if let i = f["inject"] {
            let isList = if case .sequence = i.value { true } else { false }
            for (k, item) in list(i).enumerated() {
                let here = isList ? join(f.path("inject"), String(k)) : f.path("inject")
                if let injection = compileInjection(item, here) { injections.append(injection) }
            }
        }
        guard let day else { return nil }
        return Intervention(id: id, day: day, note: note, effects: effects, policySwitches: switches,
                            startProcesses: startList, stopProcesses: stopList, injections: injections)
    }

    /// `action` or `{action: a, casualties: {us_killed: 2, ...}}` (documented casualties).
    private mutating func compileInjection(_ node: YAMLNode, _ path: String) -> Intervention.Injection? {
        if node.scalar != nil {
            return reference(node, path, kind: "an action", names: actionNames).map { Intervention.Injection(action: $0) }
        }
        guard let f = fields(node, path, allowed: ["action", "casualties"], what: "an injection") else { return nil }
        let action = require(f, "action", "the action injected").flatMap {
            reference($0, f.path("action"), kind: "an action", names: actionNames)
        }
        var casualties: [(counter: Int, value: Double)]?
        if let c = f["casualties"] {
            guard case .mapping(let pairs) = c.value else {
                error(c, f.path("casualties"), expected: "a mapping of ledger counters to numbers", found: c.kindDescription)
                return nil
            }
            casualties = []
            for pair in pairs {
                guard let counter = expressionSymbols.counters.firstIndex(of: pair.key) else {
                    diagnostics.error(pair.keyLocation, f.path("casualties"), expected: "a ledger counter",
                                      found: "'\(pair.key)'", hint: Suggestions.hint(for: pair.key, in: expressionSymbols.counters))
                    continue
                }
                let here = join(f.path("casualties"), pair.key)
                if let v = number(pair.value, here, expected: "a whole number of people, 0 or more") {
                    if v >= 0 && v == v.rounded() {
                        casualties?.append((counter, v))
                    } else {
                        error(pair.value, here, expected: "a whole number of people, 0 or more", found: format(v))
                    }
                }
            }
        }
        guard let action else { return nil }
        return Intervention.Injection(action: action, casualties: casualties)
    }

    mutating func compileOutcome(_ id: String, _ node: YAMLNode) -> Outcome? {
        let path = join("outcomes", id)
        if id == "unresolved" || id == "runaway" || id == "invalid" {
            error(node, path, expected: "an outcome name other than unresolved, runaway and invalid (they are built in)",
                  found: "'\(id)'")
            return nil
        }
        guard let f = fields(node, path, allowed: ["when", "quiet_days", "min_rung", "label"], what: "an outcome") else {
            return nil
        }
        let label = f["label"].flatMap { text($0, f.path("label")) }
        switch (f["when"], f["quiet_days"]) {
        case (let w?, nil):
            if let m = f["min_rung"] {
                error(m, f.path("min_rung"), expected: "min_rung only with quiet_days", found: "a when: outcome")
            }
            return condition(w, f.path("when"), event: true).map { Outcome(id: id, label: label, rule: .condition($0)) }
        case (nil, let q?):
            guard let days = number(q, f.path("quiet_days"), expected: "a number of days greater than 0") else { return nil }
            if days <= 0 {
                error(q, f.path("quiet_days"), expected: "a number of days greater than 0", found: format(days))
                return nil
            }
            let rung = f["min_rung"].flatMap {
                integer($0, f.path("min_rung"), in: Ladder.rungs, expected: "an integer rung from 0 to 9")
            } ?? 0
            return Outcome(id: id, label: label, rule: .quiet(days: days, minimumRung: rung))
        default:
            error(node, path, expected: "exactly one of when: (a condition) and quiet_days:",
                  found: f["when"] == nil ? "neither" : "both")
            return nil
        }
    }
}

extension ScenarioCompiler {
    static let observationKeys = ["at", "value", "label", "documented", "source"]

    /// `{at: day or date, value: expression, label, documented: number or record formula, source: text}`.
    /// A documented value from the record keeps the record's whole range (`25+`, `10-14`).
    mutating func compileObservation(_ id: String, _ node: YAMLNode, horizon: Double) -> Observation? {
        let path = join("observations", id)
        guard let f = fields(node, path, allowed: Self.observationKeys, what: "an observation") else { return nil }
        let day = require(f, "at", "a day number or a date").flatMap { self.day($0, f.path("at")) }
        if let d = day, d > horizon, let at = f["at"] {
            error(at, f.path("at"), expected: "a day within the horizon (\(format(horizon)) days)", found: "day \(format(d))")
        }
        let value = require(f, "value", "an expression such as count(kh_rockets) or first(us_depot_strikes)").flatMap {
            condition($0, f.path("value"), event: false)
        }
        let label = f["label"].flatMap { text($0, f.path("label")) }
        var documented: Documented?
        var formula: String?
        if let d = f["documented"] {
            if let s = d.scalar, s.contains("@") {
                documented = derive(s, d, f.path("documented"))?.documented
                formula = s.trimmingCharacters(in: .whitespaces)
            } else if let v = number(d, f.path("documented"), expected: "the documented number, or a record formula such as \"@2020-03-14-taji.us_wounded\"") {
                documented = .exactly(v)
            }
        }
        let source = f["source"].flatMap { text($0, f.path("source")) } ?? formula
        guard let day, day <= horizon, let value else { return nil }
        return Observation(id: id, label: label, day: day, value: value, documented: documented?.figure,
                           documentedRange: documented.map { $0.low...$0.high }, source: source)
    }
}
