import SimKernel
import Stochastics

/// Runs replications of one scenario. Holds a random stream, an event queue and run buffers
/// that are reused run after run, so a run allocates nothing in its steady state. One simulator
/// belongs to one thread; give each worker its own.
public final class Simulator {
    public let scenario: Scenario
    let stream: RandomStream
    var queue: EventQueue<SimEvent>
    let buffers: RunBuffers
    /// Values for the calibrated parameters when the scenario has no posterior to draw from
    /// (initially the point values); calibration sets them per proposal.
    public var parameterValues: [Double]
    /// Runs end at this day instead of the horizon when it is earlier (calibration stops a run
    /// once its last target has been read).
    public var stopDay: Double?
    /// The posterior draw the last run used, or −1.
    public private(set) var lastDraw = -1

    /// Where runs end if nothing ends them sooner.
    var endDay: Double { stopDay.map { min($0, scenario.horizon) } ?? scenario.horizon }

    public init(scenario: Scenario) {
        self.scenario = scenario
        self.stream = RandomStream(seed: 0)
        self.queue = EventQueue(capacity: 256)
        self.buffers = RunBuffers(program: scenario.program, actionCount: scenario.actions.count,
                                  processCount: scenario.processes.count, horizon: scenario.horizon)
        self.parameterValues = scenario.parameters.pointValues
    }

    deinit { buffers.deallocate() }

    /// Runs one replication from the stream of `seed`.
    public func run(seed: UInt64) -> RunResult {
        var core = SimulationCore(scenario: scenario, stream: stream, buffers: buffers, observer: NullObserver())
        let end = execute(&core, seed: seed)
        return result(of: &core, end: end, seed: seed)
    }

    /// Runs one replication and records everything that happened.
    public func runTraced(seed: UInt64) -> (RunResult, Trace) {
        var core = SimulationCore(scenario: scenario, stream: stream, buffers: buffers, observer: TraceRecorder())
        let end = execute(&core, seed: seed)
        let result = result(of: &core, end: end, seed: seed)
        return (result, finished(core.observer.entries, invalid: core.invalid, reached: core.outcome >= 0, result: result))
    }

    /// A finished run's record, ending with its outcome.
    func finished(_ recorded: [TraceEntry], invalid: Bool, reached: Bool, result: RunResult) -> Trace {
        var entries = recorded
        if invalid {
            // The run ended invalid: that is its outcome, whatever else the event reached.
            entries.removeAll { if case .outcome = $0.kind { true } else { false } }
            entries.append(TraceEntry(time: result.outcomeDay, kind: .outcome(result.outcome), state: result.finalState))
        } else if !reached {
            entries.append(TraceEntry(time: result.outcomeDay, kind: .outcome(result.outcome),
                                      state: result.finalState))
        }
        return Trace(entries: entries)
    }

    func execute<O: RunObserver>(_ core: inout SimulationCore<O>, seed: UInt64) -> RunEnd {
        setParameters(seed: seed)
        stream.reseed(seed)
        core.start(queue: &queue)
        if core.invalid { return RunEnd(reason: .stopped, events: 0, time: 0) }
        return queue.run(&core, horizon: endDay, maxEvents: scenario.maxEvents)
    }

    /// When the last run first reached each rung or above (`reached[r]`, `.infinity` if never),
    /// read from the first time of each action: nothing is recorded during the run for it.
    public func firstTimesAtRungs(into reached: UnsafeMutableBufferPointer<Double>) {
        for r in reached.indices { reached[r] = .infinity }
        for a in 0..<buffers.actions {
            let t = buffers.firstTime[a]
            if t == .infinity { continue }
            for r in 0...min(scenario.actions[a].rung, reached.count - 1) where t < reached[r] { reached[r] = t }
        }
    }

    /// Fills the parameter slots: the draw the seed chooses from the posterior, else
    /// `parameterValues`.
    func setParameters(seed: UInt64) {
        let slots = scenario.parameters
        guard slots.count > 0 else { return }
        if let posterior = slots.posterior {
            lastDraw = posterior.drawIndex(forSeed: seed)
            for (k, v) in posterior.draw(lastDraw).enumerated() { buffers.parameters[k] = v }
        } else {
            lastDraw = -1
            for k in 0..<slots.count { buffers.parameters[k] = parameterValues[k] }
        }
    }

    /// The result of a finished run; an unresolved run's state is read at the horizon.
    func result<O: RunObserver>(of core: inout SimulationCore<O>, end: RunEnd, seed: UInt64) -> RunResult {
        var outcome = Int(core.outcome)
        var day = core.outcomeTime
        if outcome < 0 {
            switch end.reason {
            case .eventCap:
                outcome = scenario.runawayOutcome
                day = end.time
            case .horizon, .exhausted, .stopped:
                outcome = scenario.unresolvedOutcome
                day = endDay
            }
            core.now = day
        }
        if core.invalid {
            outcome = scenario.invalidOutcome
            day = core.invalidTime
            core.now = day
        }
        let b = buffers
        core.finishObservations()
        var result = RunResult(
            seed: seed, outcome: outcome, outcomeDay: day, maxRung: Int(core.maxRung), actions: core.actionNumber,
            kernelEvents: end.events,
            ledger: Array(UnsafeBufferPointer(start: b.totals, count: b.counters)),
            actionCounts: Array(UnsafeBufferPointer(start: b.actionCounts, count: b.actions)),
            finalState: Array(core.snapshot()),
            rateExceeded: core.rateExceeded)
        result.draw = lastDraw >= 0 ? lastDraw : nil
        result.rateExcess = Array(UnsafeBufferPointer(start: b.processExcess, count: b.processes))
        result.observations = Array(UnsafeBufferPointer(start: b.observed, count: b.observations))
        return result
    }
}

extension Scenario {
    /// The policy and position within it of flat rule number `rule` (as in `Decision.rule`).
    public func ruleLocation(_ rule: Int) -> (policy: Int, index: Int) {
        let location = program.ruleLocation[rule]
        return (location.policy, location.rule)
    }

    /// The rule with flat number `rule`.
    public func rule(_ rule: Int) -> Rule {
        let (p, k) = ruleLocation(rule)
        return policies[p].rules[k]
    }
}
