import Foundation
import SimKernel
import Stochastics

/// What a queued event is: its kind and the number of the action, process, intervention or
/// outcome it concerns. `epoch` lets a stopped process ignore the arrival it had scheduled.
///
/// Packed in one word, so that a queued event is 24 bytes moved as three words when the heap
/// reorders (field by field, the four fields took five loads and five stores a move): bits 0–31
/// the epoch, 32–59 the index, 60–62 the kind, 63 `resample`.
struct SimEvent: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable { case action, process, intervention, watchdog, observation }
    var bits: UInt64

    /// The largest index an event can carry (2^28 − 1); tables are far smaller.
    static let maximumIndex: Int32 = (1 << 28) - 1

    @inline(__always)
    init(kind: Kind, resample: Bool, index: Int32, epoch: UInt32) {
        assert(index >= 0 && index <= Self.maximumIndex, "event index out of range")
        bits = UInt64(kind.rawValue) << 60 | (resample ? 1 << 63 : 0)
            | UInt64(UInt32(bitPattern: index)) << 32 | UInt64(epoch)
    }

    var kind: Kind {
        // The raw values are the cases' tags (0 to 4), as the initialiser stored them.
        @inline(__always) get { unsafeBitCast(UInt8(truncatingIfNeeded: bits >> 60) & 7, to: Kind.self) }
    }

    /// For a piecewise process: this is a step boundary, not an arrival; draw afresh.
    var resample: Bool {
        @inline(__always) get { bits >> 63 != 0 }
        @inline(__always) set { bits = bits & ~(1 << 63) | (newValue ? 1 << 63 : 0) }
    }

    var index: Int32 { @inline(__always) get { Int32(truncatingIfNeeded: bits >> 32 & 0x0FFF_FFFF) } }

    var epoch: UInt32 { @inline(__always) get { UInt32(truncatingIfNeeded: bits) } }
}

/// Among events at the same time: interventions first, then actions, then quiet watchdogs (so
/// an action at the very moment a quiet spell would end still breaks it).
enum Priority {
    static let intervention: UInt8 = 0
    static let action: UInt8 = 1
    static let watchdog: UInt8 = 2
    /// Observations read the day's state after everything else at that moment.
    static let observation: UInt8 = 3
}

/// One run of a scenario: the model's side of the event loop. A value type over plain-data
/// tables and buffers, so the loop pays no reference counting and no exclusivity checks.
struct SimulationCore<Observer: RunObserver>: EventHandler, ~Copyable {
    let scenario: Scenario
    let stream: RandomStream
    let buffers: RunBuffers
    var observer: Observer

    // The program's tables, held directly so the hot path loads no class reference.
    let actorCount: Int
    let actors: Table<ActorCore>
    let actions: Table<ActionCore>
    let casualties: Table<CasualtyCore>
    let effects: Table<EffectCore>
    let triggers: Table<TriggerCore>
    let rules: Table<RuleCore>
    let answers: Table<Int32>
    let ruleActionBits: Table<UInt64>
    let policies: Table<PolicyCore>
    let applicableStart: Table<Int32>
    let applicableRules: Table<Int32>
    let responders: Table<Int32>
    let answerPlans: Table<AnswerPlan>
    /// What each responder does about each action: `Program.responderPlans` until an
    /// intervention switches a policy, then `RunBuffers.responderPlans`.
    var responderPlans: UnsafeMutablePointer<ResponderPlan>
    let actionCount: Int
    let processes: Table<ProcessCore>
    let pieceStarts: Table<Double>
    let pieceRates: Table<Double>
    let states: Table<StateCore>
    let outcomes: Table<OutcomeCore>
    let conditionOutcomes: Table<Int32>
    let conditionWatches: Table<ConditionWatch>
    let maxRungChange: UInt64, totalsChange: UInt64
    let allConditionsAwake: UInt64
    let quietOutcomes: Table<Int32>
    /// The lowest rung that breaks any quiet spell (`Int32.max` with no quiet outcome): an action
    /// below it breaks none.
    let quietFloor: Int32
    let observationDays: Table<Double>
    let observationValues: Table<Param>
    let code: Table<ExpressionOp>
    let affines: Table<Affine>
    let comparisons: Table<Comparison>
    let expressionStart: Table<Int32>
    let expressionEnd: Table<Int32>
    let interventions: Table<InterventionCore>
    let policySwitches: Table<PolicySwitch>
    let processLists: Table<Int32>
    let injections: Table<InjectionCore>
    let documented: Table<DocumentedCasualty>

    var now = 0.0
    var maxRung: Int32 = -1
    var actionNumber = 0
    var lastRung: Int32 = -1
    var lastIntercepted = false
    /// Whether the event counters hold anything (so a statement need not clear them again).
    var eventCountersDirty = true
    var outcome: Int32 = -1
    var outcomeTime = 0.0
    /// A value computed during the run was infinite, not a number, or beyond a sampler's range:
    /// the run ends at once as `invalid`.
    var invalid = false
    var invalidTime = 0.0
    /// A state-dependent rate was found above its declared maximum (thinning was inexact).
    var rateExceeded = false
    /// What some outcome condition wakes on that has changed since they were last checked
    /// (`Change` bits), and `Change.someAwake` while one is awake.
    var changed: UInt64 = ~0
    /// Outcome conditions not asleep (bit c for `conditionOutcomes[c]`; see
    /// `Program.allConditionsAwake`). One found false at a check sleeps, if its `ConditionWatch`
    /// allows, until something in its `wake` changes.
    var awake: UInt64 = 0

    init(scenario: Scenario, stream: RandomStream, buffers: RunBuffers, observer: Observer) {
        self.scenario = scenario
        self.stream = stream
        self.buffers = buffers
        self.observer = observer
        let p = scenario.program
        actorCount = p.actorCount
        actors = p.actors
        actions = p.actions
        casualties = p.casualties
        effects = p.effects
        triggers = p.triggers
        rules = p.rules
        answers = p.answers
        ruleActionBits = p.ruleActionBits
        policies = p.policies
        applicableStart = p.applicableStart
        applicableRules = p.applicableRules
        responders = p.responders
        answerPlans = p.answerPlans
        responderPlans = p.responderPlans.base
        actionCount = p.actions.count
        processes = p.processes
        pieceStarts = p.pieceStarts
        pieceRates = p.pieceRates
        states = p.states
        outcomes = p.outcomes
        conditionOutcomes = p.conditionOutcomes
        conditionWatches = p.conditionWatches
        maxRungChange = p.maxRungChange
        totalsChange = p.totalsChange
        allConditionsAwake = p.allConditionsAwake
        observationDays = p.observationDays
        observationValues = p.observationValues
        quietOutcomes = p.quietOutcomes
        quietFloor = p.quietFloor
        code = p.code
        affines = p.affines
        comparisons = p.comparisons
        expressionStart = p.expressionStart
        expressionEnd = p.expressionEnd
        interventions = p.interventions
        policySwitches = p.policySwitches
        processLists = p.processLists
        injections = p.injections
        documented = p.documented
    }

    // MARK: Start

    /// Puts the run at day 0: initial state, policies and processes, and the first events.
    mutating func start(queue: inout EventQueue<SimEvent>) {
        queue.removeAll()
        for i in 0..<buffers.states {
            buffers.stateValue[i] = states[i].initial
            buffers.stateTime[i] = 0
            buffers.stateCacheTime[i] = .nan
        }
        buffers.totals.update(repeating: 0, count: buffers.counters)
        buffers.eventCounters.update(repeating: 0, count: buffers.counters)
        buffers.actionCounts.update(repeating: 0, count: buffers.actions)
        buffers.firstTime.update(repeating: .infinity, count: buffers.actions)
        buffers.observed.update(repeating: .nan, count: buffers.observations)
        for a in 0..<buffers.actors { buffers.activePolicy[a] = actors[a].initialPolicy }
        responderPlans = scenario.program.responderPlans.base
        buffers.grimTriggered.update(repeating: false, count: buffers.rules)
        buffers.lastHit.update(repeating: -.infinity, count: buffers.rules * buffers.actors)
        buffers.lastLoud.update(repeating: 0, count: buffers.outcomes)
        changed = ~0
        awake = allConditionsAwake
        for k in 0..<buffers.processes {
            let rate = value(processes[k].rate)
            buffers.processRate[k] = rate
            buffers.processMean[k] = 1 / rate
            if !rate.isFinite { invalidate() }
        }
        for k in 0..<buffers.processes {
            buffers.processEpoch[k] = 0
            buffers.processExcess[k] = 0
            buffers.processActive[k] = processes[k].active
            if buffers.processActive[k] { scheduleArrival(of: k, queue: &queue) }
        }
        // Interventions, observations and watchdogs, in one sorted list: see `RunBuffers.calendar`.
        let calendar = buffers.calendar
        queue.scheduleCalendar(count: buffers.calendarCount) { i in
            (calendar[i].time, calendar[i].priority, calendar[i].order, calendar[i].payload)
        }
    }

    // MARK: Events

    @inline(__always)
    mutating func handle(_ event: Event<SimEvent>, queue: inout EventQueue<SimEvent>) -> Bool {
        now = event.time
        let e = event.payload
        switch e.kind {
        case .action:
            perform(Int(e.index), origin: .scheduled(sequence: event.sequence), queue: &queue)
        case .process:
            arrival(of: Int(e.index), epoch: e.epoch, resample: e.resample, queue: &queue)
        case .intervention:
            apply(intervention: Int(e.index), queue: &queue)
        case .watchdog:
            watch(Int(e.index), queue: &queue)
        case .observation:
            record(observation: Int(e.index))
        }
        return outcome < 0 && !invalid && !(Observer.plays && observer.paused)
    }

    @inline(never)
    mutating func record(observation k: Int) {
        buffers.observed[k] = observe(k)
    }

    /// Action `a` happens now: casualties, ledger, effects, outcome checks, then what it sets
    /// off (triggers) and the answers it draws.
    /// `documented` is a range of `Program.documented` that replaces the drawn casualties;
    /// `responders` is the action's `responderStart..<responderEnd` where the caller has it.
    ///
    /// The path of an action with no casualties, effects or triggers, answered by plans, stays in
    /// this function; everything else is out of line, so that the common case inlines whole into
    /// the event handler.
    @inline(__always)
    mutating func perform(_ a: Int, origin: Origin, queue: inout EventQueue<SimEvent>,
                          documented casualtiesAsDocumented: Range<Int>? = nil, responders: Range<Int32>? = nil) {
        let action = actions.base + a
        let plain = action.pointee.plain
        actionNumber &+= 1
        var intercepted = false
        if casualtiesAsDocumented != nil || action.pointee.drawsCasualties || eventCountersDirty {
            intercepted = countCasualties(a, documented: casualtiesAsDocumented)
        }
        buffers.actionCounts[a] &+= 1
        // Its first time is unset (+∞) exactly while it has not happened (both reset at start).
        if buffers.actionCounts[a] == 1 { buffers.firstTime[a] = now }
        let rung = action.pointee.rung
        lastRung = rung
        lastIntercepted = intercepted
        if rung > maxRung {
            maxRung = rung
            changed |= maxRungChange
        }
        if rung >= quietFloor { markLoud(rung) }
        if !plain { applyEffects(Int(action.pointee.effectStart)..<Int(action.pointee.effectEnd)) }
        if Observer.records {
            observer.actionOccurred(
                Occurrence(number: actionNumber, time: now, action: a, origin: origin, intercepted: intercepted),
                casualties: UnsafeBufferPointer(start: buffers.eventCounters, count: buffers.counters),
                state: snapshot())
        }
        if outcomesMayHold && checkOutcomes() { return }
        let hit = actionNumber
        if !plain { fireTriggers(a, hit: hit, queue: &queue) }
        if Observer.plays { playerTurn(action: a, hit: hit, queue: &queue) }
        let slots = responders ?? action.pointee.responderStart..<action.pointee.responderEnd
        if !slots.isEmpty { respond(to: a, slots: Int(slots.lowerBound)..<Int(slots.upperBound), hit: hit, queue: &queue) }
    }

    /// This action's casualties into the event counters and the ledger (drawn, or as documented);
    /// returns whether it was intercepted. Clears the counters the last action left.
    @inline(never)
    mutating func countCasualties(_ a: Int, documented casualtiesAsDocumented: Range<Int>?) -> Bool {
        let action = actions.base + a
        if eventCountersDirty {
            buffers.eventCounters.update(repeating: 0, count: buffers.counters)
            eventCountersDirty = false
        }
        var intercepted = false
        if let casualtiesAsDocumented {
            eventCountersDirty = true
            changed |= totalsChange
            for d in casualtiesAsDocumented {
                let counter = Int(documented[d].counter)
                buffers.eventCounters[counter] = documented[d].value
                buffers.totals[counter] += documented[d].value
            }
        } else if action.pointee.drawsCasualties {
            if action.pointee.hasInterception { intercepted = stream.bernoulli(value(action.pointee.interception)) }
            let casualtyStart = Int(action.pointee.casualtyStart), casualtyEnd = Int(action.pointee.casualtyEnd)
            if !intercepted && casualtyStart < casualtyEnd {
                eventCountersDirty = true
                changed |= totalsChange
                for c in casualtyStart..<casualtyEnd {
                    let casualty = casualties.base + c
                    let drawn = max(0, sample(casualty.pointer(to: \.draw)!).rounded())
                    buffers.eventCounters[Int(casualty.pointee.counter)] += drawn
                    buffers.totals[Int(casualty.pointee.counter)] += drawn
                }
            }
        }
        return intercepted
    }

    /// An action at or above a quiet outcome's rung breaks its quiet spell.
    @inline(never)
    mutating func markLoud(_ rung: Int32) {
        for q in 0..<quietOutcomes.count {
            let k = Int(quietOutcomes[q])
            if rung >= outcomes[k].minimumRung { buffers.lastLoud[k] = now }
        }
    }

    /// What action `a` (action number `hit`) sets off: each trigger drawn in order.
    @inline(never)
    mutating func fireTriggers(_ a: Int, hit: Int, queue: inout EventQueue<SimEvent>) {
        let action = actions.base + a
        let triggerStart = Int(action.pointee.triggerStart)
        for t in triggerStart..<Int(action.pointee.triggerEnd) {
            let trigger = triggers.base + t
            var probability = value(trigger.pointee.probability)
            let obeying = trigger.pointee.obeyingActor
            if obeying >= 0 { probability *= value(actors[obeying].control) }
            if stream.bernoulli(probability) {
                let delay = max(0, sample(trigger.pointer(to: \.delay)!))
                let sequence = queue.schedule(
                    at: now + delay, priority: Priority.action,
                    SimEvent(kind: .action, resample: false, index: trigger.pointee.action, epoch: 0))
                observer.triggered(parent: hit, trigger: t - triggerStart, action: Int(trigger.pointee.action),
                                   probability: probability, delay: delay, sequence: sequence)
            }
        }
    }

    @inline(never)
    mutating func applyEffects(_ range: Range<Int>) {
        for i in range {
            let effect = effects[i]
            let v = Int(effect.variable)
            let amount = value(effect.amount)
            write(v, effect.isSet ? amount : stateValue(v) + amount)
        }
    }

    /// A background process fires (or, for a piecewise rate, reaches a step).
    @inline(__always)
    mutating func arrival(of k: Int, epoch: UInt32, resample: Bool, queue: inout EventQueue<SimEvent>) {
        guard epoch == buffers.processEpoch[k], buffers.processActive[k] else { return }
        let process = processes.base + k
        if !resample {
            if process.pointee.kind != .dependent || keepsCandidate(k) {
                perform(Int(process.pointee.action), origin: .process(k), queue: &queue,
                        responders: process.pointee.responderStart..<process.pointee.responderEnd)
            }
            if outcome >= 0 { return }
        }
        scheduleArrival(of: k, queue: &queue)
    }

    /// Thinning: candidates of a state-dependent process come at the maximum rate; each is kept
    /// with probability rate(now) / maximum, the rate read from the state as it is now.
    @inline(never)
    mutating func keepsCandidate(_ k: Int) -> Bool {
        let rate = value(processes[k].dependentRate)
        let maximum = buffers.processRate[k]
        if rate > maximum {
            rateExceeded = true
            // An infinite rate (from an infinite state value) is flagged but gives no ratio.
            let ratio = rate / maximum
            if ratio.isFinite { buffers.processExcess[k] = max(buffers.processExcess[k], ratio) }
        }
        return stream.uniform() * maximum < rate
    }

    /// Schedules process `k`'s next arrival after now. Exponential gaps are exact for constant
    /// and step rates (memorylessness lets a gap that crosses a step be redrawn from the step).
    @inline(__always)
    mutating func scheduleArrival(of k: Int, queue: inout EventQueue<SimEvent>) {
        if processes.base[k].kind == .piecewise { return scheduleStep(of: k, queue: &queue) }
        guard buffers.processRate[k] > 0 else { return }
        queue.schedule(at: now + stream.exponential(mean: buffers.processMean[k]), priority: Priority.action,
                       SimEvent(kind: .process, resample: false, index: Int32(k), epoch: buffers.processEpoch[k]))
    }

    @inline(never)
    mutating func scheduleStep(of k: Int, queue: inout EventQueue<SimEvent>) {
        let process = processes[k]
        var event = SimEvent(kind: .process, resample: false, index: Int32(k), epoch: buffers.processEpoch[k])
        var piece = Int(process.pieceStart)
        while piece + 1 < Int(process.pieceEnd) && pieceStarts[piece + 1] <= now { piece += 1 }
        let rate = pieceRates[piece]
        let boundary = piece + 1 < Int(process.pieceEnd) ? pieceStarts[piece + 1] : Double.infinity
        var at = boundary
        if rate > 0 { at = now + stream.exponential(mean: 1 / rate) }
        if at >= boundary {
            guard boundary.isFinite else { return }
            at = boundary
            event.resample = true
        }
        queue.schedule(at: at, priority: Priority.action, event)
    }

    @inline(never)
    mutating func apply(intervention i: Int, queue: inout EventQueue<SimEvent>) {
        let intervention = interventions[i]
        applyEffects(Int(intervention.effectStart)..<Int(intervention.effectEnd))
        for k in Int(intervention.switchStart)..<Int(intervention.switchEnd) {
            buffers.activePolicy[Int(policySwitches[k].actor)] = policySwitches[k].policy
        }
        if intervention.switchStart < intervention.switchEnd { rebuildResponderPlans() }
        for k in Int(intervention.startStart)..<Int(intervention.startEnd) {
            let process = Int(processLists[k])
            if buffers.processActive[process] { continue }
            buffers.processActive[process] = true
            buffers.processEpoch[process] &+= 1
            scheduleArrival(of: process, queue: &queue)
        }
        for k in Int(intervention.stopStart)..<Int(intervention.stopEnd) {
            let process = Int(processLists[k])
            if !buffers.processActive[process] { continue }
            buffers.processActive[process] = false
            buffers.processEpoch[process] &+= 1
        }
        if Observer.records { observer.interventionApplied(i, time: now, state: snapshot()) }
        if outcomesMayHold && checkOutcomes() { return }
        for k in Int(intervention.injectionStart)..<Int(intervention.injectionEnd) {
            let injection = injections[k]
            let asDocumented = injection.documentedStart >= 0
                ? Int(injection.documentedStart)..<Int(injection.documentedEnd) : nil
            perform(Int(injection.action), origin: .intervention(i), queue: &queue, documented: asDocumented)
            if outcome >= 0 { return }
        }
    }

    /// Every responder's row from the policies held now, in this run's own copy.
    @inline(never)
    mutating func rebuildResponderPlans() {
        for a in 0..<actionCount {
            for k in Int(actions[a].responderStart)..<Int(actions[a].responderEnd) {
                let responder = Int(responders[k])
                buffers.responderPlans[k] = ResponderPlan(responder: responder, policy: buffers.activePolicy[responder],
                                                          action: a, in: answerPlans, actionCount: actionCount)
            }
        }
        responderPlans = buffers.responderPlans
    }

    /// A quiet-spell watchdog: the outcome if nothing loud happened for its days, else it sleeps
    /// until the spell that began with the last loud action would end. One watchdog per outcome
    /// is ever queued.
    @inline(never)
    mutating func watch(_ k: Int, queue: inout EventQueue<SimEvent>) {
        let deadline = buffers.lastLoud[k] + outcomes[k].days
        if now >= deadline {
            reach(Int32(k))
        } else {
            queue.schedule(at: deadline, priority: Priority.watchdog,
                           SimEvent(kind: .watchdog, resample: false, index: Int32(k), epoch: 0))
        }
    }

    /// Whether an outcome condition may hold now: one is awake, or something one wakes on has
    /// changed.
    var outcomesMayHold: Bool {
        @inline(__always) mutating get { changed != 0 }
    }

    /// Checks the declared conditions in order; the first that holds ends the run. A sleeping
    /// condition is false (see `ConditionWatch`) and is skipped: the same outcome, fewer checks.
    @inline(never)
    mutating func checkOutcomes() -> Bool {
        let changed = self.changed
        defer { self.changed = awake != 0 ? Change.someAwake : 0 }
        for c in 0..<conditionOutcomes.count {
            let watch = conditionWatches.base + c
            let bit: UInt64 = c < Change.sleepingOutcomes ? 1 << UInt64(c) : 0
            if bit != 0 && awake & bit == 0 {
                if watch.pointee.wake & changed == 0 { continue }
                awake |= bit
            }
            let k = conditionOutcomes[c]
            let condition = outcomes[k].condition
            var stable = watch.pointee.mode == .stable
            let met: Bool
            if watch.pointee.mode == .relaxing {
                let comparison = comparisons.base + Int(condition.index)
                if let verdict = verdictOverRange(comparison) {
                    met = verdict
                    stable = true
                } else {
                    met = comparison.pointee.holds(value(UnsafeMutablePointer(mutating: comparison.pointer(to: \.left)!)))
                }
            } else {
                met = holds(condition)
            }
            if met {
                reach(k)
                return true
            }
            if stable { awake &= ~bit }
        }
        return false
    }

    mutating func reach(_ k: Int32) {
        // An invalid value this event (a casualty draw replaced by 0) must not decide an outcome.
        if invalid { return }
        outcome = k
        outcomeTime = now
        if Observer.records { observer.outcomeReached(Int(k), time: now, state: snapshot()) }
    }

    // MARK: State
    //
    // The readers below are `mutating` although they change nothing: called from the mutating
    // event handlers, a non-mutating method makes Swift copy the whole core (half a kilobyte)
    // to pass it, once per call. `mutating` passes it by reference.

    @inline(__always)
    mutating func stateValue(_ i: Int) -> Double {
        let s = states[i]
        let v = buffers.stateValue[i]
        if s.inverseHalfLife == 0 { return v }
        if buffers.stateCacheTime[i] == now { return buffers.stateCacheValue[i] }
        let elapsed = now - buffers.stateTime[i]
        let relaxed = elapsed > 0 ? s.baseline + (v - s.baseline) * exp2(-elapsed * s.inverseHalfLife) : v
        buffers.stateCacheTime[i] = now
        buffers.stateCacheValue[i] = relaxed
        return relaxed
    }

    @inline(__always)
    mutating func write(_ i: Int, _ value: Double) {
        let s = states[i]
        let clamped = min(max(value, s.minimum), s.maximum)
        changed |= s.changeBit
        buffers.stateValue[i] = clamped
        buffers.stateTime[i] = now
        buffers.stateCacheTime[i] = now
        buffers.stateCacheValue[i] = clamped
    }

    /// Reads the observations the run ended before reaching, at the run's end.
    mutating func finishObservations() {
        for k in 0..<buffers.observations where buffers.observed[k].isNaN {
            buffers.observed[k] = observe(k)
        }
    }

    /// An observation's value. An undefined one (∞ − ∞: two events that never happened) reads
    /// as +∞, "never", like `first()` of an event that has not happened; NaN marks an
    /// observation not yet read.
    @inline(__always)
    mutating func observe(_ k: Int) -> Double {
        let v = value(observationValues[k])
        return v.isNaN ? .infinity : v
    }

    mutating func snapshot() -> UnsafeBufferPointer<Double> {
        for i in 0..<buffers.states { buffers.stateSnapshot[i] = stateValue(i) }
        return UnsafeBufferPointer(start: buffers.stateSnapshot, count: buffers.states)
    }

    // MARK: Numbers

    /// A number's value: a constant in two instructions at the call site, anything else out of
    /// line, so the callers stay small enough to inline.
    @inline(__always)
    mutating func value(_ p: Param) -> Double {
        p.kind == .constant ? p.value : computedValue(p)
    }

    @inline(never)
    mutating func computedValue(_ p: Param) -> Double {
        switch p.kind {
        case .constant: p.value
        case .affine: value(affines.base + Int(p.index))
        case .product:
            productValue(affines.base + Int(p.index), factors: Int(p.factors))
        case .expression: evaluate(p.index)
        }
    }

    /// Multiplied left to right, as the interpreter multiplies.
    @inline(__always)
    mutating func productValue(_ first: UnsafeMutablePointer<Affine>, factors: Int) -> Double {
        var x = value(first) * value(first + 1)
        for k in 2..<max(factors, 2) { x *= value(first + k) }
        return x
    }

    @inline(__always)
    mutating func value(_ a: UnsafeMutablePointer<Affine>) -> Double {
        var x = read(a.pointee.sum.a)
        let count = a.pointee.sum.count
        if count > 1 {
            x += read(a.pointee.sum.b)
            if count > 2 {
                x += read(a.pointee.sum.c)
                if count > 3 { x += read(a.pointee.sum.d) }
            }
        }
        return a.pointee.combine(x)
    }

    @inline(__always)
    mutating func holds(_ c: Condition) -> Bool {
        let first = comparisons.base + Int(c.index)
        switch c.kind {
        case .always: return true
        case .never: return false
        case .comparison: return holds(first)
        case .and: return holds(first) && holds(first + 1)
        case .or: return holds(first) || holds(first + 1)
        case .expression: return truth(evaluate(c.index))
        }
    }

    /// A comparison; for a relaxing state variable whose whole range (from its last written
    /// value to its baseline, widened by a few rounding steps) lies on one side of the constant,
    /// decided without computing the relaxed value.
    @inline(__always)
    mutating func holds(_ comparison: UnsafeMutablePointer<Comparison>) -> Bool {
        let c = comparison.pointee
        // The event's counters are all zero while they are not dirty.
        if c.eventOnly && !eventCountersDirty { return c.atNoCasualties }
        if c.state >= 0, c.relation != .equal, c.relation != .notEqual {
            let i = Int(c.state)
            if states[i].inverseHalfLife != 0 && buffers.stateCacheTime[i] != now,
               let verdict = verdictOverRange(comparison) {
                return verdict
            }
        }
        return c.holds(value(UnsafeMutablePointer(mutating: comparison.pointer(to: \.left)!)))
    }

    /// For a plain comparison of a relaxing state variable (not `==` or `!=`): its value over the
    /// whole range the variable takes until it is next written, from its last written value to
    /// its baseline, if the range lies on one side of the constant; nil if it straddles it.
    @inline(__always)
    mutating func verdictOverRange(_ comparison: UnsafeMutablePointer<Comparison>) -> Bool? {
        let c = comparison.pointee
        let s = states[Int(c.state)]
        let v = buffers.stateValue[Int(c.state)]
        // A few units in the last place of the larger end, and never less than the smallest
        // normal number.
        let margin = 1e-15 * max(v.magnitude, s.baseline.magnitude) + 0x1p-1022
        let low = min(v, s.baseline) - margin, high = max(v, s.baseline) + margin
        let atLow = c.holds(low)
        return atLow == c.holds(high) ? atLow : nil
    }

    /// The current value of an expression leaf.
    @inline(__always)
    mutating func read(_ o: Operand) -> Double {
        switch o.kind {
        case .state: stateValue(Int(o.index))
        case .total: buffers.totals[Int(o.index)]
        case .eventCounter: buffers.eventCounters[Int(o.index)]
        case .eventRung: Double(lastRung)
        case .eventIntercepted: lastIntercepted ? 1 : 0
        case .maxRung: Double(maxRung)
        case .day: now
        case .count: Double(buffers.actionCounts[Int(o.index)])
        case .first: buffers.firstTime[Int(o.index)]
        case .parameter: buffers.parameters[Int(o.index)]
        }
    }

    /// A draw. Parameters an expression made infinite or not a number, or a count whose mean
    /// is beyond its sampler (+∞ from `Distribution.sample`), end the run as `invalid`.
    @inline(__always)
    mutating func sample(_ d: UnsafePointer<DrawSpec>) -> Double {
        // Fields read through the pointer: a copy of the whole spec cost more than the reads.
        if d.pointee.fixedParameters {
            // Finite constant parameters: only the draw itself can stray (a count beyond its
            // sampler).
            let x = Distribution.sample(d.pointee.kind, d.pointee.a.value, d.pointee.b.value, d.pointee.table,
                                        d.pointee.values, stream)
            if x.isFinite { return x }
            invalidate()
            return 0
        }
        return sampleComputed(d.pointee)
    }

    @inline(never)
    mutating func sampleComputed(_ d: DrawSpec) -> Double {
        let a = value(d.a), b = value(d.b)
        let x = Distribution.sample(d.kind, a, b, d.table, d.values, stream)
        if x.isFinite && a.isFinite && b.isFinite { return x }
        invalidate()
        return 0
    }

    /// Ends the run as `invalid` at the current time (the first such moment counts).
    @inline(never)
    mutating func invalidate() {
        if !invalid {
            invalid = true
            invalidTime = now
        }
    }
}

extension Int32 {
    var asInt: Int { Int(self) }
}

/// Expression truth: any number but 0 (and NaN) is true.
@inline(__always)
func truth(_ x: Double) -> Bool { x != 0 && !x.isNaN }
