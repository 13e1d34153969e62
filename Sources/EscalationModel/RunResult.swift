import Foundation

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
    /// For each process (in `Scenario.processes` order), the highest rate ÷ `max_rate` its rate
    /// reached above 1 in this run, or 0 where it stayed within its maximum.
    public var rateExcess: [Double] = []
    /// The posterior draw the run's parameters came from, when the scenario draws them.
    public var draw: Int? = nil
}

extension Scenario {
    /// The processes whose rate went above its `max_rate`, by id, with the highest rate ÷
    /// `max_rate` each reached: from `excess`, one ratio per process (0 for one within it).
    public func rateExcessByProcess(_ excess: [Double]) -> [String: Double] {
        var highest: [String: Double] = [:]
        for (k, x) in excess.enumerated() where x > 0 && k < processes.count { highest[processes[k].id] = x }
        return highest
    }
}

/// Per process, the higher of two lists of rate ÷ `max_rate` ratios, one per process in the
/// scenario's order as `RunResult.rateExcess` (either may be empty or shorter).
public func higherRateExcess(_ a: [Double], _ b: [Double]) -> [Double] {
    (0..<max(a.count, b.count)).map { max($0 < a.count ? a[$0] : 0, $0 < b.count ? b[$0] : 0) }
}

/// "attacks reached 1.74 times its max_rate, raids 1.20 times": each ratio rounded up to two
/// decimals, so that raising `max_rate` by it is enough for the runs it was seen in.
public func rateExcessText(_ highest: [String: Double]) -> String {
    highest.sorted { $0.key < $1.key }.enumerated().map { i, entry in
        let ratio = String(format: "%.2f", (entry.value * 100).rounded(.up) / 100)
        return i == 0 ? "\(entry.key) reached \(ratio) times its max_rate" : "\(entry.key) \(ratio) times"
    }.joined(separator: ", ")
}
