import EscalationModel
import Foundation
import TestSupport
import Testing

/// Statistics of the model against exact answers, over thousands of replications, with
/// tolerances from the sample size (see `Tolerance`).
struct AnalyticTests {
    static let runs = 4000

    @Test func poissonProcessCountHasMeanAndVarianceRateTimesHorizon() throws {
        let s = try scenario("""
            horizon: 365
            actors: {militia: {name: Militia}, us: {name: US}}
            actions: {attack: {actor: militia, target: us, rung: 4}}
            processes: {attacks: {action: attack, rate: 0.2}}
            """)
        let counts = s.replicate(Self.runs).map { Double($0.actions) }
        let lambda = 0.2 * 365
        let summary = Summary(counts)
        #expect(summary.meanMatches(lambda, sd: lambda.squareRoot()), "mean \(summary.mean)")
        #expect(abs(summary.variance - lambda)
                <= Tolerance.variance(variance: lambda, fourthMoment: lambda * (1 + 3 * lambda), n: Self.runs),
                "variance \(summary.variance)")
    }

    /// One initiation; the US answers each militia action with probability p, the militia each
    /// US action with probability q, after short delays: the chain length L has
    /// P(L > j) = product of the first j answer probabilities, so E[L] = (1 + p) / (1 − pq).
    @Test(arguments: [(0.6, 0.5), (0.9, 0.8), (0.3, 1.0)])
    func answerChainHasTheBranchingProcessMean(p: Double, q: Double) throws {
        let s = try scenario(answerChainYAML(p: p, q: q))
        let lengths = s.replicate(Self.runs).map { Double($0.actions) }
        var survival = 1.0, mean = 0.0, second = 0.0
        for j in 0..<10_000 {
            mean += survival
            second += Double(2 * j + 1) * survival
            survival *= j % 2 == 0 ? p : q
            if survival < 1e-15 { break }
        }
        #expect(abs(mean - (1 + p) / (1 - p * q)) < 1e-9)
        let summary = Summary(lengths)
        #expect(summary.meanMatches(mean, sd: (second - mean * mean).squareRoot()), "mean \(summary.mean), exact \(mean)")
    }

    /// Generous tit-for-tat answers a hit with probability p·(1 − g).
    @Test func generousTitForTatAnswersWithProbabilityPTimesOneMinusG() throws {
        let (p, g) = (0.8, 0.35)
        let s = try scenario("""
            horizon: 200
            actors: {militia: {name: Militia}, us: {name: US}}
            actions:
              attack: {actor: militia, target: us, rung: 4}
              answer: {actor: us, target: militia, rung: 4}
            processes: {attacks: {action: attack, rate: 0.5}}
            policies:
              us: {actor: us, rules: [{strategy: generous_tit_for_tat, forgive: \(g), probability: \(p), delay: 0}]}
            """)
        let results = s.replicate(1000)
        let attacks = results.reduce(0) { $0 + s.count("attack", in: $1) }
        let answers = results.reduce(0) { $0 + s.count("answer", in: $1) }
        let expected = p * (1 - g)
        let share = Double(answers) / Double(attacks)
        #expect(abs(share - expected) <= Tolerance.proportion(expected, n: attacks), "share \(share) of \(attacks)")
    }

    @Test func halfLifeRelaxationHasTheExactValueAtAKnownTime() throws {
        let s = try scenario("""
            horizon: 40
            actors: {a: {name: A}, b: {name: B}}
            actions: {poke: {actor: a, target: b, rung: 0}}
            state: {tension: {initial: 0, min: 0, max: 1, baseline: 0.1, half_life: 5}}
            interventions:
              rise: {at: 10, set: {tension: 0.9}}
              look: {at: 20, inject: poke}
            """)
        let (result, trace) = Simulator(scenario: s).runTraced(seed: 1)
        let poke = trace.entries.first { if case .action = $0.kind { true } else { false } }!
        // Two half-lives after being set to 0.9: 0.1 + 0.8 / 4.
        #expect(poke.time == 20)
        #expect(abs(poke.state[0] - 0.3) < 1e-12)
        // At the horizon, 30 days (six half-lives) after day 10.
        #expect(abs(result.finalState[0] - (0.1 + 0.8 / 64)) < 1e-12)
    }

    /// A rate above its `max_rate` is flagged with how far above it went: the highest rate ÷
    /// `max_rate` among the candidates. Here the rate 2 − day / 100 is above its maximum of 1 all
    /// run long, so every candidate is kept (an attack, in the trace), and the highest ratio is
    /// the rate at the first attack, not at the last; a second process within its maximum stays
    /// at 0.
    @Test func aRateAboveItsMaximumSaysHowFarItWent() throws {
        let s = try scenario("""
            horizon: 100
            actors: {militia: {name: Militia}, us: {name: US}}
            actions: {attack: {actor: militia, target: us, rung: 4}, probe: {actor: militia, target: us, rung: 1}}
            processes:
              attacks: {action: attack, rate: 2 - day / 100, max_rate: 1}
              probes: {action: probe, rate: 0.1 * (1 + day / 100), max_rate: 1}
            """)
        let simulator = Simulator(scenario: s)
        for k in 0..<300 {
            let (result, trace) = simulator.runTraced(seed: replicationSeed(master: 1, index: k))
            try #require(result.rateExcess.count == 2)
            #expect(result.rateExcess[1] == 0)
            let attacks = trace.entries.filter { entry in
                if case .action(_, let a, _, _, _, _) = entry.kind { s.actions[a].id == "attack" } else { false }
            }
            // A candidate comes in 100 days at rate 1 for all but e^−100 of runs.
            try #require(!attacks.isEmpty)
            #expect(result.rateExceeded)
            #expect(abs(result.rateExcess[0] - (2 - attacks[0].time / 100)) < 1e-12,
                    "run \(k): \(result.rateExcess[0]) against a first attack on day \(attacks[0].time)")
        }
    }

    /// A rate that grows with time, simulated by thinning: the count is Poisson with mean equal
    /// to the integrated rate, here ∫₀¹⁰⁰ (0.2 + 0.003 t) dt = 35.
    @Test func thinningOfATimeDependentRateIntegratesToTheRightCount() throws {
        let s = try scenario("""
            horizon: 100
            actors: {militia: {name: Militia}, us: {name: US}}
            actions: {attack: {actor: militia, target: us, rung: 4}}
            processes: {attacks: {action: attack, rate: 0.2 + 0.3 * day / 100, max_rate: 0.5}}
            """)
        let results = s.replicate(Self.runs)
        #expect(!results.contains { $0.rateExceeded })
        let summary = Summary(results.map { Double($0.actions) })
        #expect(summary.meanMatches(35, sd: 35.0.squareRoot()), "mean \(summary.mean)")
        #expect(abs(summary.variance - 35) <= Tolerance.variance(variance: 35, fourthMoment: 35 * (1 + 3 * 35), n: Self.runs))
    }

    /// A state-dependent rate read from a relaxing state variable: 2·x(t) with
    /// x(t) = 2^(−t/20), integrating over 60 days to 2 · 20 / ln 2 · (1 − 2⁻³).
    @Test func thinningOfAStateDependentRateIntegratesToTheRightCount() throws {
        let s = try scenario("""
            horizon: 60
            actors: {militia: {name: Militia}, us: {name: US}}
            state: {alarm: {initial: 1, baseline: 0, half_life: 20}}
            actions: {attack: {actor: militia, target: us, rung: 4}}
            processes: {attacks: {action: attack, rate: 2 * alarm, max_rate: 2}}
            """)
        let expected = 2 * 20 / log(2) * (1 - 0.125)
        let summary = Summary(s.replicate(Self.runs).map { Double($0.actions) })
        #expect(summary.meanMatches(expected, sd: expected.squareRoot()), "mean \(summary.mean), exact \(expected)")
    }

    @Test func piecewiseRatesAreSimulatedExactlyAcrossSteps() throws {
        let s = try scenario("""
            horizon: 100
            actors: {militia: {name: Militia}, us: {name: US}}
            actions: {attack: {actor: militia, target: us, rung: 4}}
            processes:
              attacks: {action: attack, rate: {piecewise: [{from: 0, rate: 0.1}, {from: 50, rate: 0.5}, {from: 90, rate: 0}]}}
            """)
        let expected = 0.1 * 50 + 0.5 * 40
        let summary = Summary(s.replicate(Self.runs).map { Double($0.actions) })
        #expect(summary.meanMatches(expected, sd: expected.squareRoot()), "mean \(summary.mean)")
    }

    /// The benchmark toy model: attacks 0.2/day for 365 days, answers with probability 0.6 after
    /// Gamma(2, 1.5) days, counters with probability 0.5 after Exp(mean 2) days. Answers and
    /// counters that would fall after the horizon are lost, so their means are the products
    /// 73 × 0.6 and × 0.5 less a horizon effect of about (rate × probability × mean delay).
    @Test func toyModelCountsMatchTheirAnalyticValues() throws {
        let s = try ScenarioLoader.loadFile(repositoryPath("Scenarios/bench/toy.yaml"))
        let results = s.replicate(Self.runs)
        let attacks = Summary(results.map { Double(s.count("attack", in: $0)) })
        let answers = Summary(results.map { Double(s.count("answer", in: $0)) })
        let counters = Summary(results.map { Double(s.count("counter", in: $0)) })
        // Attacks: exactly Poisson(73).
        #expect(attacks.meanMatches(73, sd: 73.0.squareRoot()))
        // Answers: thinned Poisson whose last 3 days (the mean delay) are partly lost:
        // 0.2 · 0.6 · ∫₀³⁶⁵ P(delay ≤ 365 − t) dt = 0.12 · (365 − E[delay]) = 0.12 · 362 = 43.44.
        #expect(answers.meanMatches(0.12 * (365 - 3), sd: (0.12 * 362).squareRoot()), "answers \(answers.mean)")
        // Counters: 0.06 per day, lost when delay + counter delay exceeds what is left: 0.06 · (365 − 3 − 2).
        #expect(counters.meanMatches(0.06 * (365 - 5), sd: (0.06 * 360).squareRoot()), "counters \(counters.mean)")
    }
}

import ScenarioIO

extension ScenarioLoader {
    static func loadFile(_ path: String) throws -> Scenario { try load(path: path).scenario }
}
