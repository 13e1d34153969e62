import Calibration
import EscalationModel
import Foundation
import ScenarioIO
import Stochastics
import TestSupport
import Testing

/// `escalation calibrate` (ABC with sequential Monte Carlo), simulation-based calibration and
/// hindcasts, on small scenarios whose answers are known.
struct SimulationBasedInferenceTests {
    /// Attacks at a calibrated rate over `days`; every attack is answered with a calibrated
    /// probability, at once. The record: `attacks` attacks and `answers` answers.
    static func chain(days: Int, attacks: Int, answers: Int, extra: String = "", policy: String = "") -> String {
        """
        title: answer chain
        horizon: \(days)
        parameters:
          attack_rate: {label: attacks a day, prior: {log_uniform: [0.02, 0.5]}}
          answer_p: {label: share of attacks answered, prior: {beta: [1, 1]}}
        \(extra)
        actors: {militia: {name: Militia}, us: {name: United States}}
        actions:
          attack: {actor: militia, target: us, rung: 4}
          answer: {actor: us, target: militia, rung: 5}
          reprisal: {actor: militia, target: us, rung: 4}
        processes: {attacks: {action: attack, rate: attack_rate}}
        policies:
          us: {actor: us, rules: [{hit_by: attack, strategy: fixed, action: answer, probability: answer_p, delay: 0}]}
        \(policy)
        observations:
          attacks: {at: \(days), value: count(attack), documented: \(attacks)}
          answers: {at: \(days), value: count(answer), documented: \(answers)}
        """
    }

    static func problem(_ text: String) throws -> CalibrationProblem {
        try CalibrationProblem(ScenarioLoader.loaded(text: text, file: "chain.yaml"))
    }

    /// Weighted mean and variance of one parameter of a posterior sample, and its effective size.
    static func moments(_ p: Posterior, _ k: Int) -> (mean: Double, variance: Double, ess: Int) {
        let mean = (0..<p.count).reduce(0) { $0 + p.weights[$1] * p.value(draw: $1, parameter: k) }
        let variance = (0..<p.count).reduce(0) { $0 + p.weights[$1] * pow(p.value(draw: $1, parameter: k) - mean, 2) }
        let ess = 1 / p.weights.reduce(0) { $0 + $1 * $1 }
        return (mean, variance, Int(ess))
    }

    /// With tolerance 0, ABC draws from the exact posterior. Here it is known: 6 answers of 10
    /// attacks under a uniform prior give Beta(7, 5); 10 attacks in 100 days under a log-uniform
    /// prior give Gamma(shape 10, rate 100) (truncated to [0.02, 0.5], which removes less than
    /// 1e-4 of it).
    @Test func abcRecoversTheExactPosteriorOfAConjugateModel() throws {
        let result = try SequentialABC.run(Self.problem(Self.chain(days: 100, attacks: 10, answers: 6)),
                                           settings: .init(particles: 600, seed: 3, simulations: 2_000_000, threads: 2))
        #expect(result.converged && result.finalTolerance == 0, "\(result.problems)")
        let answer = Self.moments(result.posterior, 1)
        let betaVariance = 7.0 * 5 / (144 * 13)
        #expect(abs(answer.mean - 7.0 / 12) <= Tolerance.mean(sd: betaVariance.squareRoot(), n: answer.ess))
        // The fourth moment of a normal bounds the Beta's (whose kurtosis is below 3).
        #expect(abs(answer.variance - betaVariance)
                <= Tolerance.variance(variance: betaVariance, fourthMoment: 3 * betaVariance * betaVariance, n: answer.ess))
        let rate = Self.moments(result.posterior, 0)
        let gammaVariance = 10.0 / (100 * 100)
        #expect(abs(rate.mean - 0.1) <= Tolerance.mean(sd: gammaVariance.squareRoot(), n: rate.ess))
        // A gamma's fourth central moment: 3σ⁴(1 + 2/shape).
        #expect(abs(rate.variance - gammaVariance)
                <= Tolerance.variance(variance: gammaVariance, fourthMoment: 3 * gammaVariance * gammaVariance * 1.2, n: rate.ess))
        #expect(result.identified)
    }

    @Test func theSameSeedGivesTheSameDrawsOnOneAndThreeThreads() throws {
        let problem = try Self.problem(Self.chain(days: 60, attacks: 5, answers: 3))
        let one = try SequentialABC.run(problem, settings: .init(particles: 150, seed: 11, simulations: 1_000_000, threads: 1))
        let three = try SequentialABC.run(problem, settings: .init(particles: 150, seed: 11, simulations: 1_000_000, threads: 3))
        #expect(one.posterior == three.posterior)
        #expect(PosteriorFile.text(one.posterior) == PosteriorFile.text(three.posterior))
        let other = try SequentialABC.run(problem, settings: .init(particles: 150, seed: 12, simulations: 1_000_000, threads: 1))
        #expect(other.posterior != one.posterior)
        // Where the budget runs out does not depend on the threads either.
        for budget in [2500, 4000, 6000] {
            let a = try SequentialABC.run(problem, settings: .init(particles: 150, seed: 11, simulations: budget, threads: 1))
            let b = try SequentialABC.run(problem, settings: .init(particles: 150, seed: 11, simulations: budget, threads: 3))
            #expect(a.posterior == b.posterior && a.simulations == b.simulations && a.converged == b.converged
                    && a.generations.count == b.generations.count, "budget \(budget)")
        }
    }

    /// A parameter nothing documented depends on keeps its prior, and is said to be unidentified.
    @Test func aParameterTheRecordCannotSeeIsNotIdentified() throws {
        let text = Self.chain(days: 60, attacks: 5, answers: 3,
                              extra: "  reprisal_p: {label: chance of a reprisal, prior: {beta: [2, 2]}}",
                              policy: "  militia: {actor: militia, rules: [{hit_by: answer, strategy: fixed, action: reprisal, probability: reprisal_p, delay: 1}]}")
        let result = try SequentialABC.run(Self.problem(text), settings: .init(particles: 300, seed: 5, simulations: 2_000_000, threads: 2))
        let byName = Dictionary(uniqueKeysWithValues: result.parameters.map { ($0.name, $0) })
        #expect(byName["reprisal_p"]!.identified == false)
        #expect(byName["reprisal_p"]!.contraction < 0.1)
        #expect(byName["answer_p"]!.identified && byName["attack_rate"]!.identified)
        #expect(!result.identified)
    }

    @Test func aBudgetTooSmallIsReportedNotHidden() throws {
        let result = try SequentialABC.run(Self.problem(Self.chain(days: 100, attacks: 10, answers: 6)),
                                           settings: .init(particles: 200, seed: 1, simulations: 3000, threads: 1))
        #expect(!result.converged)
        #expect(result.problems.first?.hasPrefix("the simulation budget (3000) ran out") == true)
    }

    /// The small version of `make sbc`: 100 parameter sets from the prior, each simulated into a
    /// synthetic record and calibrated; the truth's ranks must be uniform and the 90% intervals
    /// must cover it as often as Binomial(100, 0.9) allows.
    @Test func simulationBasedCalibrationFindsUniformRanksAndNominalCoverage() throws {
        let result = try SimulationBasedCalibration.run(Self.problem(Self.chain(days: 40, attacks: 4, answers: 2)),
                                                        settings: .init(sets: 100, particles: 100, seed: 1, simulations: 5_000_000, threads: 2))
        #expect(result.unconverged == 0)
        for check in result.checks {
            #expect(check.ranksUniform, "\(check.name): ranks \(check.counts), p = \(check.pValue)")
            #expect(check.coverageOK, "\(check.name): \(check.covered) of 100 covered")
        }
        #expect(result.passed)
    }

    /// The checks themselves can fail: ranks piled at one end (an overconfident, biased
    /// posterior) and too few covered intervals are caught at these sample sizes.
    @Test func theSimulationBasedCalibrationChecksCatchAMiscalibratedPosterior() {
        let uniform = (0..<100).map { [(Double($0) + 0.5) / 100] }
        let skewed = (0..<100).map { [pow((Double($0) + 0.5) / 100, 2)] }
        let allCovered = [[Bool]](repeating: [true], count: 100)
        let fewCovered = (0..<100).map { [$0 < 75] }
        let good = SimulationBasedCalibration.checks(names: ["x"], ranks: uniform, covered: (0..<100).map { [$0 < 90] }, bins: 10, alpha: 0.01)[0]
        #expect(good.ranksUniform && good.coverageOK && good.chiSquare == 0)
        let bad = SimulationBasedCalibration.checks(names: ["x"], ranks: skewed, covered: fewCovered, bins: 10, alpha: 0.01)[0]
        #expect(!bad.ranksUniform && !bad.coverageOK)
        // Intervals that always cover are too wide: also a failure.
        #expect(!SimulationBasedCalibration.checks(names: ["x"], ranks: uniform, covered: allCovered, bins: 10, alpha: 0.01)[0].coverageOK)
        // The coverage range is the central 99% of Binomial(100, 0.9).
        #expect(SimulationBasedCalibration.coverageRange(sets: 100, probability: 0.9, alpha: 0.01) == 82...97)
    }

    /// The synthetic reading is a partition of the whole numbers: every value lies in its own
    /// cell, two values share a cell or their cells are disjoint, the documented range is one
    /// cell, and far values fall in wider cells (so a fit need not hit forty on the dot).
    @Test func theSyntheticReadingPartitionsTheValues() {
        let documented: [ClosedRange<Double>] = [5...6, 0...0, 7...Double.infinity, 3...3, -2...4]
        for range in documented {
            let values = (-100...200).map(Double.init)
            let cells = values.map { SimulationBasedCalibration.synthetic($0, readAs: range) }
            for (v, cell) in zip(values, cells) {
                #expect(cell.contains(v), "\(v) not in its cell \(cell) for \(range)")
                if range.lowerBound < range.upperBound, range.contains(v) { #expect(cell == range) }
            }
            for i in values.indices {
                for j in values.indices where j > i && cells[i] != cells[j] {
                    #expect(!cells[i].overlaps(cells[j]), "\(cells[i]) and \(cells[j]) overlap for \(range)")
                }
            }
        }
        // Exact within 4 of the range, then cells that double in width.
        #expect(SimulationBasedCalibration.synthetic(10, readAs: 5...6) == 10...10)
        #expect(SimulationBasedCalibration.synthetic(11, readAs: 5...6) == 11...14)
        #expect(SimulationBasedCalibration.synthetic(40, readAs: 5...6) == 39...70)
        #expect(SimulationBasedCalibration.synthetic(3, readAs: 7...Double.infinity) == 3...3)
        #expect(SimulationBasedCalibration.synthetic(2, readAs: 7...Double.infinity) == -1...2)
        #expect(SimulationBasedCalibration.synthetic(-30, readAs: 0...0) == -32...(-17))
        #expect(SimulationBasedCalibration.synthetic(2.5, readAs: 0...0) == 2.5...2.5)
    }

    // MARK: Hindcasts

    /// Every attack answered at once: the number of answers less the number of attacks is 0 in
    /// every run of the model, while a baseline with the same mean rates and no answering rarely
    /// gets it right. An attack injected after the start is dropped.
    static let reciprocal = """
        title: answered at once
        horizon: 60
        parameters:
          attack_rate: {label: attacks a day, value: 0.2, assumption: [0.1, 0.3], why: a test}
        actors: {militia: {name: Militia}, us: {name: United States}}
        actions:
          attack: {actor: militia, target: us, rung: 4}
          answer: {actor: us, target: militia, rung: 5}
        processes: {attacks: {action: attack, rate: attack_rate}}
        policies:
          us: {actor: us, rules: [{hit_by: attack, strategy: fixed, action: answer, delay: 0}]}
        interventions:
          raid: {at: 10, inject: {action: attack}}
        observations:
          gap: {at: 60, value: count(answer) - count(attack), documented: 0}
          attacks: {at: 60, value: count(attack), documented: 12}
        """

    @Test func aHindcastPrefersTheModelWhenTheWorldAnswersAndSaysWhatItDropped() throws {
        let runs = 4000
        let result = try Hindcast.run(ScenarioLoader.loaded(text: Self.reciprocal, file: "reciprocal.yaml"), calibrateOn: [],
                                      settings: .init(runs: runs, seed: 2, particles: 0, simulations: 0, threads: 2))
        #expect(result.droppedInjections == ["day 10: attack (raid)"])
        let gap = result.rows.first { $0.id == "gap" }!
        #expect(gap.model.probability == (Double(runs) + 0.5) / Double(runs + 1))
        #expect(gap.modelWins == true)
        // Answers and attacks are independent Poisson(12) counts in the baseline: P(equal) ≈ 0.08.
        let equal = (0...60).reduce(0.0) { sum, k in
            let p = exp(Double(k) * log(12.0) - 12 - lgamma(Double(k) + 1)); return sum + p * p
        }
        #expect(abs(gap.baseline.probability - equal) <= Tolerance.proportion(equal, n: runs))
        // The baseline runs at the model's mean rates: 0.2 attacks and 0.2 answers a day.
        for (action, rate) in result.baselineRates {
            #expect(abs(rate - 0.2) <= Tolerance.mean(sd: 12.0.squareRoot(), n: runs) / 60, "\(action)")
        }
        #expect(result.modelWins >= 1 && result.modelLogScore > result.baselineLogScore)
    }

    /// Where nobody answers anybody, the model is its own baseline: the two forecasts agree
    /// within their sampling error.
    @Test func withoutReciprocityTheModelAndTheBaselineAgree() throws {
        let text = Self.reciprocal.replacingOccurrences(
            of: "  us: {actor: us, rules: [{hit_by: attack, strategy: fixed, action: answer, delay: 0}]}",
            with: "  us: {actor: us, rules: []}")
            .replacingOccurrences(of: "gap: {at: 60, value: count(answer) - count(attack), documented: 0}",
                                  with: "quiet: {at: 60, value: count(attack), documented: 8}")
        let runs = 4000
        let result = try Hindcast.run(ScenarioLoader.loaded(text: text, file: "silent.yaml"), calibrateOn: [],
                                      settings: .init(runs: runs, seed: 4, particles: 0, simulations: 0, threads: 2))
        for row in result.rows {
            let p = row.model.probability
            #expect(abs(row.baseline.probability - p) <= 2.0.squareRoot() * Tolerance.proportion(p, n: runs), "\(row.id)")
        }
    }

    @Test func theCRPSOfASampleMatchesItsDefinition() {
        let xs = [0.0, 1, 1, 3, 7].sorted()
        for y in [-1.0, 0, 1, 2.5, 10] {
            let first = xs.reduce(0) { $0 + abs($1 - y) } / 5
            let pairs = xs.reduce(0) { s, a in xs.reduce(s) { $0 + abs(a - $1) } } / 25
            #expect(abs(Hindcast.crps(xs, y) - (first - pairs / 2)) < 1e-12)
        }
        #expect(Hindcast.crps([2, 2, 2], 2) == 0)
    }
}
