import SimKernel

extension SimulationCore {
    /// A game: action `a` (action number `hit`) has just happened. If it asks the player's side to
    /// decide (it hit that side at rung 1 or above, or a rule of the side's policy would apply to
    /// it), the next move is played: an action of the side after its delay, or nothing. With no
    /// move left, the game pauses here, and the run stops.
    ///
    /// The side's own policy never answers in a game (`respond` skips it), so a move replaces
    /// exactly what the policy would have decided; the other actors draw as they always do.
    @inline(never)
    mutating func playerTurn(action a: Int, hit: Int, queue: inout EventQueue<SimEvent>) {
        if observer.paused || outcome >= 0 || invalid { return }
        let player = observer.player
        let action = actions.base + a
        if Int(action.pointee.actor) == player { return }
        var decides = Int(action.pointee.target) == player && action.pointee.rung >= 1
        if !decides, buffers.activePolicy[player] >= 0 {
            let list = Int(buffers.activePolicy[player]) &* actionCount &+ a
            for i in Int(applicableStart[list])..<Int(applicableStart[list + 1]) {
                let r = Int(applicableRules[i])
                if buffers.grimTriggered[r] || holds(rules[r].condition) {
                    decides = true
                    break
                }
            }
        }
        guard decides else { return }
        let state = Array(snapshot())
        let turn = Turn(time: now, hit: hit, action: a, state: state,
                        ledger: Array(UnsafeBufferPointer(start: buffers.totals, count: buffers.counters)))
        guard let move = observer.nextMove() else {
            observer.pause(at: turn)
            return
        }
        var sequence: UInt64?
        if let chosen = move.action {
            sequence = queue.schedule(at: now + move.delay, priority: Priority.action,
                                      SimEvent(kind: .action, resample: false, index: Int32(chosen), epoch: 0))
        }
        observer.moved(move, turn: turn, sequence: sequence)
    }
}
