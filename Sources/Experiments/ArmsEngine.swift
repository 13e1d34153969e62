import EscalationModel
import Foundation
import Stochastics

/// Runs several scenarios (the arms of a comparison, or the points of a sweep) on the same
/// replication streams: replication k of every arm draws from the stream of (master seed, k),
/// exactly as replication k of `escalation batch` does, so arm i's records are its batch's
/// records, and differences between arms are differences of the scenarios, not of luck (common
/// random numbers). Replication k of all arms is computed together, so a paired statistic can
/// be accumulated in replication order in bounded memory.
public final class ArmsEngine: Sendable {
    public let arms: [Scenario]
    public let widths: [Int]

    public init(arms: [Scenario]) {
        self.arms = arms
        self.widths = arms.map { RecordLayout($0).width }
    }

    /// A block of consecutive replications of every arm.
    public struct Chunk: Sendable {
        public let first: Int
        public var count = 0
        /// `records[arm]`: `count` records of `widths[arm]` numbers.
        public var records: [[Double]]
        /// `exceeded[arm]`: a state-dependent rate of that arm went above its `max_rate` in one of
        /// these runs (thinning then undercounts it).
        public var exceeded: [Bool]
        /// `excess[arm]`: per process, the highest rate ÷ `max_rate` reached above 1 in these runs
        /// (empty where none went above; see `RunResult.rateExcess`).
        public var excess: [[Double]]
        public var rateExceeded: Bool { exceeded.contains(true) }
    }

    public func run(range: Range<Int>, masterSeed: UInt64, threads: Int, chunkSize: Int = 250,
                    consume: (Chunk) throws -> Void) throws {
        let chunks = (range.count + chunkSize - 1) / chunkSize
        let arms = self.arms, widths = self.widths
        try computeInOrder(chunks: chunks, threads: threads, worker: { arms.map { Simulator(scenario: $0) } },
                           compute: { c, simulators in
            let first = range.lowerBound + c * chunkSize
            let count = min(chunkSize, range.upperBound - first)
            var chunk = Chunk(first: first, count: count, records: widths.map { [Double](repeating: 0, count: count * $0) },
                              exceeded: [Bool](repeating: false, count: widths.count),
                              excess: [[Double]](repeating: [], count: widths.count))
            for (arm, simulator) in simulators.enumerated() {
                let width = widths[arm]
                chunk.records[arm].withUnsafeMutableBufferPointer { all in
                    for i in 0..<count {
                        let seed = StreamSeed.replication(master: masterSeed, index: UInt64(first + i))
                        let record = UnsafeMutableBufferPointer(rebasing: all[(i * width)..<((i + 1) * width)])
                        let (_, exceeded) = simulator.run(seed: seed, into: record)
                        if exceeded {
                            chunk.exceeded[arm] = true
                            simulator.mergeRateExcess(into: &chunk.excess[arm])
                        }
                    }
                }
            }
            return chunk
        }, consume: consume)
    }
}

extension ArmsEngine.Chunk {
    /// Record `i` of arm `arm`.
    public func withRecord<T>(arm: Int, _ i: Int, width: Int, _ body: (UnsafeBufferPointer<Double>) -> T) -> T {
        records[arm].withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(i * width)..<((i + 1) * width)])) }
    }
}
