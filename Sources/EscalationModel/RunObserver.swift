/// Why an action happened.
public enum Origin: Sendable, Equatable {
    /// A background process fired.
    case process(Int)
    /// An intervention injected it.
    case intervention(Int)
    /// It was scheduled earlier as an answer or a trigger; `sequence` names that scheduling.
    case scheduled(sequence: UInt64)
}

/// What a rule decided about one hit.
public enum DecisionResult: Sendable, Equatable {
    /// An answer was scheduled.
    case answered(action: Int, target: Int, wantedRung: Int, delay: Double, sequence: UInt64)
    /// The response probability draw said no.
    case declined
    /// Generous tit-for-tat forgave the hit.
    case forgiven(probability: Double)
    /// Tit-for-two-tats waits for a second hit.
    case waiting
    /// A restraint rule.
    case restrained
    /// No action of the responder fits (none aimed at the blamed actor).
    case noOption(target: Int, wantedRung: Int)
}

/// One rule's decision about one hit.
public struct Decision: Sendable, Equatable {
    public let responder: Int
    /// Flat rule number; `Scenario.ruleLocation(_:)` gives its policy and position.
    public let rule: Int
    /// Response probability evaluated for this hit (nil when the rule stopped before drawing).
    public let probability: Double?
    public let result: DecisionResult
}

/// Sees a run as it happens. The simulator is specialised for each observer, so a no-op
/// observer (batches) costs nothing and a recording one (single narrated runs) costs only
/// what it records.
protocol RunObserver {
    /// Whether the simulator should gather what `actionOccurred` receives beyond the basics.
    static var records: Bool { get }
    /// Whether a player decides for one actor (a game; see `GameRecorder`). Statically false for
    /// every other observer, so batches and traced runs compile the game's checks away.
    static var plays: Bool { get }
    /// The actor the player decides for (games only).
    var player: Int { get }
    /// The game stopped to wait for a move it has not been given (games only).
    var paused: Bool { get }
    /// The next move, or nil when the moves given are used up (games only).
    mutating func nextMove() -> PlayerMove?
    /// The player decides at action number `hit` with `move`; `sequence` names the scheduled
    /// action, if any (games only).
    mutating func moved(_ move: PlayerMove, turn: Turn, sequence: UInt64?)
    /// The game waits for a move at `turn` (games only).
    mutating func pause(at turn: Turn)
    mutating func actionOccurred(_ occurrence: Occurrence, casualties: UnsafeBufferPointer<Double>,
                                 state: UnsafeBufferPointer<Double>)
    mutating func decided(_ decision: Decision, hit: Int)
    mutating func triggered(parent: Int, trigger: Int, action: Int, probability: Double, delay: Double,
                            sequence: UInt64)
    mutating func interventionApplied(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>)
    mutating func outcomeReached(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>)
}

/// The facts of one action as it happens.
struct Occurrence {
    var number: Int
    var time: Double
    var action: Int
    var origin: Origin
    var intercepted: Bool
}

extension RunObserver {
    static var plays: Bool { false }
    var player: Int { -1 }
    var paused: Bool { false }
    mutating func nextMove() -> PlayerMove? { nil }
    mutating func moved(_ move: PlayerMove, turn: Turn, sequence: UInt64?) {}
    mutating func pause(at turn: Turn) {}
}

struct NullObserver: RunObserver {
    static var records: Bool { false }
    @inline(__always) mutating func actionOccurred(_ occurrence: Occurrence, casualties: UnsafeBufferPointer<Double>,
                                                   state: UnsafeBufferPointer<Double>) {}
    @inline(__always) mutating func decided(_ decision: Decision, hit: Int) {}
    @inline(__always) mutating func triggered(parent: Int, trigger: Int, action: Int, probability: Double,
                                              delay: Double, sequence: UInt64) {}
    @inline(__always) mutating func interventionApplied(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>) {}
    @inline(__always) mutating func outcomeReached(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>) {}
}
