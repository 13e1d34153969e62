import Foundation
import Stochastics

/// A fixed-size table of plain data, owned by the `Program` that made it. Reads are a pointer
/// offset: no bounds check in release builds, no reference counting, no exclusivity check.
struct Table<Element: BitwiseCopyable> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = .allocate(capacity: max(count, 1))
        base.initialize(from: elements, count: count)
    }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        assert(i >= 0 && i < count, "table index out of range")
        return base[i]
    }

    @inline(__always)
    subscript(_ i: Int32) -> Element { self[Int(i)] }

    func deallocate() { base.deallocate() }
}

/// A number the simulator reads, in 16 bytes: a constant (`value`), an affine form
/// (`Program.affines[index]`), a product of `factors` of them (`affines[index]` ×
/// `affines[index + 1]` × ...), or expression number `index` run by the interpreter.
struct Param: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable { case constant, affine, product, expression }
    var kind: Kind
    var factors: UInt8 = 0
    var index: Int32
    var value: Double

    init(kind: Kind, index: Int32, value: Double, factors: UInt8 = 0) {
        self.kind = kind
        self.factors = factors
        self.index = index
        self.value = value
    }

    static func constant(_ v: Double) -> Param { Param(kind: .constant, index: -1, value: v) }
}

/// A condition the simulator checks: always, never, a comparison (`Program.comparisons[index]`),
/// two joined by and/or (`comparisons[index]`, `comparisons[index + 1]`), or expression number
/// `index` run by the interpreter.
struct Condition: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable { case always, never, comparison, and, or, expression }
    var kind: Kind
    var index: Int32

    static let always = Condition(kind: .always, index: -1)
}

/// A draw with its parameters resolved to `Param`s and its discrete table to raw pointers
/// (kept alive by the scenario that owns the program).
struct DrawSpec: BitwiseCopyable {
    var kind: Distribution.Kind
    /// Both parameters are finite constants: the draw needs no evaluation and no checks of them.
    var fixedParameters: Bool
    var a: Param
    var b: Param
    var table: OpaquePointer?
    var values: UnsafePointer<Double>?

    init(kind: Distribution.Kind, a: Param, b: Param, table: OpaquePointer?, values: UnsafePointer<Double>?) {
        self.kind = kind
        self.a = a
        self.b = b
        self.table = table
        self.values = values
        fixedParameters = a.kind == .constant && b.kind == .constant && a.value.isFinite && b.value.isFinite
    }
}

struct ActorCore: BitwiseCopyable {
    var sponsor: Int32
    var control: Param
    var initialPolicy: Int32
}

struct ActionCore: BitwiseCopyable {
    var actor: Int32
    var target: Int32
    var rung: Int32
    var hasInterception: Bool
    var interception: Param
    var casualtyStart: Int32, casualtyEnd: Int32
    var effectStart: Int32, effectEnd: Int32
    var triggerStart: Int32, triggerEnd: Int32
    /// No interception, casualties, effects or triggers: the action only counts and is answered.
    var plain: Bool
    /// It has an interception or casualties to draw.
    var drawsCasualties: Bool
    /// The actors (other than the actor) that a policy they can hold (their first, or one an
    /// intervention switches them to) could answer this action for, in actor order:
    /// `Program.responders[responderStart..<responderEnd]`. Only they can answer it.
    var responderStart: Int32, responderEnd: Int32
}

struct CasualtyCore: BitwiseCopyable {
    var counter: Int32
    var draw: DrawSpec
}

struct EffectCore: BitwiseCopyable {
    var variable: Int32
    var isSet: Bool
    var amount: Param
}

struct TriggerCore: BitwiseCopyable {
    var action: Int32
    var probability: Param
    var delay: DrawSpec
    /// The actor whose `control` scales the probability (a sponsor directing its militia), or −1.
    var obeyingActor: Int32
}

enum StrategyKind: UInt8, BitwiseCopyable {
    case titForTat, proportional, generous, titForTwoTats, grim, fixed, restraint
}

struct RuleCore: BitwiseCopyable {
    var owner: Int32
    var coverMask: UInt64
    var fromMask: UInt64
    /// Offset of the rule's action bitset in `Program.ruleActionBits`, or −1 for any action.
    var hitByOffset: Int32
    var condition: Condition
    var strategy: StrategyKind
    var offset: Int32
    var forgive: Param
    var window: Double
    var fixedAction: Int32
    var probability: Param
    var delay: DrawSpec
    var attribution: Attribution
    var fallThrough: Bool
}

/// What a policy does about one action when a single rule settles it with no state to read:
/// the first rule that applies to the action has no condition, a constant probability, no
/// fall-through, and a strategy (fixed, tit for tat, proportional) whose answer depends only on
/// the action. The simulator then answers from this row without walking the rules.
struct AnswerPlan: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable {
        /// No rule of the policy applies to the action: nothing is drawn or decided.
        case none
        /// One rule settles it: this row answers.
        case simple
        /// The rules are walked.
        case rules
    }
    var kind: Kind
    var probability: Double
    /// The answer, or −1 when there is none on the ladder (the draw is still made).
    var chosen: Int32
    /// The actor the answer is aimed at; a non-fixed rule never answers its own actor.
    var blamed: Int32
    var fixed: Bool
    var delay: DrawSpec

    static var none: AnswerPlan { AnswerPlan(kind: .none, probability: 0, chosen: -1, blamed: -1, fixed: false,
                                 delay: DrawSpec(kind: .fixed, a: .constant(0), b: .constant(0), table: nil, values: nil)) }
}

/// What one responder does about one action under the policy it holds now: a row per
/// `Program.responders` slot. Answering an action reads its probability two dependent loads
/// after the action's number (the action's first slot, then the row), where it took four (the
/// first slot, the slot's actor, the actor's policy, then the plan). The branch on the answer's
/// draw waits for those loads and goes either way at random, so each load it waits for adds to
/// every misprediction: on the benchmark toy this row (with `ProcessCore`'s copy of the slots)
/// made the engine about 9% faster, for 3% fewer instructions.
///
/// A run starts from `Program.responderPlans` (everyone's first policy) and rebuilds its own copy
/// when an intervention switches a policy (`RunBuffers.responderPlans`).
struct ResponderPlan: BitwiseCopyable {
    /// `.none` when the responder holds no policy, or its policy has no rule for the action.
    var kind: AnswerPlan.Kind
    var responder: Int32
    /// The responder's policy · actions + the action: its rules for the action, walked when the
    /// kind is `.rules` (or an observer records).
    var list: Int32
    /// The plan's answer, or −1 when it has none: no option on the ladder, or the rule would blame
    /// the responder itself (the draw is still made).
    var chosen: Int32
    /// The plan's probability as `RandomStream.bernoulliThreshold` gives it.
    var threshold: UInt64
    var delay: DrawSpec

    /// The row for `responder`, holding `policy` (−1 for none), answering action `action`.
    init(responder: Int, policy: Int32, action: Int, in plans: Table<AnswerPlan>, actionCount: Int) {
        self.responder = Int32(responder)
        let plan = policy < 0 ? AnswerPlan.none : plans[Int(policy) * actionCount + action]
        kind = plan.kind
        list = policy < 0 ? -1 : policy * Int32(actionCount) + Int32(action)
        chosen = plan.chosen >= 0 && (plan.fixed || Int(plan.blamed) != responder) ? plan.chosen : -1
        threshold = RandomStream.bernoulliThreshold(plan.probability)
        delay = plan.delay
    }
}

struct PolicyCore: BitwiseCopyable {
    var ruleStart: Int32, ruleEnd: Int32
}

enum RateKind: UInt8, BitwiseCopyable { case constant, piecewise, dependent }

struct ProcessCore: BitwiseCopyable {
    var action: Int32
    /// The action's `responderStart` and `responderEnd`, read with the action's number rather
    /// than after it: one dependent load fewer before an arrival's answers are drawn (see
    /// `ResponderPlan`).
    var responderStart: Int32, responderEnd: Int32
    var kind: RateKind
    /// The constant rate, or the maximum a dependent rate is thinned from; evaluated once per run
    /// into `RunBuffers.processRate`.
    var rate: Param
    /// A dependent process's rate as it is now (read at each candidate).
    var dependentRate: Param
    var pieceStart: Int32, pieceEnd: Int32
    var active: Bool
}

struct StateCore: BitwiseCopyable {
    var initial: Double
    var minimum: Double
    var maximum: Double
    var baseline: Double
    /// 1 / half-life in days, or 0 for no relaxation.
    var inverseHalfLife: Double
    /// Its bit in `SimulationCore.changed`, set when it is written; 0 if no outcome condition
    /// wakes on it.
    var changeBit: UInt64
}

/// Bits of `SimulationCore.changed`: what has changed since the outcome conditions were last
/// checked.
enum Change {
    static let maxRung: UInt64 = 1 << 63
    static let totals: UInt64 = 1 << 62
    /// Not a change: some outcome condition is awake, so the next check must run. Kept in
    /// `changed` so that whether to check is one test of one word.
    static let someAwake: UInt64 = 1 << 61
    /// State variable `i` (those from 60 up share bit 60).
    static func state(_ i: Int) -> UInt64 { 1 << UInt64(min(i, 60)) }
    /// Outcome conditions from this position on never sleep (their bit would be 63 or more).
    static let sleepingOutcomes = 63
}

/// When an outcome's condition, found false, can be left unchecked: a condition that reads only
/// parameters, totals, the highest rung and state variables that do not relax keeps its value
/// until one of those changes (`wake`), so it sleeps until then. A plain comparison of a relaxing
/// state variable (`host_tolerance <= 0`) sleeps when it is false over the whole range the
/// variable can take until it is next written (from its last written value to its baseline).
/// Anything that reads the event, the day, counts or first days is checked after every action.
struct ConditionWatch: BitwiseCopyable {
    enum Mode: UInt8, BitwiseCopyable { case awake, stable, relaxing }
    var mode: Mode
    var wake: UInt64
}

/// An intervention as ranges into the program's flat tables.
struct InterventionCore: BitwiseCopyable {
    var day: Double
    var effectStart: Int32, effectEnd: Int32
    var switchStart: Int32, switchEnd: Int32
    var startStart: Int32, startEnd: Int32
    var stopStart: Int32, stopEnd: Int32
    var injectionStart: Int32, injectionEnd: Int32
}

struct PolicySwitch: BitwiseCopyable {
    var actor: Int32
    var policy: Int32
}

/// An injected action; `documentedStart..<documentedEnd` in `Program.documented` replaces its
/// drawn casualties when `documentedStart >= 0`.
struct InjectionCore: BitwiseCopyable {
    var action: Int32
    var documentedStart: Int32, documentedEnd: Int32
}

struct DocumentedCasualty: BitwiseCopyable {
    var counter: Int32
    var value: Double
}

struct OutcomeCore: BitwiseCopyable {
    var isQuiet: Bool
    var condition: Condition
    var days: Double
    var minimumRung: Int32
}

/// The scenario as flat tables of plain data, built once per scenario and shared read-only by
/// every simulator. Expressions live in one code array; a `Param` or condition refers to one by
/// number.
final class Program: @unchecked Sendable {
    static let rungCount = Ladder.top + 1

    let actorCount: Int
    let counterCount: Int
    let parameterCount: Int
    let code: Table<ExpressionOp>
    let affines: Table<Affine>
    let comparisons: Table<Comparison>
    let expressionStart: Table<Int32>
    let expressionEnd: Table<Int32>
    let stackDepth: Int
    let actors: Table<ActorCore>
    let actions: Table<ActionCore>
    let casualties: Table<CasualtyCore>
    let effects: Table<EffectCore>
    let triggers: Table<TriggerCore>
    let rules: Table<RuleCore>
    /// For rule r, blamed actor t and wanted rung d: the answer, or −1. Index (r·actors + t)·10 + d.
    let answers: Table<Int32>
    let ruleActionBits: Table<UInt64>
    let policies: Table<PolicyCore>
    /// For policy p and action a, the rules of p that can apply to a hit by a (the target is
    /// covered, the attacker is in `from`, the action in `hit_by`), in order:
    /// `applicableRules[applicableStart[p·actions + a] ..< applicableStart[p·actions + a + 1]]`.
    let applicableStart: Table<Int32>
    let applicableRules: Table<Int32>
    /// For policy p and action a, at `p·actions + a`: the answer when one rule settles it.
    let answerPlans: Table<AnswerPlan>
    /// Actors that may answer each action (see `ActionCore.responderStart`).
    let responders: Table<Int32>
    /// For each of `responders`, what it does about the action under its first policy.
    let responderPlans: Table<ResponderPlan>
    let processes: Table<ProcessCore>
    let pieceStarts: Table<Double>
    let pieceRates: Table<Double>
    let states: Table<StateCore>
    let outcomes: Table<OutcomeCore>
    /// Outcome numbers with a condition, and with a quiet spell, in declaration order.
    let conditionOutcomes: Table<Int32>
    /// For each of `conditionOutcomes`, when its condition may sleep (see `ConditionWatch`).
    let conditionWatches: Table<ConditionWatch>
    /// `Change.maxRung` and `Change.totals` if some outcome condition wakes on them, else 0.
    let maxRungChange: UInt64, totalsChange: UInt64
    /// `SimulationCore.awake` when no outcome condition sleeps: bit c for `conditionOutcomes[c]`,
    /// and bit 63 for good when some never can (from the 64th on).
    let allConditionsAwake: UInt64
    let quietOutcomes: Table<Int32>
    /// The lowest rung that breaks any quiet spell (`Int32.max` with no quiet outcome).
    let quietFloor: Int32
    /// Observation k reads `observationValues[k]` at `observationDays[k]`.
    let observationDays: Table<Double>
    let observationValues: Table<Param>
    let interventions: Table<InterventionCore>
    let policySwitches: Table<PolicySwitch>
    /// Process numbers started or stopped by interventions.
    let processLists: Table<Int32>
    let injections: Table<InjectionCore>
    let documented: Table<DocumentedCasualty>
    /// For each flat rule number, its policy and position there.
    let ruleLocation: [(policy: Int, rule: Int)]

    init(actors: [Actor], actions: [Action], counters: Int, stateVariables: [StateVariable],
         processes: [Process], policies: [Policy], outcomes: [Outcome],
         interventions: [Intervention] = [], observations: [Observation] = [], parameterCount: Int = 0) {
        var builder = Builder()
        // Queued events carry these numbers in 28 bits (`SimEvent`); a scenario file is at most
        // 1 MiB, so no table comes near.
        precondition([actions.count, processes.count, interventions.count, outcomes.count, observations.count]
                        .allSatisfy { $0 <= Int(SimEvent.maximumIndex) }, "more actions or events than a queued event can number")
        actorCount = actors.count
        counterCount = counters
        self.parameterCount = parameterCount

        self.actors = Table(actors.map {
            ActorCore(sponsor: Int32($0.sponsor ?? -1), control: builder.param($0.control),
                      initialPolicy: Int32($0.initialPolicy ?? -1))
        })

        var casualtyRows: [CasualtyCore] = []
        var effectRows: [EffectCore] = []
        var triggerRows: [TriggerCore] = []
        var actionRows: [ActionCore] = []
        for action in actions {
            let c0 = Int32(casualtyRows.count)
            for c in action.casualties {
                casualtyRows.append(CasualtyCore(counter: Int32(c.counter), draw: builder.draw(c.draw)))
            }
            let e0 = Int32(effectRows.count)
            effectRows += action.effects.map { builder.effect($0) }
            let t0 = Int32(triggerRows.count)
            for t in action.triggers {
                let triggered = actors[actions[t.action].actor]
                let obeying = triggered.sponsor == action.actor ? Int32(actions[t.action].actor) : -1
                triggerRows.append(TriggerCore(action: Int32(t.action), probability: builder.param(t.probability),
                                               delay: builder.draw(t.delay), obeyingActor: obeying))
            }
            actionRows.append(ActionCore(
                actor: Int32(action.actor), target: Int32(action.target ?? -1), rung: Int32(action.rung),
                hasInterception: action.interception != nil,
                interception: action.interception.map { builder.param($0) } ?? .constant(0),
                casualtyStart: c0, casualtyEnd: Int32(casualtyRows.count),
                effectStart: e0, effectEnd: Int32(effectRows.count),
                triggerStart: t0, triggerEnd: Int32(triggerRows.count),
                plain: action.interception == nil && action.casualties.isEmpty && action.effects.isEmpty
                    && action.triggers.isEmpty,
                drawsCasualties: action.interception != nil || !action.casualties.isEmpty,
                responderStart: 0, responderEnd: 0))
        }
        var interventionRows: [InterventionCore] = []
        var switchRows: [PolicySwitch] = []
        var processRows: [Int32] = []
        var injectionRows: [InjectionCore] = []
        var documentedRows: [DocumentedCasualty] = []
        for intervention in interventions {
            var row = InterventionCore(day: intervention.day, effectStart: Int32(effectRows.count), effectEnd: 0,
                                       switchStart: Int32(switchRows.count), switchEnd: 0, startStart: 0, startEnd: 0,
                                       stopStart: 0, stopEnd: 0, injectionStart: Int32(injectionRows.count),
                                       injectionEnd: 0)
            effectRows += intervention.effects.map { builder.effect($0) }
            row.effectEnd = Int32(effectRows.count)
            switchRows += intervention.policySwitches.map { PolicySwitch(actor: Int32($0.actor), policy: Int32($0.policy)) }
            row.switchEnd = Int32(switchRows.count)
            row.startStart = Int32(processRows.count)
            processRows += intervention.startProcesses.map { Int32($0) }
            row.startEnd = Int32(processRows.count)
            row.stopStart = Int32(processRows.count)
            processRows += intervention.stopProcesses.map { Int32($0) }
            row.stopEnd = Int32(processRows.count)
            for injection in intervention.injections {
                var core = InjectionCore(action: Int32(injection.action), documentedStart: -1, documentedEnd: -1)
                if let casualties = injection.casualties {
                    core.documentedStart = Int32(documentedRows.count)
                    documentedRows += casualties.map { DocumentedCasualty(counter: Int32($0.counter), value: $0.value) }
                    core.documentedEnd = Int32(documentedRows.count)
                }
                injectionRows.append(core)
            }
            row.injectionEnd = Int32(injectionRows.count)
            interventionRows.append(row)
        }
        self.interventions = Table(interventionRows)
        self.policySwitches = Table(switchRows)
        self.processLists = Table(processRows)
        self.injections = Table(injectionRows)
        self.documented = Table(documentedRows)

        var ruleRows: [RuleCore] = []
        var answerRows: [Int32] = []
        var bitRows: [UInt64] = []
        var policyRows: [PolicyCore] = []
        var locations: [(policy: Int, rule: Int)] = []
        let words = (actions.count + 63) / 64
        for (p, policy) in policies.enumerated() {
            let start = Int32(ruleRows.count)
            for (k, rule) in policy.rules.enumerated() {
                locations.append((p, k))
                var hitByOffset: Int32 = -1
                if let hitBy = rule.hitBy {
                    hitByOffset = Int32(bitRows.count)
                    var bits = [UInt64](repeating: 0, count: words)
                    for a in hitBy { bits[a / 64] |= 1 << UInt64(a % 64) }
                    bitRows += bits
                }
                let (kind, offset, forgive, window, fixed): (StrategyKind, Int, Quantity, Double, Int) =
                    switch rule.strategy {
                    case .titForTat: (.titForTat, 0, .constant(0), 0, -1)
                    case .proportional(let k): (.proportional, k, .constant(0), 0, -1)
                    case .generousTitForTat(let g): (.generous, 0, g, 0, -1)
                    case .titForTwoTats(let w): (.titForTwoTats, 0, .constant(0), w, -1)
                    case .grimTrigger: (.grim, 0, .constant(0), 0, -1)
                    case .fixed(let a): (.fixed, 0, .constant(0), 0, a)
                    case .restraint: (.restraint, 0, .constant(0), 0, -1)
                    }
                ruleRows.append(RuleCore(
                    owner: Int32(policy.actor),
                    coverMask: rule.covers.reduce(0) { $0 | 1 << UInt64($1) },
                    fromMask: rule.from.map { $0.reduce(0) { $0 | 1 << UInt64($1) } } ?? ~0,
                    hitByOffset: hitByOffset,
                    condition: builder.condition(rule.condition),
                    strategy: kind, offset: Int32(offset), forgive: builder.param(forgive), window: window,
                    fixedAction: Int32(fixed), probability: builder.param(rule.probability),
                    delay: builder.draw(rule.delay ?? RandomQuantity(.fixed(0))),
                    attribution: rule.attribution, fallThrough: rule.fallThrough))
                answerRows += Program.answerTable(rule: rule, owner: policy.actor, actors: actors.count,
                                                  actions: actions)
            }
            policyRows.append(PolicyCore(ruleStart: start, ruleEnd: Int32(ruleRows.count)))
        }
        self.ruleLocation = locations

        var listStarts: [Int32] = [0]
        var applicable: [Int32] = []
        for policy in policyRows {
            for (a, action) in actions.enumerated() {
                for r in Int(policy.ruleStart)..<Int(policy.ruleEnd) {
                    let rule = ruleRows[r]
                    guard let target = action.target,
                          rule.coverMask & (1 << UInt64(target)) != 0,
                          rule.fromMask & (1 << UInt64(action.actor)) != 0,
                          rule.hitByOffset < 0 || bitRows[Int(rule.hitByOffset) + a / 64] & (1 << UInt64(a % 64)) != 0
                    else { continue }
                    applicable.append(Int32(r))
                }
                listStarts.append(Int32(applicable.count))
            }
        }
        self.applicableStart = Table(listStarts)
        self.applicableRules = Table(applicable)
        var plans: [AnswerPlan] = []
        for p in policyRows.indices {
            for (a, action) in actions.enumerated() {
                let list = p * actions.count + a
                guard listStarts[list] < listStarts[list + 1] else { plans.append(.none); continue }
                let r = Int(applicable[Int(listStarts[list])])
                let rule = ruleRows[r]
                let sponsor = actors[action.actor].sponsor
                var plan = AnswerPlan.none
                plan.kind = .rules
                let settles = rule.condition.kind == .always && rule.probability.kind == .constant && !rule.fallThrough
                var wanted = action.rung
                switch rule.strategy {
                case .fixed, .titForTat: break
                case .proportional: wanted = min(max(wanted + Int(rule.offset), 0), Ladder.top)
                default: plans.append(plan); continue
                }
                let blamed: Int
                switch rule.attribution {
                case .actor: blamed = action.actor
                case .sponsor: blamed = sponsor ?? action.actor
                case .both: plans.append(plan); continue
                }
                guard settles else { plans.append(plan); continue }
                plan.kind = .simple
                plan.probability = rule.probability.value
                plan.fixed = rule.strategy == .fixed
                plan.blamed = Int32(blamed)
                plan.chosen = plan.fixed ? rule.fixedAction
                    : answerRows[(r * actors.count + blamed) * Program.rungCount + wanted]
                plan.delay = rule.delay
                plans.append(plan)
            }
        }
        self.answerPlans = Table(plans)
        // The policies each actor can hold: its first, and any an intervention switches it to.
        var holdable = actors.map { $0.initialPolicy.map { [$0] } ?? [] }
        for intervention in interventions {
            for change in intervention.policySwitches { holdable[change.actor].append(change.policy) }
        }
        var responderRows: [Int32] = []
        for a in actionRows.indices {
            actionRows[a].responderStart = Int32(responderRows.count)
            for responder in 0..<actors.count where responder != actions[a].actor {
                let answers = holdable[responder].contains { p in
                    listStarts[p * actions.count + a] < listStarts[p * actions.count + a + 1]
                }
                if answers { responderRows.append(Int32(responder)) }
            }
            actionRows[a].responderEnd = Int32(responderRows.count)
        }
        self.responders = Table(responderRows)
        var responderPlanRows: [ResponderPlan] = []
        for a in actionRows.indices {
            for k in Int(actionRows[a].responderStart)..<Int(actionRows[a].responderEnd) {
                let responder = Int(responderRows[k])
                responderPlanRows.append(ResponderPlan(responder: responder, policy: Int32(actors[responder].initialPolicy ?? -1),
                                                       action: a, in: answerPlans, actionCount: actions.count))
            }
        }
        self.responderPlans = Table(responderPlanRows)

        var processCores: [ProcessCore] = []
        var starts: [Double] = []
        var rates: [Double] = []
        for process in processes {
            var row = ProcessCore(action: Int32(process.action), responderStart: actionRows[process.action].responderStart,
                                  responderEnd: actionRows[process.action].responderEnd, kind: .constant,
                                  rate: .constant(0), dependentRate: .constant(0), pieceStart: 0, pieceEnd: 0,
                                  active: process.active)
            switch process.rate {
            case .constant(let r):
                row.rate = builder.param(r)
            case .piecewise(let pieces):
                row.kind = .piecewise
                row.pieceStart = Int32(starts.count)
                starts += pieces.map(\.start)
                rates += pieces.map(\.rate)
                row.pieceEnd = Int32(starts.count)
            case .dependent(let e, let maximum):
                row.kind = .dependent
                row.rate = builder.param(maximum)
                row.dependentRate = builder.param(.expression(e))
            }
            processCores.append(row)
        }

        self.states = Table(stateVariables.indices.map { i in
            let v = stateVariables[i]
            return StateCore(initial: v.initial, minimum: v.minimum, maximum: v.maximum, baseline: v.baseline,
                             inverseHalfLife: v.halfLife.map { 1 / $0 } ?? 0, changeBit: Change.state(i))
        })
        let outcomeRows = outcomes.map { outcome in
            switch outcome.rule {
            case .condition(let e):
                OutcomeCore(isQuiet: false, condition: builder.condition(e), days: 0, minimumRung: 0)
            case .quiet(let days, let rung):
                OutcomeCore(isQuiet: true, condition: .always, days: days, minimumRung: Int32(rung))
            }
        }
        self.outcomes = Table(outcomeRows)

        self.observationDays = Table(observations.map(\.day))
        self.observationValues = Table(observations.map { builder.param(.expression($0.value)) })
        let conditionOutcomes = outcomes.indices.filter { if case .condition = outcomes[$0].rule { true } else { false } }
        self.conditionOutcomes = Table(conditionOutcomes.map { Int32($0) })
        let relaxing = stateVariables.map { $0.halfLife != nil }
        let watches = conditionOutcomes.map {
            builder.watch(outcomeRows[$0].condition, relaxing: relaxing)
        }
        self.conditionWatches = Table(watches)
        // Only what some condition wakes on is marked as changed.
        let wake = watches.reduce(0) { $0 | $1.wake }
        for i in 0..<stateVariables.count { self.states.base[i].changeBit &= wake }
        self.maxRungChange = wake & Change.maxRung
        self.totalsChange = wake & Change.totals
        self.allConditionsAwake = watches.count <= Change.sleepingOutcomes ? (1 << UInt64(watches.count)) &- 1 : ~0
        self.quietOutcomes = Table(outcomes.indices.filter { if case .quiet = outcomes[$0].rule { true } else { false } }.map { Int32($0) })
        self.quietFloor = outcomes.compactMap { if case .quiet(_, let rung) = $0.rule { Int32(rung) } else { nil } }.min() ?? .max
        self.actions = Table(actionRows)
        self.casualties = Table(casualtyRows)
        self.effects = Table(effectRows)
        self.triggers = Table(triggerRows)
        self.rules = Table(ruleRows)
        self.answers = Table(answerRows)
        self.ruleActionBits = Table(bitRows)
        self.policies = Table(policyRows)
        self.processes = Table(processCores)
        self.pieceStarts = Table(starts)
        self.pieceRates = Table(rates)
        self.code = Table(builder.code)
        self.affines = Table(builder.affines)
        self.comparisons = Table(builder.comparisons)
        self.expressionStart = Table(builder.starts)
        self.expressionEnd = Table(builder.ends)
        self.stackDepth = max(builder.depth, 1)
    }

    deinit {
        actors.deallocate(); actions.deallocate(); casualties.deallocate(); effects.deallocate()
        triggers.deallocate(); rules.deallocate(); answers.deallocate(); ruleActionBits.deallocate()
        policies.deallocate(); applicableStart.deallocate(); applicableRules.deallocate(); responders.deallocate(); responderPlans.deallocate(); answerPlans.deallocate(); processes.deallocate(); pieceStarts.deallocate(); pieceRates.deallocate()
        states.deallocate(); outcomes.deallocate(); code.deallocate(); expressionStart.deallocate()
        affines.deallocate(); comparisons.deallocate(); interventions.deallocate(); policySwitches.deallocate()
        processLists.deallocate(); injections.deallocate(); documented.deallocate()
        conditionOutcomes.deallocate(); conditionWatches.deallocate(); quietOutcomes.deallocate(); observationDays.deallocate()
        observationValues.deallocate()
        expressionEnd.deallocate()
    }

    /// For each blamed actor and wanted rung, the candidate action nearest in rung (ties to the
    /// lower rung, then to the first declared), among the rule's `answerWith` or, without it, all
    /// of the owner's actions, aimed at the blamed actor.
    static func answerTable(rule: Rule, owner: Int, actors: Int, actions: [Action]) -> [Int32] {
        let pool = rule.answerWith ?? actions.indices.filter { actions[$0].actor == owner }
        var table: [Int32] = []
        table.reserveCapacity(actors * rungCount)
        for target in 0..<actors {
            let candidates = pool.filter { actions[$0].target == target }
            for wanted in 0..<rungCount {
                let best = candidates.min { x, y in
                    let dx = abs(actions[x].rung - wanted), dy = abs(actions[y].rung - wanted)
                    if dx != dy { return dx < dy }
                    if actions[x].rung != actions[y].rung { return actions[x].rung < actions[y].rung }
                    return x < y
                }
                table.append(Int32(best ?? -1))
            }
        }
        return table
    }

    /// Gathers expression code and turns model values into plain-data rows.
    struct Builder {
        var code: [ExpressionOp] = []
        var affines: [Affine] = []
        var comparisons: [Comparison] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        var depth = 0

        mutating func expression(_ e: CompiledExpression) -> Int32 {
            starts.append(Int32(code.count))
            code += e.code
            ends.append(Int32(code.count))
            depth = max(depth, e.stackDepth)
            return Int32(starts.count - 1)
        }

        mutating func param(_ q: Quantity) -> Param {
            switch q {
            case .constant(let v):
                return .constant(v)
            case .expression(let e):
                if let v = e.constantValue { return .constant(v) }
                let at = Int32(affines.count)
                if let affine = Affine.match(e.code[...]) {
                    affines.append(affine)
                    return Param(kind: .affine, index: at, value: 0)
                }
                if let product = AffineProduct.match(e.code) {
                    affines += product.factors
                    return Param(kind: .product, index: at, value: 0, factors: UInt8(product.factors.count))
                }
                return Param(kind: .expression, index: expression(e), value: 0)
            }
        }

        mutating func condition(_ e: CompiledExpression?) -> Condition {
            guard let e else { return .always }
            if let v = e.constantValue { return Condition(kind: v != 0 && !v.isNaN ? .always : .never, index: -1) }
            let at = Int32(comparisons.count)
            if let comparison = Comparison.match(e.code[...]) {
                comparisons.append(comparison)
                return Condition(kind: .comparison, index: at)
            }
            if let pair = ComparisonPair.match(e.code) {
                comparisons += [pair.first, pair.second]
                return Condition(kind: pair.isAnd ? .and : .or, index: at)
            }
            return Condition(kind: .expression, index: expression(e))
        }

        /// When condition `c` can sleep; `relaxing[i]` says whether state variable `i` relaxes.
        func watch(_ c: Condition, relaxing: [Bool]) -> ConditionWatch {
            let awake = ConditionWatch(mode: .awake, wake: 0)
            /// The bits an operand's value changes with, or nil if it can change at any action.
            func bits(_ o: Operand) -> UInt64? {
                switch o.kind {
                case .state: relaxing[Int(o.index)] ? nil : Change.state(Int(o.index))
                case .total: Change.totals
                case .maxRung: Change.maxRung
                case .parameter: 0
                case .eventCounter, .eventRung, .eventIntercepted, .day, .count, .first: nil
                }
            }
            func bits(_ a: Affine) -> UInt64? {
                var all: UInt64 = 0
                for k in 0..<Int(a.sum.count) {
                    guard let b = bits(a.sum[k]) else { return nil }
                    all |= b
                }
                return all
            }
            switch c.kind {
            case .always, .never:
                return ConditionWatch(mode: .stable, wake: 0)
            case .comparison:
                let comparison = comparisons[Int(c.index)]
                if comparison.state >= 0, relaxing[Int(comparison.state)] {
                    guard comparison.relation != .equal, comparison.relation != .notEqual else { return awake }
                    return ConditionWatch(mode: .relaxing, wake: Change.state(Int(comparison.state)))
                }
                guard let wake = bits(comparison.left) else { return awake }
                return ConditionWatch(mode: .stable, wake: wake)
            case .and, .or:
                guard let first = bits(comparisons[Int(c.index)].left),
                      let second = bits(comparisons[Int(c.index) + 1].left) else { return awake }
                return ConditionWatch(mode: .stable, wake: first | second)
            case .expression:
                var wake: UInt64 = 0
                for op in code[Int(starts[Int(c.index)])..<Int(ends[Int(c.index)])] {
                    guard let operand = Operand(op) else { continue }
                    guard let b = bits(operand) else { return awake }
                    wake |= b
                }
                return ConditionWatch(mode: .stable, wake: wake)
            }
        }

        mutating func draw(_ r: RandomQuantity) -> DrawSpec {
            DrawSpec(kind: r.kind, a: param(r.a), b: param(r.b),
                     table: r.table?.gslTableForSampling, values: r.table?.valuesForSampling)
        }

        mutating func effect(_ e: Effect) -> EffectCore {
            EffectCore(variable: Int32(e.variable), isSet: e.operation == .set, amount: param(e.amount))
        }
    }
}
