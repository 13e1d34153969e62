import EscalationModel
import Experiments
import Foundation
import Reports

// What the API answers, as JSON. Numbers that are not finite (an interval over no runs) are null.

func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

struct ScenarioView: Encodable {
    struct KnobView: Encodable {
        let id: String, label: String, unit: String?, why: String?
        let value: Double, low: Double, high: Double, calibrated: Bool
    }
    struct SideView: Encodable { let id: String, name: String }
    let name: String, title: String, summary: String, start: String?, horizon: Double
    let knobs: [KnobView]
    let sides: [SideView]
    let defaultSide: String
    let outcomes: [String]
    let rungNames: [String]

    init(_ entry: ScenarioShelf.Entry) {
        let s = entry.loaded.scenario
        name = entry.name
        title = s.title
        summary = s.summary
        start = s.start?.iso
        horizon = s.horizon
        knobs = entry.knobs.map {
            KnobView(id: $0.id, label: $0.label, unit: $0.unit, why: $0.why, value: $0.value, low: $0.low, high: $0.high,
                     calibrated: $0.calibrated)
        }
        let playable = Game.sides(s)
        sides = playable.map { SideView(id: s.actors[$0].id, name: s.actors[$0].name) }
        defaultSide = playable.contains(where: { s.actors[$0].id == "us" }) ? "us" : s.actors[playable[0]].id
        outcomes = s.outcomeNames.indices.map { s.outcomeLabel($0) }
        rungNames = s.rungNames
    }
}

struct ExploreView: Encodable {
    struct OutcomeRow: Encodable {
        let name: String, label: String
        let a: Double?, aLow: Double?, aHigh: Double?
        let b: Double?, bLow: Double?, bHigh: Double?
        let difference: Double?, low: Double?, high: Double?, p: Double?
    }
    struct MetricRow: Encodable {
        let name: String, label: String
        let a: Double?, b: Double?, difference: Double?, low: Double?, high: Double?
    }
    let scenario: String, title: String, start: String?
    let runs: Int, seed: String, seconds: Double
    let settings: [String: Double]
    let outcomes: [OutcomeRow]
    let casualties: [MetricRow]
    let changed: Double
    /// A state-dependent rate went above its `max_rate` in some runs (either arm): thinning cut
    /// it, and those runs undercount the process.
    let rateExceeded: Bool
    /// How far, arm by arm: "As written, attacks reached 1.35 times its max_rate." (empty when
    /// no finite ratio is known).
    let rateReached: String
    let days: Int
    let incidenceA: [[Double]], incidenceB: [[Double]]
    let ladder: [[Double]], rungNames: [String]
    let command: String, compareCommand: String
    let summaryCSV: String, compareCSV: String

    init(entry: ScenarioShelf.Entry, scenarioPath: String, result: Explore.Result, runs: Int, seed: UInt64,
         settings: [(id: String, value: Double)]) {
        let s = entry.loaded.scenario
        let c = result.comparison
        scenario = entry.name
        title = s.title
        start = s.start?.iso
        self.runs = runs
        self.seed = String(seed)
        seconds = result.seconds
        self.settings = Dictionary(settings.map { ($0.id, $0.value) }, uniquingKeysWith: { $1 })
        outcomes = c.outcomes.map { o in
            let k = s.outcomeNames.firstIndex(of: o.name)
            let wa = Interval.wilson(successes: o.pairs.countA, n: o.pairs.n)
            let wb = Interval.wilson(successes: o.pairs.countB, n: o.pairs.n)
            let ci = o.pairs.interval()
            return OutcomeRow(name: o.name, label: k.map { s.outcomeLabel($0) } ?? o.name,
                              a: finite(o.pairs.probabilityA), aLow: finite(wa.low), aHigh: finite(wa.high),
                              b: finite(o.pairs.probabilityB), bLow: finite(wb.low), bHigh: finite(wb.high),
                              difference: finite(o.pairs.difference), low: finite(ci.low), high: finite(ci.high),
                              p: finite(o.pairs.pValue))
        }
        let counters = Set(s.counters.map(\.name))
        casualties = c.metrics.filter { counters.contains($0.name) }.map { m in
            let ci = m.pairs.interval()
            let counter = s.counters.first { $0.name == m.name }!
            let side = s.sides[counter.side]
            return MetricRow(name: m.name, label: "\(side.name) \(counter.kind.rawValue)",
                             a: finite(m.pairs.n > 0 ? m.pairs.a.mean : .nan), b: finite(m.pairs.n > 0 ? m.pairs.b.mean : .nan),
                             difference: finite(m.pairs.difference), low: finite(ci.low), high: finite(ci.high))
        }
        changed = Double(c.changed) / Double(max(1, c.runs))
        rateExceeded = c.rateExceeded
        rateReached = zip(["As written", "With your knobs"], c.rateExcess).compactMap { arm, excess in
            excess.isEmpty ? nil : "\(arm), \(rateExcessText(excess))."
        }.joined(separator: " ")
        days = result.incidence[1].first?.count ?? 0
        incidenceA = result.incidence[0]
        incidenceB = result.incidence[1]
        ladder = result.ladder
        rungNames = s.rungNames
        // Shell-quoted: a path or a setting may hold spaces or shell characters.
        let run = [scenarioPath, "--runs", String(runs), "--seed", String(seed)]
            + settings.flatMap { ["--set", Explore.Knob.setting(id: $0.id, value: $0.value)] }
        command = shellQuoted(["escalation", "batch"] + run + ["--summary", "summary.csv", "--out", "runs.csv"])
        compareCommand = shellQuoted(["escalation", "compare"] + run + ["--out", "differences.csv"])
        summaryCSV = result.summaryCSV
        compareCSV = result.compareCSV
    }
}

struct GameView: Encodable {
    struct StateRow: Encodable { let id: String, value: Double?, minimum: Double?, maximum: Double? }
    struct TurnView: Encodable {
        let day: Double, date: String, action: String, text: String, actor: String, rung: Int
        let state: [StateRow]
        let ledger: String
    }
    struct ChoiceView: Encodable { let id: String, text: String, rung: Int, target: String? }
    struct CounterRow: Encodable { let name: String, label: String, yours: Double, median: Double, percentile: Double }
    struct OutcomeShare: Encodable { let name: String, label: String, share: Double }
    struct ComparisonView: Encodable {
        let runs: Int
        let sameOutcome: Double
        let policyOutcomes: [OutcomeShare]
        let counters: [CounterRow]
        let policyRunOutcome: String, policyRunLedger: String
        let policyRunDay: Double
    }
    let id: String, scenario: String, title: String, side: String, sideName: String, seed: String
    let room: String?
    let moves: Int
    let finished: Bool
    let turn: TurnView?
    let choices: [ChoiceView]
    let story: String
    let outcome: String?, outcomeLabel: String?, outcomeDate: String?, ledger: String?
    let comparison: ComparisonView?
    let record: GameRecord
    let command: String

    init(id: String, room: String?, entry: ScenarioShelf.Entry, scenarioPath: String, game: Game, played: PlayedRun,
         distribution: PolicyDistribution?) {
        let s = game.loaded.scenario
        self.id = id
        self.room = room
        scenario = entry.name
        title = s.title
        side = s.actors[game.side].id
        sideName = s.actors[game.side].name
        seed = String(game.record.seed)
        moves = played.turns.count
        finished = played.result != nil
        turn = played.waiting.map { t in
            let a = s.actions[t.action]
            return TurnView(day: t.time, date: s.when(t.time), action: a.id, text: a.narrative, actor: s.actors[a.actor].name,
                            rung: a.rung,
                            state: s.stateVariables.indices.map {
                                StateRow(id: s.stateVariables[$0].id, value: finite(t.state[$0]),
                                         minimum: finite(s.stateVariables[$0].minimum), maximum: finite(s.stateVariables[$0].maximum))
                            },
                            ledger: s.ledgerText(t.ledger))
        }
        choices = played.waiting == nil ? [] : Game.choices(s, side: game.side).map {
            ChoiceView(id: $0.id, text: $0.text, rung: $0.rung, target: $0.target.map { s.actors[$0].name })
        }
        story = GameStory(game: game).render(played)
        if let result = played.result {
            outcome = s.outcomeNames[result.outcome]
            outcomeLabel = s.outcomeLabel(result.outcome)
            outcomeDate = s.when(result.outcomeDay)
            ledger = s.ledgerText(result.ledger)
        } else {
            (outcome, outcomeLabel, outcomeDate, ledger) = (nil, nil, nil, nil)
        }
        if let result = played.result, let d = distribution {
            let policy = Simulator(scenario: s).run(seed: game.record.seed)
            comparison = ComparisonView(
                runs: d.runs, sameOutcome: d.share(ofOutcome: result.outcome),
                policyOutcomes: s.outcomeNames.indices.filter { d.outcomeCounts[$0] > 0 }.map {
                    OutcomeShare(name: s.outcomeNames[$0], label: s.outcomeLabel($0), share: d.share(ofOutcome: $0))
                },
                counters: s.counters.indices.map { c in
                    CounterRow(name: s.counters[c].name,
                               label: "\(s.sides[s.counters[c].side].name) \(s.counters[c].kind.rawValue)",
                               yours: result.ledger[c], median: d.median(counter: c),
                               percentile: d.percentile(counter: c, value: result.ledger[c]))
                },
                policyRunOutcome: s.outcomeLabel(policy.outcome), policyRunLedger: s.ledgerText(policy.ledger),
                policyRunDay: policy.outcomeDay)
        } else {
            comparison = nil
        }
        record = game.record
        command = shellQuoted(["escalation", "run", scenarioPath, "--moves", "game-\(id).json"])
    }
}
