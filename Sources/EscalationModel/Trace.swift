/// Why an action in a trace happened, resolved for reading.
public enum Cause: Sendable, Equatable {
    case process(Int)
    case intervention(Int)
    /// An answer by `responder` under flat rule `rule` to action number `parent`.
    case answer(parent: Int, responder: Int, rule: Int, probability: Double, wantedRung: Int, delay: Double)
    /// Set off by action number `parent` through its trigger `trigger`.
    case trigger(parent: Int, trigger: Int, probability: Double, delay: Double)
    /// In a game: the player's move number `move` (from 1) for `responder`, at action number `parent`.
    case move(parent: Int, responder: Int, move: Int, delay: Double)
}

/// One line of a run's record.
public struct TraceEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Action `action` happened; `number` counts actions from 1.
        case action(number: Int, action: Int, cause: Cause, intercepted: Bool, casualties: [Double],
                    decisions: [Decision])
        case intervention(Int)
        case outcome(Int)
    }

    public let time: Double
    public let kind: Kind
    /// State variables after the entry.
    public let state: [Double]
}

/// Everything that happened in one run, in order.
public struct Trace: Sendable, Equatable {
    public let entries: [TraceEntry]
}

/// Records a run for narratives, JSON Lines and CSV traces.
struct TraceRecorder: RunObserver {
    static var records: Bool { true }

    var entries: [TraceEntry] = []
    /// Causes of scheduled actions not yet happened, by sequence number.
    var pending: [UInt64: Cause] = [:]
    /// Index in `entries` of action number n is `actionEntry[n - 1]`.
    var actionEntry: [Int] = []

    mutating func actionOccurred(_ o: Occurrence, casualties: UnsafeBufferPointer<Double>,
                                 state: UnsafeBufferPointer<Double>) {
        let cause: Cause
        switch o.origin {
        case .process(let p): cause = .process(p)
        case .intervention(let i): cause = .intervention(i)
        case .scheduled(let sequence):
            guard let c = pending.removeValue(forKey: sequence) else {
                preconditionFailure("an action was scheduled without a recorded cause")
            }
            cause = c
        }
        actionEntry.append(entries.count)
        entries.append(TraceEntry(time: o.time, kind: .action(
            number: o.number, action: o.action, cause: cause, intercepted: o.intercepted,
            casualties: Array(casualties), decisions: []), state: Array(state)))
    }

    mutating func decided(_ decision: Decision, hit: Int) {
        if case .answered(_, _, let wanted, let delay, let sequence) = decision.result {
            pending[sequence] = .answer(parent: hit, responder: decision.responder, rule: decision.rule,
                                        probability: decision.probability ?? 1, wantedRung: wanted, delay: delay)
        }
        let index = actionEntry[hit - 1]
        let entry = entries[index]
        guard case .action(let n, let a, let c, let i, let cas, var decisions) = entry.kind else { return }
        decisions.append(decision)
        entries[index] = TraceEntry(time: entry.time, kind: .action(
            number: n, action: a, cause: c, intercepted: i, casualties: cas, decisions: decisions), state: entry.state)
    }

    mutating func triggered(parent: Int, trigger: Int, action: Int, probability: Double, delay: Double,
                            sequence: UInt64) {
        pending[sequence] = .trigger(parent: parent, trigger: trigger, probability: probability, delay: delay)
    }

    mutating func interventionApplied(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>) {
        entries.append(TraceEntry(time: time, kind: .intervention(index), state: Array(state)))
    }

    mutating func outcomeReached(_ index: Int, time: Double, state: UnsafeBufferPointer<Double>) {
        entries.append(TraceEntry(time: time, kind: .outcome(index), state: Array(state)))
    }
}
