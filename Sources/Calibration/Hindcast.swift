import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// An out-of-sample test of a documented scenario: start the episode on its start day, inject
/// nothing after it, take the parameters from a calibration on records that end before that
/// day (or from the priors, when there are none), and score the documented outcomes after it,
/// against a baseline with no reciprocity.
///
/// The baseline keeps everything but the answers: no policies, no triggers, and each action
/// instead happens as a Poisson process at the rate the model itself gives it over the scored
/// window (its mean count in the model's runs, less what is injected at the start, over the
/// window's days). It therefore matches the model's mean activity; only who answers whom, and
/// when, differs.
///
/// Scores: for each documented value, the probability each forecast gives the documented range
/// (from its runs, (k + ½)/(n + 1)) and its log, a proper scoring rule; the documented value's
/// mid-rank percentile; and, for exact values, the continuous ranked probability score.
public enum Hindcast {
    public struct Settings: Sendable {
        public var runs: Int
        public var seed: UInt64
        public var particles: Int
        public var simulations: Int
        public var threads: Int
        /// Prior draws for a hindcast with nothing before its start to calibrate on.
        public var priorDraws = 4000

        public init(runs: Int, seed: UInt64, particles: Int, simulations: Int, threads: Int) {
            self.runs = runs
            self.seed = seed
            self.particles = particles
            self.simulations = simulations
            self.threads = threads
        }
    }

    public struct Score: Sendable {
        /// Probability of the documented range.
        public let probability: Double
        /// Runs whose value fell in the documented range.
        public let matches: Int
        public var logScore: Double { log(probability) }
        /// Mid-rank percentile of the documented figure among the runs.
        public let percentile: Double
        /// For an exact documented value.
        public let crps: Double?
        public let median: Double
    }

    public struct Row: Sendable {
        public let id: String
        public let label: String
        public let documented: ClosedRange<Double>
        public let model: Score
        public let baseline: Score
        /// Which forecast gave the record the higher probability (nil: equal).
        public var modelWins: Bool? {
            model.logScore == baseline.logScore ? nil : model.logScore > baseline.logScore
        }
        /// Neither forecast had a single run that matched the record: both miss it.
        public var bothMiss: Bool { model.matches == 0 && baseline.matches == 0 }
    }

    public struct Result: Sendable {
        public let title: String
        public let start: CivilDate?
        /// The scenarios calibrated on; empty for a prior predictive hindcast.
        public let calibratedOn: [String]
        public let calibration: SequentialABC.Result?
        public let calibrationProblem: CalibrationProblem?
        public let droppedInjections: [String]
        public let keptChanges: [String]
        /// Numbers derived from record rows dated after the start, which the hindcast therefore
        /// has seen: "us_answer_delay (2020-03-12-depot-strikes)".
        public let derivedFromLater: [String]
        public let baselineRates: [(action: String, perDay: Double)]
        public let rows: [Row]
        public let runs: Int
        /// Of the model's `runs`, those in which a state-dependent rate went above its `max_rate`
        /// (thinning then undercounts its events). The baseline's rates are constant.
        public let rateExceededRuns: Int
        /// By process id, the highest rate ÷ `max_rate` those runs reached above 1.
        public var rateExcess: [String: Double] = [:]
        public var modelLogScore: Double { rows.reduce(0) { $0 + $1.model.logScore } }
        public var baselineLogScore: Double { rows.reduce(0) { $0 + $1.baseline.logScore } }
        public var modelWins: Int { rows.filter { $0.modelWins == true }.count }
        public var baselineWins: Int { rows.filter { $0.modelWins == false }.count }
        public var bothMiss: Int { rows.filter(\.bothMiss).count }
    }

    public static func run(_ loaded: LoadedScenario, calibrateOn: [LoadedScenario], settings: Settings,
                           progress: ((String) -> Void)? = nil) throws -> Result {
        let original = loaded.scenario
        let scoredIDs = loaded.hindcast?.score
        let scored = original.observations.indices.filter { k in
            let o = original.observations[k]
            return o.documentedRange != nil && (scoredIDs?.contains(o.id) ?? (o.day > 0))
        }
        guard !scored.isEmpty else {
            throw CalibrationError("\(loaded.path) has no documented observations after its start to score; list them under hindcast: score:")
        }
        // What was fitted must end before the start.
        if let start = original.start {
            for other in calibrateOn {
                guard let otherStart = other.scenario.start else {
                    throw CalibrationError("\(other.path) has no start: date, so nothing shows that its record ends before "
                                           + "\(loaded.path) starts (\(start.iso)); give it one")
                }
                for o in other.scenario.observations where o.documentedRange != nil {
                    let day = otherStart.adding(days: Int(o.day.rounded(.up)))
                    if day > start {
                        throw CalibrationError("\(other.path): observation \(o.id) is read on \(day.iso), not before \(loaded.path) starts "
                                               + "(\(start.iso)); a hindcast calibrates only on what came before")
                    }
                }
            }
        }

        // Nothing is injected after the start day.
        var dropped: [String] = [], kept: [String] = []
        var interventions: [Intervention] = []
        for i in original.interventions {
            if i.day <= 0 || i.injections.isEmpty {
                interventions.append(i)
                if i.day > 0 { kept.append("\(original.when(i.day)): \(i.note ?? i.id)") }
                continue
            }
            dropped += i.injections.map { "\(original.when(i.day)): \(original.actions[$0.action].id) (\(i.id))" }
            let rest = Intervention(id: i.id, day: i.day, note: i.note, effects: i.effects, policySwitches: i.policySwitches,
                                    startProcesses: i.startProcesses, stopProcesses: i.stopProcesses)
            if !(rest.effects.isEmpty && rest.policySwitches.isEmpty && rest.startProcesses.isEmpty && rest.stopProcesses.isEmpty) {
                interventions.append(rest)
                kept.append("\(original.when(i.day)): \(i.note ?? i.id) (its injected action dropped)")
            }
        }

        // Parameters: a calibration on the earlier records, or the priors.
        let names = original.parameters.names
        let priors = names.map { name in loaded.parameters.first { $0.id == name }!.prior! }
        var calibration: SequentialABC.Result?
        var problem: CalibrationProblem?
        let posterior: Posterior?
        if names.isEmpty {
            posterior = nil
        } else if let first = calibrateOn.first {
            let p = try CalibrationProblem(first, with: Array(calibrateOn.dropFirst()))
            let declared = first.calibration ?? CalibrationSettings()
            let fit = try SequentialABC.run(p, settings: SequentialABC.Settings(
                particles: settings.particles > 0 ? settings.particles : declared.particles, seed: settings.seed,
                simulations: settings.simulations > 0 ? settings.simulations : declared.simulations, threads: settings.threads),
                progress: progress)
            calibration = fit
            problem = p
            let stream = RandomStream(seed: SplitMix64.mix(settings.seed ^ 0x1234_5678_9ABC_DEF1))
            var values: [Double] = []
            for d in 0..<fit.posterior.count {
                for (k, name) in names.enumerated() {
                    values.append(p.names.firstIndex(of: name).map { fit.posterior.value(draw: d, parameter: $0) } ?? priors[k].sample(stream))
                }
            }
            posterior = Posterior(names: names, values: values, weights: fit.posterior.weights)
        } else {
            let stream = RandomStream(seed: SplitMix64.mix(settings.seed ^ 0x0FED_CBA9_8765_4321))
            var values: [Double] = []
            for _ in 0..<settings.priorDraws { for prior in priors { values.append(prior.sample(stream)) } }
            posterior = Posterior(names: names, values: values,
                                  weights: [Double](repeating: 1, count: settings.priorDraws))
        }
        let slots = ParameterSlots(names: names, pointValues: original.parameters.pointValues, posterior: posterior)
        let model = original.with(interventions: interventions, parameters: slots)
        let stopDay = scored.map { original.observations[$0].day }.max()!
        progress?("simulating \(settings.runs) runs of the model")
        let (modelRuns, rateExceededRuns, rateExcess) = simulate(model, runs: settings.runs, seed: settings.seed, stopDay: stopDay,
                                                     threads: settings.threads)

        // The baseline: each action at the model's mean rate, nobody answering anybody.
        let layout = RecordLayout(model)
        var injectedAtStart = [Double](repeating: 0, count: model.actions.count)
        for i in interventions where i.day <= 0 { for j in i.injections { injectedAtStart[j.action] += 1 } }
        var rates: [(action: String, perDay: Double)] = []
        var processes: [EscalationModel.Process] = []
        for (a, action) in model.actions.enumerated() {
            let mean = modelRuns.reduce(0) { $0 + $1[layout.countsStart + a] } / Double(modelRuns.count)
            let rate = max(0, mean - injectedAtStart[a]) / max(stopDay, 1)
            guard rate > 0 else { continue }
            rates.append((action.id, rate))
            processes.append(EscalationModel.Process(id: "baseline_" + action.id, action: a, rate: .constant(.constant(rate))))
        }
        let baseline = model.with(
            actions: model.actions.map { a in
                Action(id: a.id, actor: a.actor, target: a.target, rung: a.rung, narrative: a.narrative, casualties: a.casualties,
                       interception: a.interception, effects: a.effects, triggers: [])
            },
            processes: processes,
            policies: model.policies.map { Policy(id: $0.id, actor: $0.actor, rules: []) },
            interventions: interventions.map {
                Intervention(id: $0.id, day: $0.day, note: $0.note, effects: $0.effects, policySwitches: $0.policySwitches,
                             injections: $0.injections)
            })
        progress?("simulating \(settings.runs) runs of the no-reciprocity baseline")
        let baselineRuns = simulate(baseline, runs: settings.runs, seed: settings.seed, stopDay: stopDay,
                                    threads: settings.threads).records

        let rows = scored.map { k -> Row in
            let o = original.observations[k]
            let range = o.documentedRange!
            func score(_ runs: [[Double]]) -> Score {
                let values = runs.map { $0[layout.observationsStart + k] }.sorted()
                let inside = values.filter { range.contains($0) }.count
                let p = (Double(inside) + 0.5) / (Double(values.count) + 1)
                let figure = range.lowerBound
                let below = values.filter { $0 < figure }.count, equal = values.filter { $0 == figure }.count
                let percentile = 100 * (Double(below) + 0.5 * Double(equal)) / Double(values.count)
                return Score(probability: p, matches: inside, percentile: percentile,
                             crps: range.lowerBound == range.upperBound ? crps(values, figure) : nil,
                             median: values[values.count / 2])
            }
            return Row(id: o.id, label: o.label, documented: range, model: score(modelRuns), baseline: score(baselineRuns))
        }
        // Numbers derived from rows dated after the start, in this scenario or in those it was
        // calibrated on: the hindcast has seen them, and says so.
        var later: [String] = []
        if let start = original.start {
            for scenario in [loaded] + calibrateOn {
                guard let catalog = scenario.catalog else { continue }
                let prefix = scenario.path == loaded.path ? "" : "\((scenario.path as NSString).lastPathComponent): "
                for p in scenario.parameters {
                    guard case .derived(_, _, let references) = p.origin else { continue }
                    let ids = references.map { String($0.dropFirst().prefix { $0 != "." }) }
                    let after = Set(ids.filter { id in catalog.incident(id).map { $0.end > start } ?? false }).sorted()
                    let entry = prefix + "\(p.id) (\(after.joined(separator: ", ")))"
                    if !after.isEmpty && !later.contains(entry) { later.append(entry) }
                }
            }
        }
        return Result(title: original.title, start: original.start, calibratedOn: calibrateOn.map(\.path), calibration: calibration,
                      calibrationProblem: problem, droppedInjections: dropped, keptChanges: kept, derivedFromLater: later,
                      baselineRates: rates, rows: rows, runs: settings.runs, rateExceededRuns: rateExceededRuns,
                      rateExcess: model.rateExcessByProcess(rateExcess))
    }

    /// The sample CRPS of sorted finite-or-infinite values against y: E|X − y| − ½ E|X − X′|,
    /// with the pairwise term from the order statistics. Infinite values (the thing never
    /// happened) count at a day past the largest finite one.
    public static func crps(_ sorted: [Double], _ y: Double) -> Double {
        let cap = (sorted.last { $0.isFinite } ?? y) + 1
        let xs = sorted.map { $0.isFinite ? $0 : max(cap, y + 1) }
        let n = Double(xs.count)
        let first = xs.reduce(0) { $0 + abs($1 - y) } / n
        var pairs = 0.0
        for (i, x) in xs.enumerated() { pairs += (2 * Double(i) - n + 1) * x }
        return first - pairs / (n * n)
    }

    /// Records of `runs` replications, in replication order, on `threads` threads; how many of
    /// the runs had a state-dependent rate above its `max_rate`, and per process the highest rate
    /// ÷ `max_rate` reached (see `RunResult.rateExcess`).
    static func simulate(_ scenario: Scenario, runs: Int, seed: UInt64, stopDay: Double,
                         threads: Int) -> (records: [[Double]], rateExceeded: Int, rateExcess: [Double]) {
        let width = RecordLayout(scenario).width
        let chunk = 500
        let chunks = (runs + chunk - 1) / chunk
        var out = [[Double]](repeating: [], count: runs)
        // Per run: empty, or (where a rate went above its maximum) one ratio per process.
        var exceeded = [[Double]](repeating: [], count: runs)
        out.withUnsafeMutableBufferPointer { buffer in
            exceeded.withUnsafeMutableBufferPointer { flags in
                let slots = SharedSlots(buffer), exceededSlots = SharedSlots(flags)
                let next = SharedCounter()
                DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
                    let simulator = Simulator(scenario: scenario)
                    simulator.stopDay = stopDay
                    var record = [Double](repeating: 0, count: width)
                    while let c = next.take(below: chunks) {
                        for r in (c * chunk)..<min(runs, (c + 1) * chunk) {
                            let run = record.withUnsafeMutableBufferPointer {
                                simulator.run(seed: StreamSeed.replication(master: seed, index: UInt64(r)), into: $0)
                            }
                            slots[r] = record
                            if run.rateExceeded {
                                var excess: [Double] = []
                                simulator.mergeRateExcess(into: &excess)
                                exceededSlots[r] = excess
                            }
                        }
                    }
                }
            }
        }
        return (out, exceeded.filter { !$0.isEmpty }.count, exceeded.reduce([], higherRateExcess))
    }
}

extension Scenario {
    /// "12 Mar 2020", or "day 3" for a scenario without a start date.
    func when(_ day: Double) -> String {
        date(ofDay: day).map(\.long) ?? "day \(Int(day))"
    }
}
