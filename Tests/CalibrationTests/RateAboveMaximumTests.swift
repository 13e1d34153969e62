import Calibration
import EscalationModel
import ScenarioIO
import TestSupport
import Testing

/// Thinning draws a state-dependent process's candidates at its `max_rate`; a rate above it is
/// cut, so the runs undercount the process and a fit to them fits a different model. Calibration,
/// hindcasts and simulation-based calibration count such runs, and calibration names the
/// posterior's draws that were fitted on them. The scenario: `calibratedRateScenario`.
struct RateAboveMaximumTests {
    static func problem(maxRate: String) throws -> CalibrationProblem {
        try CalibrationProblem(ScenarioLoader.loaded(text: calibratedRateScenario(maxRate: maxRate), file: "pressure.yaml"))
    }

    @Test func calibrationNamesTheDrawsFittedOnRunsAboveTheMaximum() throws {
        let problem = try Self.problem(maxRate: "1")
        let settings = SequentialABC.Settings(particles: 300, seed: 4, simulations: 1_000_000, threads: 1)
        let result = try SequentialABC.run(problem, settings: settings)
        let flagged = Set(result.rateExceededDraws)
        let pushes = (0..<result.posterior.count).map { result.posterior.value(draw: $0, parameter: 0) }
        #expect(pushes.contains { $0 <= 2.0 / 3 } && pushes.contains { $0 >= 1 }, "\(pushes.min()!)–\(pushes.max()!)")
        for (draw, push) in pushes.enumerated() {
            if push <= 2.0 / 3 { #expect(!flagged.contains(draw), "push \(push) cannot go above the maximum") }
            if push >= 1 { #expect(flagged.contains(draw), "push \(push) goes above the maximum from day 10") }
        }
        #expect(result.rateExceededRuns >= flagged.count && result.rateExceededRuns < result.simulations)
        let report = result.report(problem: problem, title: "pressure", seconds: 1, threads: 1)
        #expect(report.contains("MAX_RATE EXCEEDED: in \(result.rateExceededRuns) of the \(result.simulations) simulations"))
        #expect(report.contains("\(flagged.count) of the posterior's \(result.posterior.count) draws"))
        // How far: push ≤ 1.2 by its prior and day ≤ 20, so the rate is at most 1.8 times its maximum.
        let highest = try #require(result.rateExcess["attacks"])
        #expect(highest > 1 && highest <= 1.8 && result.rateExcess.count == 1, "\(result.rateExcess)")
        // As one line: the report wraps its paragraphs.
        #expect(report.replacingOccurrences(of: "\n  ", with: " ")
            .contains("were fitted on such runs; \(rateExcessText(result.rateExcess)). Raise max_rate by at least that factor"))

        // Counted the same on any number of threads.
        var three = settings
        three.threads = 3
        let again = try SequentialABC.run(problem, settings: three)
        #expect(again.rateExceededRuns == result.rateExceededRuns && again.rateExceededDraws == result.rateExceededDraws)
        #expect(again.rateExcess == result.rateExcess)

        // A maximum written from the rate's own parameter is never passed.
        let within = try SequentialABC.run(Self.problem(maxRate: "1.5 * push"), settings: settings)
        #expect(within.rateExceededRuns == 0 && within.rateExceededDraws.isEmpty && within.rateExcess.isEmpty)
        #expect(!within.report(problem: problem, title: "pressure", seconds: 1, threads: 1).contains("MAX_RATE"))
    }

    /// A hindcast's model runs draw push from the prior: those above 2/3 can pass the maximum.
    @Test func aHindcastCountsTheModelsRunsAboveTheMaximum() throws {
        let runs = 2000
        func hindcast(_ maxRate: String, threads: Int = 2) throws -> Hindcast.Result {
            let loaded = try ScenarioLoader.loaded(text: calibratedRateScenario(maxRate: maxRate), file: "pressure.yaml")
            return try Hindcast.run(loaded, calibrateOn: [],
                                    settings: .init(runs: runs, seed: 3, particles: 0, simulations: 0, threads: threads))
        }
        func exceeded(_ maxRate: String) throws -> Int { try hindcast(maxRate).rateExceededRuns }
        let over = try exceeded("1")
        // How far: at most 1.8 times (push ≤ 1.2, day ≤ 20); the same on one thread as on two.
        let result = try hindcast("1")
        let highest = try #require(result.rateExcess["attacks"])
        #expect(highest > 1 && highest <= 1.8, "\(result.rateExcess)")
        #expect(try hindcast("1", threads: 1).rateExcess == result.rateExcess)
        #expect(try hindcast("1.5 * push").rateExcess.isEmpty)
        // Push is uniform on [0.2, 1.2]: at least the 20% of draws at or above 1 pass it, at most
        // the 53% above 2/3 can.
        #expect(over >= runs / 10 && over <= runs * 6 / 10, "\(over) of \(runs)")
        #expect(try exceeded("1.5 * push") == 0)
    }

    @Test func simulationBasedCalibrationCountsRunsAboveTheMaximum() throws {
        let settings = SimulationBasedCalibration.Settings(sets: 6, particles: 60, seed: 2, simulations: 1_000_000, threads: 2)
        let over = try SimulationBasedCalibration.run(Self.problem(maxRate: "1"), settings: settings)
        #expect(over.rateExceededRuns > 0 && over.setsRateExceeded > 0 && over.setsRateExceeded <= 6)
        let highest = try #require(over.rateExcess["attacks"])
        #expect(highest > 1 && highest <= 1.8, "\(over.rateExcess)")
        let within = try SimulationBasedCalibration.run(Self.problem(maxRate: "1.5 * push"), settings: settings)
        #expect(within.rateExceededRuns == 0 && within.setsRateExceeded == 0 && within.rateExcess.isEmpty)
    }
}
