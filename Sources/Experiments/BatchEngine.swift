import EscalationModel
import Foundation
import Stochastics

/// Runs replications on several threads and hands their records back in replication order.
///
/// Replication k draws only from the stream seeded by `StreamSeed.replication(master:index: k)`,
/// so its record does not depend on the thread that ran it, on the other replications, or on
/// where the batch was split. Work goes out in chunks; at most a fixed window of chunks waits
/// ahead of the consumer, so memory stays bounded however many runs there are.
public final class BatchEngine: Sendable {
    public let scenario: Scenario
    public let layout: RecordLayout

    public init(scenario: Scenario) {
        self.scenario = scenario
        self.layout = RecordLayout(scenario)
    }

    /// A block of consecutive replications.
    public struct Chunk: Sendable {
        /// Replication index of the first run.
        public let first: Int
        public var seeds: [UInt64] = []
        /// `seeds.count` records of `RecordLayout.width` numbers.
        public var records: [Double] = []
        /// CSV rows, when the batch asked for them.
        public var rows = TextBuffer()
        public var kernelEvents = 0
        /// Runs in which a state-dependent rate went above its `max_rate`.
        public var rateExceededRuns = 0
        /// Per process, the highest rate ÷ `max_rate` reached above 1 in the chunk's runs (empty
        /// if no rate went above its maximum).
        public var rateExcess: [Double] = []
        public var rateExceeded: Bool { rateExceededRuns > 0 }

        public var count: Int { seeds.count }

        /// Record `i` of the chunk.
        public func withRecord<T>(_ i: Int, width: Int, _ body: (UnsafeBufferPointer<Double>) -> T) -> T {
            records.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(i * width)..<((i + 1) * width)])) }
        }
    }

    /// Runs replications `range` with master seed `masterSeed` on `threads` threads, calling
    /// `consume` on this thread with each chunk in order. With `rows`, chunks also carry their
    /// CSV text, formatted on the worker threads. If `consume` throws, the workers stop and the
    /// error is rethrown.
    public func run(range: Range<Int>, masterSeed: UInt64, threads: Int, chunkSize: Int = 500, rows: RunTable? = nil,
                    consume: (Chunk) throws -> Void) throws {
        let chunks = (range.count + chunkSize - 1) / chunkSize
        let work = Work(range: range, masterSeed: masterSeed, chunkSize: chunkSize, scenario: scenario, rows: rows)
        try computeInOrder(chunks: chunks, threads: threads, worker: { Simulator(scenario: work.scenario) },
                           compute: { c, simulator in work.compute(c, simulator: simulator) }, consume: consume)
    }

    /// What one chunk computes: immutable, shared by the workers.
    struct Work: Sendable {
        let range: Range<Int>
        let masterSeed: UInt64
        let chunkSize: Int
        let scenario: Scenario
        let rows: RunTable?

        func compute(_ c: Int, simulator: Simulator) -> Chunk {
            let first = range.lowerBound + c * chunkSize
            let count = min(chunkSize, range.upperBound - first)
            let width = RecordLayout(scenario).width
            var chunk = Chunk(first: first)
            chunk.seeds.reserveCapacity(count)
            chunk.records = [Double](repeating: 0, count: count * width)
            chunk.records.withUnsafeMutableBufferPointer { all in
                for i in 0..<count {
                    let seed = StreamSeed.replication(master: masterSeed, index: UInt64(first + i))
                    chunk.seeds.append(seed)
                    let record = UnsafeMutableBufferPointer(rebasing: all[(i * width)..<((i + 1) * width)])
                    let (events, exceeded) = simulator.run(seed: seed, into: record)
                    chunk.kernelEvents += events
                    if exceeded {
                        chunk.rateExceededRuns += 1
                        simulator.mergeRateExcess(into: &chunk.rateExcess)
                    }
                    if let rows {
                        rows.appendRow(run: first + i, seed: seed, record: UnsafeBufferPointer(record), to: &chunk.rows)
                        // Room for the chunk once its first row shows how long rows are, rather
                        // than growing by doubling.
                        if i == 0 { chunk.rows.reserve(chunk.rows.count * count * 9 / 8) }
                    }
                }
            }
            return chunk
        }
    }

}

/// Computes chunks 0..<chunks on `threads` threads, each thread with its own `worker` (a simulator
/// or several), and hands them to `consume` on this thread in order. If `consume` throws, the
/// workers stop and the error is rethrown.
func computeInOrder<Worker, Chunk>(chunks: Int, threads: Int, worker: @escaping @Sendable () -> Worker,
                                   compute: @escaping @Sendable (Int, Worker) -> Chunk,
                                   consume: (Chunk) throws -> Void) throws {
    if threads <= 1 || chunks <= 1 {
        let w = worker()
        for c in 0..<chunks { try consume(compute(c, w)) }
        return
    }
    let coordinator = Coordinator<Chunk>(chunks: chunks, window: 4 * threads)
    let finished = DispatchGroup()
    for _ in 0..<threads {
        finished.enter()
        let thread = Thread {
            let w = worker()
            while let c = coordinator.claim() { coordinator.complete(c, compute(c, w)) }
            finished.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    do {
        for c in 0..<chunks { try consume(coordinator.take(c)) }
    } catch {
        coordinator.cancel()
        finished.wait()
        throw error
    }
    finished.wait()
}

/// Hands out chunk numbers and collects finished chunks, keeping workers at most `window` chunks
/// ahead of the consumer.
final class Coordinator<Chunk>: @unchecked Sendable {
    let condition = NSCondition()
    let chunks: Int
    let window: Int
    var nextClaim = 0
    var nextTake = 0
    var done: [Int: Chunk] = [:]
    var cancelled = false

    init(chunks: Int, window: Int) {
        self.chunks = chunks
        self.window = window
    }

    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextClaim < chunks && nextClaim >= nextTake + window { condition.wait() }
        guard !cancelled, nextClaim < chunks else { return nil }
        nextClaim += 1
        return nextClaim - 1
    }

    func complete(_ c: Int, _ chunk: Chunk) {
        condition.lock()
        done[c] = chunk
        condition.broadcast()
        condition.unlock()
    }

    func take(_ c: Int) -> Chunk {
        condition.lock()
        defer { condition.unlock() }
        while done[c] == nil { condition.wait() }
        nextTake = c + 1
        condition.broadcast()
        return done.removeValue(forKey: c)!
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
