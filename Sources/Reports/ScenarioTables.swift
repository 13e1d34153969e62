import EscalationModel
import Foundation

/// The scenario's parameters as tables, so a report says exactly what was simulated.
enum ScenarioTables {
    static func render(_ s: Scenario) -> String {
        var page = HTMLPage(title: "")
        page.heading("Actors", level: 3)
        page.table(header: ["actor", "name", "sponsor", "control", "policy at the start"], rows: s.actors.map { a in
            [(a.id, nil), (a.name, nil), (a.sponsor.map { s.actors[$0].id } ?? "", nil), (a.sponsor == nil ? "" : a.control.description, nil),
             (a.initialPolicy.map { s.policies[$0].id } ?? "none", nil)]
        })
        page.heading("The ladder", level: 3)
        page.table(header: ["rung", "action", "actor → target", "what happens", "casualties"], rows: s.actions.indices.sorted {
            (s.actions[$0].rung, $0) > (s.actions[$1].rung, $1)
        }.map { i in
            let a = s.actions[i]
            let casualties = a.casualties.map { "\(s.counters[$0.counter].name): \($0.draw)" }.joined(separator: "; ")
                + (a.interception.map { "; interception \($0)" } ?? "")
            return [(String(a.rung), Double(a.rung)), (a.id, nil),
                    ("\(s.actors[a.actor].id) → \(a.target.map { s.actors[$0].id } ?? "—")", nil), (a.narrative, nil), (casualties, nil)]
        })
        page.heading("Policies", level: 3)
        var rows: [[(text: String, value: Double?)]] = []
        for p in s.policies {
            for r in p.rules {
                var when: [String] = []
                if let from = r.from { when.append("from " + from.map { s.actors[$0].id }.joined(separator: ", ")) }
                if let hitBy = r.hitBy { when.append("hit by " + hitBy.map { s.actions[$0].id }.joined(separator: ", ")) }
                if let c = r.condition { when.append("when " + c.source) }
                var how = r.strategy.name
                switch r.strategy {
                case .proportional(let k): how += " \(k > 0 ? "+" : "")\(k)"
                case .generousTitForTat(let g): how += ", forgive \(g)"
                case .titForTwoTats(let w): how += ", window \(humanNumber(w)) days"
                case .fixed(let a): how += ": \(s.actions[a].id)"
                default: break
                }
                rows.append([(p.id, nil), (r.name, nil), (when.joined(separator: "; "), nil), (how, nil), (r.probability.description, nil),
                             (r.delay?.description ?? "", nil), (r.attribution.rawValue, nil)])
            }
        }
        page.table(header: ["policy", "rule", "applies to", "answer", "probability", "delay (days)", "blame"], rows: rows)
        page.heading("State, processes, interventions, outcomes", level: 3)
        page.table(header: ["state variable", "initial", "bounds", "baseline", "half-life (days)"], rows: s.stateVariables.map { v in
            [(v.id, nil), (humanNumber(v.initial), v.initial), ("\(humanNumber(v.minimum)) to \(humanNumber(v.maximum))", nil),
             (humanNumber(v.baseline), v.baseline), (v.halfLife.map { humanNumber($0) } ?? "—", v.halfLife)]
        })
        page.table(header: ["process", "action", "rate (events a day)"], rows: s.processes.map { p in
            let rate: String = switch p.rate {
            case .constant(let r): r.constantValue.map { humanNumber($0, digits: 4) } ?? r.description
            case .piecewise(let steps): steps.map { "from day \(humanNumber($0.start)): \(humanNumber($0.rate, digits: 4))" }.joined(separator: "; ")
            case .dependent(let e, let m): "\(e.source) (at most \(m.constantValue.map { humanNumber($0, digits: 4) } ?? m.description))"
            }
            return [(p.id, nil), (s.actions[p.action].id, nil), (rate + (p.active ? "" : "; starts inactive"), nil)]
        })
        page.table(header: ["intervention", "when", "what"], rows: s.interventions.map { i in
            [(i.id, nil), (s.when(i.day), nil), (i.note ?? i.injections.map { "inject " + s.actions[$0.action].id }.joined(separator: ", "), nil)]
        })
        page.table(header: ["outcome", "ends the run when"], rows: s.outcomes.map { o in
            let rule: String = switch o.rule {
            case .condition(let e): e.source
            case .quiet(let d, let r): "\(humanNumber(d)) days with no action at rung \(r) or above"
            }
            return [(o.label, nil), (rule, nil)]
        })
        return page.body
    }
}
