import Foundation

/// The I-th of N contiguous slices of a batch's replications (I from 1). Slice I of a batch of
/// R runs is [⌊R·(I−1)/N⌋, ⌊R·I/N⌋): sizes differ by at most one, and the slices cover every
/// run exactly once.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let whole = Shard(index: 1, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `I/N`, or `auto/N`, which takes I from the job scheduler's environment: Kubernetes
    /// indexed Jobs set `JOB_COMPLETION_INDEX` (from 0); Slurm job arrays set
    /// `SLURM_ARRAY_TASK_ID` (from `SLURM_ARRAY_TASK_MIN`, often 0 or 1).
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[1]), n >= 1 else {
            throw ParseError(description: "expected I/N with N a whole number of shards of 1 or more, found '\(text)'")
        }
        var i: Int
        if parts[0] == "auto" {
            if let k = environment["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
                i = k + 1
            } else if let task = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
                let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
                i = task - first + 1
            } else {
                throw ParseError(description: "--shard auto/\(n) needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID in the environment")
            }
        } else {
            guard let k = Int(parts[0]) else {
                throw ParseError(description: "expected I/N with I a whole number, found '\(text)'")
            }
            i = k
        }
        guard (1...n).contains(i) else {
            throw ParseError(description: "expected a shard from 1 to \(n), found \(i) in '\(text)'")
        }
        self.init(index: i, count: n)
    }

    public func range(ofRuns runs: Int) -> Range<Int> {
        let lower = runs * (index - 1) / count
        let upper = runs * index / count
        return lower..<upper
    }

    public var description: String { "\(index)/\(count)" }
}
