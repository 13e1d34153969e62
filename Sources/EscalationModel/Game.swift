/// A player's decision in a game: one of its side's actions after `delay` days, or (action nil)
/// holding back.
public struct PlayerMove: Sendable, Equatable {
    public var action: Int?
    public var delay: Double

    public init(action: Int?, delay: Double = 0) {
        self.action = action
        self.delay = delay
    }
}

/// A moment the player's side must decide: what just happened and where things stood.
public struct Turn: Sendable, Equatable {
    public let time: Double
    /// The number of the action that asks for the decision (as in the trace, from 1).
    public let hit: Int
    /// The scenario's action it was.
    public let action: Int
    /// State variables and ledger totals at that moment.
    public let state: [Double]
    public let ledger: [Double]
}

/// A game played to where its moves run out: the run so far, each turn with the move made, and
/// the turn it waits at (nil when the game is over, `result` then holding how it ended).
public struct PlayedRun: Sendable {
    public let result: RunResult?
    public let trace: Trace
    public let turns: [(turn: Turn, move: PlayerMove)]
    public let waiting: Turn?
    /// Moves given beyond the game's end (an error for a saved game).
    public let unusedMoves: Int
}

/// Records a game: a trace like `TraceRecorder`'s, and the player's turns.
struct GameRecorder: RunObserver {
    static var records: Bool { true }
    static var plays: Bool { true }

    var trace = TraceRecorder()
    let player: Int
    let moves: [PlayerMove]
    var used = 0
    var turns: [(turn: Turn, move: PlayerMove)] = []
    var waiting: Turn?
    var paused: Bool { waiting != nil }

    init(player: Int, moves: [PlayerMove]) {
        self.player = player
        self.moves = moves
    }

    mutating func nextMove() -> PlayerMove? {
        guard used < moves.count else { return nil }
        used += 1
        return moves[used - 1]
    }

    mutating func moved(_ move: PlayerMove, turn: Turn, sequence: UInt64?) {
        turns.append((turn, move))
        if let sequence {
            trace.pending[sequence] = .move(parent: turn.hit, responder: player, move: turns.count, delay: move.delay)
        }
    }

    mutating func pause(at turn: Turn) { waiting = turn }

    mutating func actionOccurred(_ occurrence: Occurrence, casualties: UnsafeBufferPointer<Double>,
                                 state: UnsafeBufferPointer<Double>) {
        trace.actionOccurred(occurrence, casualties: casualties, state: state)
    }
    mutating func decided(_ decision: Decision, hit: Int) { trace.decided(decision, hit: hit) }
    mutating func triggered(parent: Int, trigger: Int, action: Int, probability: Double, delay: Double,
                            sequence: UInt64) {
        trace.triggered(parent: parent, trigger: trigger, action: action, probability: probability, delay: delay,
                        sequence: sequence)
    }
    mutating func interventionApplied(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>) {
        trace.interventionApplied(index, time: time, state: state)
    }
    mutating func outcomeReached(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>) {
        trace.outcomeReached(index, time: time, state: state)
    }
}

extension Simulator {
    /// Plays the run of `seed` with the player deciding for actor `side` by `moves`, in order,
    /// until the run ends or the moves run out. The same seed and moves give the same game.
    public func play(seed: UInt64, side: Int, moves: [PlayerMove]) -> PlayedRun {
        var core = SimulationCore(scenario: scenario, stream: stream, buffers: buffers,
                                  observer: GameRecorder(player: side, moves: moves))
        let end = execute(&core, seed: seed)
        if let waiting = core.observer.waiting {
            // Only what happened up to the action that asks for the move (the rest of that moment
            // is played out once the move is known).
            let entries = core.observer.trace.entries.filter { entry in
                switch entry.kind {
                case .action(let number, _, _, _, _, _): number <= waiting.hit
                case .intervention: entry.time <= waiting.time
                case .outcome: false
                }
            }
            return PlayedRun(result: nil, trace: Trace(entries: entries), turns: core.observer.turns, waiting: waiting,
                             unusedMoves: 0)
        }
        let result = result(of: &core, end: end, seed: seed)
        let trace = finished(core.observer.trace.entries, invalid: core.invalid, reached: core.outcome >= 0, result: result)
        return PlayedRun(result: result, trace: trace, turns: core.observer.turns, waiting: nil,
                         unusedMoves: moves.count - core.observer.used)
    }
}
