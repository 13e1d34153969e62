/// xoshiro256** (Blackman & Vigna 2018): 256 bits of state, period 2^256 − 1, 64-bit output.
///
/// The state is four words in memory owned by GSL (`gsl_rng.state`); these functions work on a
/// pointer to it so that GSL's distributions and Swift share one stream.
public enum Xoshiro256StarStar {
    /// Bytes of state: four 64-bit words.
    public static let stateSize = 4 * MemoryLayout<UInt64>.size

    /// Fills the state from a 64-bit seed with SplitMix64, as the generator's authors recommend.
    /// Every bit of the seed matters, and the all-zero state cannot occur.
    @inlinable
    public static func seed(_ state: UnsafeMutablePointer<UInt64>, with seed: UInt64) {
        var expander = SplitMix64(state: seed)
        state[0] = expander.next()
        state[1] = expander.next()
        state[2] = expander.next()
        state[3] = expander.next()
    }

    @inlinable @inline(__always)
    public static func next(_ s: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let result = rotateLeft(s[1] &* 5, 7) &* 9
        let t = s[1] << 17
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotateLeft(s[3], 45)
        return result
    }

    /// A double in [0, 1) from the top 53 bits of the next output.
    @inlinable @inline(__always)
    public static func nextDouble(_ s: UnsafeMutablePointer<UInt64>) -> Double {
        Double(next(s) >> 11) * 0x1.0p-53
    }

    @inlinable @inline(__always)
    static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }
}
