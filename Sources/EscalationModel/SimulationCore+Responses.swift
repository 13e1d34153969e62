import SimKernel
import Stochastics

extension SimulationCore {
    /// Action `a` (action number `hit`) hit its target: every other actor whose policy has a rule
    /// covering the target tries its rules in order, and the first that applies decides (unless
    /// it falls through on a declined draw).
    mutating func respond(to a: Int, hit: Int, queue: inout EventQueue<SimEvent>) {
        let action = actions[a]
        for responder in 0..<buffers.actors where responder != Int(action.actor) {
            let policy = buffers.activePolicy[responder]
            if policy < 0 { continue }
            // Only the rules whose actor, target and action filters admit this hit (precomputed);
            // their conditions are checked here, in order.
            let list = Int(policy) * actionCount + a
            var i = Int(applicableStart[list])
            let end = Int(applicableStart[list + 1])
            while i < end {
                let r = Int(applicableRules[i])
                if buffers.grimTriggered[r] || holds(rules[r].condition),
                   decide(rule: r, responder: responder, hit: hit, action: action, queue: &queue) {
                    break
                }
                i += 1
            }
        }
    }

    /// What rule `r` does about the hit: its strategy picks a rung (or declines), the response
    /// probability is drawn, and an answer is scheduled at each blamed actor after a drawn delay.
    /// Returns false when the rule passes the hit on to the next rule (a declined draw with
    /// `fallThrough`).
    mutating func decide(rule r: Int, responder: Int, hit: Int, action: ActionCore,
                         queue: inout EventQueue<SimEvent>) -> Bool {
        let rule = rules[r]
        let attacker = Int(action.actor)
        var wanted = Int(action.rung)
        switch rule.strategy {
        case .restraint:
            observer.decided(Decision(responder: responder, rule: r, probability: nil, result: .restrained), hit: hit)
            return true
        case .titForTat, .fixed:
            break
        case .proportional:
            wanted = min(max(wanted + Int(rule.offset), 0), Ladder.top)
        case .generous:
            let forgive = value(rule.forgive)
            if stream.bernoulli(forgive) {
                observer.decided(Decision(responder: responder, rule: r, probability: nil,
                                          result: .forgiven(probability: forgive)), hit: hit)
                return true
            }
        case .titForTwoTats:
            let slot = r * buffers.actors + attacker
            if now - buffers.lastHit[slot] <= rule.window {
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
        let probability = value(rule.probability)
        if !stream.bernoulli(probability) {
            observer.decided(Decision(responder: responder, rule: r, probability: probability, result: .declined),
                             hit: hit)
            return !rule.fallThrough
        }
        let sponsor = Int(actors[attacker].sponsor)
        switch rule.attribution {
        case .actor:
            answer(rule: r, responder: responder, blamed: attacker, wanted: wanted, probability: probability,
                   hit: hit, queue: &queue)
        case .sponsor:
            answer(rule: r, responder: responder, blamed: sponsor >= 0 ? sponsor : attacker, wanted: wanted,
                   probability: probability, hit: hit, queue: &queue)
        case .both:
            answer(rule: r, responder: responder, blamed: attacker, wanted: wanted, probability: probability,
                   hit: hit, queue: &queue)
            if sponsor >= 0 && sponsor != responder {
                answer(rule: r, responder: responder, blamed: sponsor, wanted: wanted, probability: probability,
                       hit: hit, queue: &queue)
            }
        }
        return true
    }

    mutating func answer(rule r: Int, responder: Int, blamed: Int, wanted: Int, probability: Double, hit: Int,
                         queue: inout EventQueue<SimEvent>) {
        let rule = rules[r]
        let chosen = rule.strategy == .fixed
            ? rule.fixedAction
            : answers[(r * actorCount + blamed) * Program.rungCount + wanted]
        guard chosen >= 0, blamed != responder || rule.strategy == .fixed else {
            observer.decided(Decision(responder: responder, rule: r, probability: probability,
                                      result: .noOption(target: blamed, wantedRung: wanted)), hit: hit)
            return
        }
        let delay = max(0, sample(rule.delay))
        let sequence = queue.schedule(at: now + delay, priority: Priority.action,
                                      SimEvent(kind: .action, resample: false, index: chosen, epoch: 0))
        observer.decided(Decision(responder: responder, rule: r, probability: probability,
                                  result: .answered(action: Int(chosen), target: Int(actions[chosen].target),
                                                    wantedRung: wanted, delay: delay, sequence: sequence)),
                         hit: hit)
    }
}
