import EscalationModel
import Foundation
import ScenarioIO

/// The repository's root, found from this file's place in it.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A path inside the repository.
public func repositoryPath(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

/// Two sides answering each other: one militia attack on day 0; the US answers each militia
/// action with probability p, the militia each US action with probability q, after 0.01 days.
public func answerChainYAML(p: Double, q: Double) -> String {
    """
    horizon: 1000
    actors: {militia: {name: Militia}, us: {name: US}}
    actions:
      attack: {actor: militia, target: us, rung: 4}
      answer: {actor: us, target: militia, rung: 5}
    policies:
      us: {actor: us, rules: [{strategy: tit_for_tat, probability: \(p), delay: 0.01}]}
      militia: {actor: militia, rules: [{strategy: tit_for_tat, probability: \(q), delay: 0.01}]}
    interventions:
      start: {at: 0, inject: attack}
    """
}

/// A scenario whose state-dependent rate, 0.5 × push × (1 + day / 100), stays within its
/// max_rate of 1 while the parameter push (0.5 to 3) is at most 1, and goes above it beyond.
public let rateAboveMaximumScenario = """
    title: Over the maximum
    horizon: 100
    parameters:
      push: {label: pressure, value: 1, assumption: [0.5, 3], why: a judgement}
    actors: {militia: {name: M}, us: {name: US}}
    actions: {attack: {actor: militia, target: us, rung: 4}}
    processes: {attacks: {action: attack, rate: 0.5 * push * (1 + day / 100), max_rate: 1}}
    observations:
      attacks: {at: 100, value: count(attack), label: attacks in 100 days, documented: 60}
    """

/// A calibrated parameter drives a state-dependent rate: attacks at 0.5 · push · (1 + day / 10) a
/// day for 20 days, drawn by thinning at `maxRate`, push from the prior uniform on [0.2, 1.2],
/// 14 attacks documented. With `max_rate: 1` the rate stays within it for every day while
/// push ≤ 2/3 and passes it from day 10 on for push ≥ 1 (a candidate comes in those 10 days but
/// for e^−10 of runs); `1.5 * push` is never passed.
public func calibratedRateScenario(maxRate: String) -> String {
    """
    title: pressure
    horizon: 20
    parameters:
      push: {label: pressure, prior: {uniform: [0.2, 1.2]}}
    actors: {militia: {name: Militia}, us: {name: United States}}
    actions: {attack: {actor: militia, target: us, rung: 4}}
    processes: {attacks: {action: attack, rate: 0.5 * push * (1 + day / 10), max_rate: \(maxRate)}}
    observations:
      attacks: {at: 20, value: count(attack), documented: 14}
    """
}

/// Compiles a scenario written in a test; fails the test with the diagnostics if it does not compile.
public func scenario(_ yaml: String) throws -> Scenario {
    try ScenarioLoader.load(text: yaml, file: "test.yaml")
}

/// The diagnostics a scenario text gets, as printed.
public func diagnostics(_ yaml: String, file: String = "test.yaml") -> [String] {
    do {
        _ = try ScenarioLoader.load(text: yaml, file: file)
        return []
    } catch let error as ScenarioError {
        return error.diagnostics.map(\.description)
    } catch {
        return ["unexpected error: \(error)"]
    }
}

/// A fresh temporary directory.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("escalation-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension Scenario {
    /// Runs replications 0..<n with seeds derived from `master`, returning the results.
    public func replicate(_ n: Int, master: UInt64 = 1) -> [RunResult] {
        let simulator = Simulator(scenario: self)
        return (0..<n).map { simulator.run(seed: replicationSeed(master: master, index: $0)) }
    }

    public func count(_ action: String, in result: RunResult) -> Int {
        result.actionCounts[actionIndex(action)!]
    }
}

import Stochastics

public func replicationSeed(master: UInt64, index: Int) -> UInt64 {
    StreamSeed.replication(master: master, index: UInt64(index))
}
