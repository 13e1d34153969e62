/// What one replication came to.
public struct RunResult: Sendable, Equatable {
    public var seed: UInt64
    /// Index into `Scenario.outcomeNames`.
    public var outcome: Int
    /// Day the outcome was reached (the horizon for `unresolved`).
    public var outcomeDay: Double
    /// Highest rung reached; −1 if no action happened.
    public var maxRung: Int
    /// Actions that happened (ladder events).
    public var actions: Int
    /// Events the kernel handled: actions, process candidates, steps, interventions, watchdogs.
    public var kernelEvents: Int
    /// Ledger totals in `Scenario.counters` order.
    public var ledger: [Double]
    /// Times each action happened, in `Scenario.actions` order.
    public var actionCounts: [Int]
    /// State variables at the end, in `Scenario.stateVariables` order.
    public var finalState: [Double]
    /// Observations, in `Scenario.observations` order.
    public var observations: [Double] = []
    /// A state-dependent rate went above its declared maximum in this run, so thinning
    /// under-sampled it; raise `max_rate`.
    public var rateExceeded: Bool
    /// The posterior draw the run's parameters came from, when the scenario draws them.
    public var draw: Int? = nil
}
