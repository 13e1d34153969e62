/// The numbers of one replication, as a batch stores them: a fixed layout of doubles, written
/// straight from the run's buffers with no allocation.
///
/// Layout: outcome (index into `Scenario.outcomeNames`), outcome day, highest rung, actions,
/// then the ledger (`Scenario.counters` order), the action counts (`Scenario.actions` order),
/// the final state (`Scenario.stateVariables` order), the observations
/// (`Scenario.observations` order) and, when parameters are drawn from a posterior, the draw.
public struct RecordLayout: Sendable, Equatable {
    public let counters: Int
    public let actions: Int
    public let states: Int
    public let observations: Int
    /// Whether the last field is the posterior draw the run used.
    public let draws: Bool

    public init(_ scenario: Scenario) {
        self.init(counters: scenario.counters.count, actions: scenario.actions.count,
                  states: scenario.stateVariables.count, observations: scenario.observations.count,
                  draws: scenario.parameters.posterior != nil)
    }

    public init(counters: Int, actions: Int, states: Int, observations: Int = 0, draws: Bool = false) {
        self.counters = counters
        self.actions = actions
        self.states = states
        self.observations = observations
        self.draws = draws
    }

    public static let outcome = 0, outcomeDay = 1, maxRung = 2, events = 3, fixed = 4

    public var ledgerStart: Int { Self.fixed }
    public var countsStart: Int { Self.fixed + counters }
    public var statesStart: Int { Self.fixed + counters + actions }
    public var observationsStart: Int { Self.fixed + counters + actions + states }
    /// Where the draw is, when `draws`.
    public var drawIndex: Int { observationsStart + observations }
    public var width: Int { Self.fixed + counters + actions + states + observations + (draws ? 1 : 0) }
}

extension Simulator {
    /// Runs one replication from the stream of `seed` and writes its record (see
    /// `RecordLayout`) into `record`, which must hold `RecordLayout.width` numbers. Returns the
    /// number of events the kernel handled, and whether a state-dependent rate went above its
    /// declared maximum (thinning then undercounts it).
    public func run(seed: UInt64, into record: UnsafeMutableBufferPointer<Double>)
        -> (kernelEvents: Int, rateExceeded: Bool) {
        var core = SimulationCore(scenario: scenario, stream: stream, buffers: buffers, observer: NullObserver())
        let end = execute(&core, seed: seed)
        var outcome = Int(core.outcome)
        var day = core.outcomeTime
        if outcome < 0 {
            (outcome, day) = end.reason == .eventCap
                ? (scenario.runawayOutcome, end.time) : (scenario.unresolvedOutcome, endDay)
            core.now = day
        }
        if core.invalid {
            (outcome, day) = (scenario.invalidOutcome, core.invalidTime)
            core.now = day
        }
        let b = buffers
        record[RecordLayout.outcome] = Double(outcome)
        record[RecordLayout.outcomeDay] = day
        record[RecordLayout.maxRung] = Double(core.maxRung)
        record[RecordLayout.events] = Double(core.actionNumber)
        var i = RecordLayout.fixed
        for c in 0..<b.counters { record[i] = b.totals[c]; i += 1 }
        for a in 0..<b.actions { record[i] = Double(b.actionCounts[a]); i += 1 }
        for s in 0..<b.states { record[i] = core.stateValue(s); i += 1 }
        core.finishObservations()
        for k in 0..<b.observations { record[i] = b.observed[k]; i += 1 }
        if scenario.parameters.posterior != nil { record[i] = Double(lastDraw) }
        return (end.events, core.rateExceeded)
    }

    /// Raises each entry of `highest` (one per process) to the rate ÷ `max_rate` the last run's
    /// process reached above 1, where it did (see `RunResult.rateExcess`).
    public func mergeRateExcess(into highest: inout [Double]) {
        if highest.count < buffers.processes { highest += [Double](repeating: 0, count: buffers.processes - highest.count) }
        for k in 0..<buffers.processes { highest[k] = max(highest[k], buffers.processExcess[k]) }
    }
}
