/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit generator used here only to expand one 64-bit
/// seed into the 256-bit state of a `Xoshiro256StarStar`, and to derive replication seeds.
public struct SplitMix64: Sendable {
    public var state: UInt64

    @inlinable
    public init(state: UInt64) { self.state = state }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function: a bijection on 64-bit words with good avalanche.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeds of the independent streams of a Monte Carlo batch.
public enum StreamSeed {
    /// The seed of replication `index` of a batch with master seed `master`.
    ///
    /// For a fixed master seed this is injective in `index` (an XOR with a constant after a
    /// bijection), so no two replications of one batch share a stream. The result is a plain
    /// 64-bit seed: `escalation run --seed <it>`, or `run --replication <index> --master-seed
    /// <master>`, replays that replication alone.
    @inlinable
    public static func replication(master: UInt64, index: UInt64) -> UInt64 {
        var expander = SplitMix64(state: master)
        let whitening = expander.next()
        let offset = expander.next()
        return whitening ^ SplitMix64.mix(index &+ offset)
    }
}
