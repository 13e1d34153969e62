import EscalationModel
import Foundation

/// Simulates a merge's sampled rows again (`RowVerifier`) on a thread of its own, loading the
/// scenario first: the reading thread copies rows meanwhile, rather than waiting for the
/// scenario to load (a third of the time `cat` takes for a million rows) and for each
/// sampled run.
final class SampleChecker: @unchecked Sendable {
    struct Sample {
        let shard: Int
        let line: Int
        let run: Int
        let seed: UInt64
        let row: [UInt8]
        let file: String
        let range: Range<Int>
    }

    private let condition = NSCondition()
    private var waiting: [Sample] = []
    private var closing = false
    private let stopped = DispatchSemaphore(value: 0)
    private var loadError: (any Error)?
    /// The first failing line of each shard (by its position), and its refusal.
    private(set) var failures: [Int: (line: Int, message: String)] = [:]

    /// `madeWith`: the shards' math fingerprint (`Manifest.math`).
    init(masterSeed: UInt64, madeWith math: String?, load: @escaping @Sendable () throws -> Scenario) {
        let thread = Thread { [self] in work(masterSeed: masterSeed, math: math, load: load) }
        thread.name = "merge samples"
        thread.start()
    }

    func submit(_ sample: Sample) {
        condition.lock()
        waiting.append(sample)
        condition.signal()
        condition.unlock()
    }

    /// Waits until every sample given has been simulated; rethrows a failure to load the scenario.
    func finish() throws {
        condition.lock()
        let first = !closing
        closing = true
        condition.signal()
        condition.unlock()
        if first { stopped.wait() }
        if let loadError { throw loadError }
    }

    private func work(masterSeed: UInt64, math: String?, load: () throws -> Scenario) {
        defer { stopped.signal() }
        let scenario: Scenario
        do {
            scenario = try load()
        } catch {
            loadError = error
            condition.lock()
            closing = true
            waiting = []
            condition.unlock()
            return
        }
        var verifiers: [Range<Int>: RowVerifier] = [:]
        while true {
            condition.lock()
            while waiting.isEmpty && !closing { condition.wait() }
            let batch = waiting
            waiting = []
            condition.unlock()
            if batch.isEmpty { return }
            for sample in batch where failures[sample.shard] == nil {
                let verifier = verifiers[sample.range] ?? RowVerifier(scenario: scenario, masterSeed: masterSeed, range: sample.range)
                verifier.madeWith = math
                verifiers[sample.range] = verifier
                do {
                    try sample.row.withUnsafeBufferPointer {
                        try verifier.check(run: sample.run, seed: sample.seed, line: $0, file: sample.file, always: true)
                    }
                } catch {
                    failures[sample.shard] = (sample.line, "\(error)")
                }
            }
        }
    }
}
