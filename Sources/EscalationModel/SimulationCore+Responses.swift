import SimKernel
import Stochastics

extension SimulationCore {
    /// Action `a` (action number `hit`) hit its target: every other actor whose policy has a rule
    /// covering the target tries its rules in order, and the first that applies decides (unless
    /// it falls through on a declined draw). Where one rule settles it (`AnswerPlan`), the plan
    /// answers with the same draws in the same order, without walking the rules; a recording
    /// observer always walks them, so traced runs check the plans. `slots` are the action's
    /// `responderStart..<responderEnd`.
    @inline(__always)
    mutating func respond(to a: Int, slots: Range<Int>, hit: Int, queue: inout EventQueue<SimEvent>) {
        for k in slots {
            let plan = responderPlans + k
            // No policy, or no rule of its policy applies (a responder is listed if a policy it
            // can hold has one).
            if plan.pointee.kind == .none { continue }
            let responder = Int(plan.pointee.responder)
            // In a game the player answers for its side (`playerTurn`), not its policy.
            if Observer.plays && responder == observer.player { continue }
            // One rule settles it: the same draws as `decide` and `answer` make, in order.
            if !Observer.records && plan.pointee.kind == .simple {
                if stream.bernoulli(threshold: plan.pointee.threshold), plan.pointee.chosen >= 0 {
                    let delay = max(0, sample(plan.pointer(to: \.delay)!))
                    queue.schedule(at: now + delay, priority: Priority.action,
                                   SimEvent(kind: .action, resample: false, index: plan.pointee.chosen, epoch: 0))
                }
                continue
            }
            applyRules(list: Int(plan.pointee.list), responder: responder, action: a, hit: hit, queue: &queue)
        }
    }

    /// The responder's rules for this hit (precomputed: only those whose actor, target and
    /// action filters admit it), conditions checked here, in order; the first that applies
    /// decides, unless it falls through on a declined draw.
    @inline(never)
    mutating func applyRules(list: Int, responder: Int, action a: Int, hit: Int, queue: inout EventQueue<SimEvent>) {
        var i = Int(applicableStart[list])
        let end = Int(applicableStart[list + 1])
        while i < end {
            let r = Int(applicableRules[i])
            if buffers.grimTriggered[r] || holds(rules[r].condition),
               decide(rule: r, responder: responder, hit: hit, action: a, queue: &queue) {
                break
            }
            i += 1
        }
    }

    /// What rule `r` does about the hit: its strategy picks a rung (or declines), the response
    /// probability is drawn, and an answer is scheduled at each blamed actor after a drawn delay.
    /// Returns false when the rule passes the hit on to the next rule (a declined draw with
    /// `fallThrough`).
    @inline(__always)
    mutating func decide(rule r: Int, responder: Int, hit: Int, action a: Int,
                         queue: inout EventQueue<SimEvent>) -> Bool {
        // Fields are read through pointers: a copy of a whole rule costs more than the decision.
        let rule = rules.base + r
        let attacker = Int(actions.base[a].actor)
        var wanted = Int(actions.base[a].rung)
        switch rule.pointee.strategy {
        case .restraint:
            observer.decided(Decision(responder: responder, rule: r, probability: nil, result: .restrained), hit: hit)
            return true
        case .titForTat, .fixed:
            break
        case .proportional:
            wanted = min(max(wanted + Int(rule.pointee.offset), 0), Ladder.top)
        case .generous:
            let forgive = value(rule.pointee.forgive)
            if stream.bernoulli(forgive) {
                observer.decided(Decision(responder: responder, rule: r, probability: nil,
                                          result: .forgiven(probability: forgive)), hit: hit)
                return true
            }
        case .titForTwoTats:
            let slot = r * buffers.actors + attacker
            if now - buffers.lastHit[slot] <= rule.pointee.window {
                buffers.lastHit[slot] = -.infinity
            } else {
                buffers.lastHit[slot] = now
                observer.decided(Decision(responder: responder, rule: r, probability: nil, result: .waiting), hit: hit)
                return true
            }
        case .grim:
            buffers.grimTriggered[r] = true
            wanted = Ladder.top
        }
        let probability = value(rule.pointee.probability)
        if !stream.bernoulli(probability) {
            observer.decided(Decision(responder: responder, rule: r, probability: probability, result: .declined),
                             hit: hit)
            return !rule.pointee.fallThrough
        }
        switch rule.pointee.attribution {
        case .actor:
            answer(rule: r, responder: responder, blamed: attacker, wanted: wanted, probability: probability,
                   hit: hit, queue: &queue)
        case .sponsor:
            let sponsor = Int(actors[attacker].sponsor)
            answer(rule: r, responder: responder, blamed: sponsor >= 0 ? sponsor : attacker, wanted: wanted,
                   probability: probability, hit: hit, queue: &queue)
        case .both:
            answer(rule: r, responder: responder, blamed: attacker, wanted: wanted, probability: probability,
                   hit: hit, queue: &queue)
            let sponsor = Int(actors[attacker].sponsor)
            if sponsor >= 0 && sponsor != responder {
                answer(rule: r, responder: responder, blamed: sponsor, wanted: wanted, probability: probability,
                       hit: hit, queue: &queue)
            }
        }
        return true
    }

    @inline(__always)
    mutating func answer(rule r: Int, responder: Int, blamed: Int, wanted: Int, probability: Double, hit: Int,
                         queue: inout EventQueue<SimEvent>) {
        let rule = rules.base + r
        let fixed = rule.pointee.strategy == .fixed
        let chosen = fixed ? rule.pointee.fixedAction : answers[(r * actorCount + blamed) * Program.rungCount + wanted]
        guard chosen >= 0, blamed != responder || fixed else {
            observer.decided(Decision(responder: responder, rule: r, probability: probability,
                                      result: .noOption(target: blamed, wantedRung: wanted)), hit: hit)
            return
        }
        let delay = max(0, sample(rule.pointer(to: \.delay)!))
        let sequence = queue.schedule(at: now + delay, priority: Priority.action,
                                      SimEvent(kind: .action, resample: false, index: chosen, epoch: 0))
        observer.decided(Decision(responder: responder, rule: r, probability: probability,
                                  result: .answered(action: Int(chosen), target: Int(actions[chosen].target),
                                                    wantedRung: wanted, delay: delay, sequence: sequence)),
                         hit: hit)
    }
}
