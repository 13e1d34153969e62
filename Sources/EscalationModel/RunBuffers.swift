/// The mutable state of one run, allocated once per simulator and reset per replication.
/// Plain pointers: the event loop reads and writes them with no reference counting.
struct RunBuffers {
    let stateValue: UnsafeMutablePointer<Double>
    /// When each state variable was last written (its value relaxes from there).
    let stateTime: UnsafeMutablePointer<Double>
    /// The relaxed value of each state variable at `stateCacheTime`: reads at the same moment
    /// share one `exp2`.
    let stateCacheTime: UnsafeMutablePointer<Double>
    let stateCacheValue: UnsafeMutablePointer<Double>
    /// State values for observers, filled only when an observer records.
    let stateSnapshot: UnsafeMutablePointer<Double>
    let totals: UnsafeMutablePointer<Double>
    let eventCounters: UnsafeMutablePointer<Double>
    let actionCounts: UnsafeMutablePointer<Int>
    /// Day each action first happened (+∞ until it does).
    let firstTime: UnsafeMutablePointer<Double>
    /// Observation values, NaN until read.
    let observed: UnsafeMutablePointer<Double>
    let activePolicy: UnsafeMutablePointer<Int32>
    /// This run's `Program.responderPlans` once an intervention has switched a policy.
    let responderPlans: UnsafeMutablePointer<ResponderPlan>
    let processActive: UnsafeMutablePointer<Bool>
    let processEpoch: UnsafeMutablePointer<UInt32>
    let grimTriggered: UnsafeMutablePointer<Bool>
    /// Time of the last unanswered hit, per tit-for-two-tats rule and attacker.
    let lastHit: UnsafeMutablePointer<Double>
    /// Time of the last action at or above each quiet outcome's rung.
    let lastLoud: UnsafeMutablePointer<Double>
    let stack: UnsafeMutablePointer<Double>
    /// This run's values of the calibrated parameters (`ExpressionOp.parameter`).
    let parameters: UnsafeMutablePointer<Double>
    /// Each process's rate for this run: its constant rate, or the maximum a state-dependent rate
    /// is thinned from (either may read calibrated parameters, so they are set per run).
    let processRate: UnsafeMutablePointer<Double>
    /// 1 / `processRate`, the mean gap between arrivals, divided once per run rather than at
    /// every arrival (the same quotient, so the same draws).
    let processMean: UnsafeMutablePointer<Double>
    /// For each state-dependent process, the highest rate ÷ `max_rate` found above 1 in this run
    /// (0 while its rate has stayed within the maximum): how far to raise `max_rate`.
    let processExcess: UnsafeMutablePointer<Double>

    /// The events every run starts with at fixed times (interventions up to the horizon, then
    /// observations, then quiet-spell watchdogs, numbered in that order), sorted by time,
    /// priority and number: the event queue's calendar.
    let calendar: UnsafeMutablePointer<CalendarEntry>
    let calendarCount: Int

    let states: Int, counters: Int, actions: Int, actors: Int, processes: Int, rules: Int, outcomes: Int
    let observations: Int
    let parameterCount: Int

    init(program p: Program, actionCount: Int, processCount: Int, horizon: Double) {
        var entries: [CalendarEntry] = []
        for i in 0..<p.interventions.count where p.interventions[i].day <= horizon {
            entries.append(CalendarEntry(time: p.interventions[i].day, priority: Priority.intervention, order: entries.count,
                                         payload: SimEvent(kind: .intervention, resample: false, index: Int32(i), epoch: 0)))
        }
        for k in 0..<p.observationDays.count {
            entries.append(CalendarEntry(time: p.observationDays[k], priority: Priority.observation, order: entries.count,
                                         payload: SimEvent(kind: .observation, resample: false, index: Int32(k), epoch: 0)))
        }
        for k in 0..<p.outcomes.count where p.outcomes[k].isQuiet {
            entries.append(CalendarEntry(time: p.outcomes[k].days, priority: Priority.watchdog, order: entries.count,
                                         payload: SimEvent(kind: .watchdog, resample: false, index: Int32(k), epoch: 0)))
        }
        entries.sort { ($0.time, $0.priority, $0.order) < ($1.time, $1.priority, $1.order) }
        calendarCount = entries.count
        calendar = .allocate(capacity: max(entries.count, 1))
        calendar.initialize(from: entries, count: entries.count)
        states = p.states.count
        counters = p.counterCount
        actions = actionCount
        actors = p.actorCount
        processes = processCount
        rules = p.rules.count
        outcomes = p.outcomes.count
        observations = p.observationDays.count
        parameterCount = p.parameterCount
        parameters = .allocate(capacity: max(parameterCount, 1))
        processRate = .allocate(capacity: max(processCount, 1))
        processMean = .allocate(capacity: max(processCount, 1))
        processExcess = .allocate(capacity: max(processCount, 1))
        firstTime = .allocate(capacity: max(actionCount, 1))
        observed = .allocate(capacity: max(observations, 1))
        stateValue = .allocate(capacity: max(states, 1))
        stateTime = .allocate(capacity: max(states, 1))
        stateSnapshot = .allocate(capacity: max(states, 1))
        stateCacheTime = .allocate(capacity: max(states, 1))
        stateCacheValue = .allocate(capacity: max(states, 1))
        totals = .allocate(capacity: max(counters, 1))
        eventCounters = .allocate(capacity: max(counters, 1))
        actionCounts = .allocate(capacity: max(actions, 1))
        activePolicy = .allocate(capacity: max(actors, 1))
        responderPlans = .allocate(capacity: max(p.responders.count, 1))
        processActive = .allocate(capacity: max(processes, 1))
        processEpoch = .allocate(capacity: max(processes, 1))
        grimTriggered = .allocate(capacity: max(rules, 1))
        lastHit = .allocate(capacity: max(rules * actors, 1))
        lastLoud = .allocate(capacity: max(outcomes, 1))
        stack = .allocate(capacity: p.stackDepth + 4)
    }

    func deallocate() {
        stateValue.deallocate(); stateTime.deallocate(); stateSnapshot.deallocate(); totals.deallocate()
        stateCacheTime.deallocate(); stateCacheValue.deallocate()
        eventCounters.deallocate(); actionCounts.deallocate(); activePolicy.deallocate(); responderPlans.deallocate()
        firstTime.deallocate(); observed.deallocate()
        processActive.deallocate(); processEpoch.deallocate(); grimTriggered.deallocate()
        lastHit.deallocate(); lastLoud.deallocate(); calendar.deallocate(); stack.deallocate(); parameters.deallocate(); processRate.deallocate(); processMean.deallocate(); processExcess.deallocate()
    }
}

/// One event of the calendar a run starts with.
struct CalendarEntry: BitwiseCopyable {
    var time: Double
    var priority: UInt8
    /// Its place in the order the events were listed: its sequence number after the processes'.
    var order: Int
    var payload: SimEvent
}
