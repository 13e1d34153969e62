import EscalationModel
import Foundation
import ScenarioIO

/// The repository's root, found from this file's place in it.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A path inside the repository.
public func repositoryPath(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

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
