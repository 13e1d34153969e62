import CGSL
import CXoshiro
import Foundation

/// GSL aborts the process on a domain error by default. Escalation validates its own inputs and
/// checks GSL's status codes, so the handler is switched off before any GSL call: every entry
/// point into GSL in this module reads this value first.
let gslErrorHandlerOff: Void = {
    gsl_set_error_handler_off()
}()

/// xoshiro256** as a `gsl_rng_type` (Sources/CXoshiro): GSL's samplers call its `get` and
/// `get_double` straight from C. `max` is 2^64 − 1 (GSL's `unsigned long` is 64 bits on the
/// platforms we build for), so `gsl_rng_uniform_int` and friends see the full 64-bit range.
nonisolated(unsafe) let xoshiroType: UnsafePointer<gsl_rng_type> = {
    gslErrorHandlerOff
    return UnsafePointer<gsl_rng_type>(OpaquePointer(escalation_xoshiro_gsl_type()!))
}()

/// One random stream: a GSL generator of type xoshiro256**, seeded by SplitMix64 from a 64-bit
/// seed. A stream belongs to one thread; batches give each worker its own and reseed it per
/// replication, which costs four SplitMix64 steps and no allocation.
///
/// Never seed GSL's own generators per replication (`gsl_rng_set` keeps only 32 bits of a seed,
/// so hashed seeds collide); see DESIGN.md, "Random numbers".
public final class RandomStream {
    @usableFromInline
    let rng: UnsafeMutablePointer<gsl_rng>

    @usableFromInline
    let words: UnsafeMutablePointer<UInt64>

    /// The seed this stream was last (re)started from.
    public private(set) var seed: UInt64

    public init(seed: UInt64) {
        guard let rng = gsl_rng_alloc(xoshiroType) else {
            fatalError("gsl_rng_alloc failed: out of memory")
        }
        self.rng = rng
        self.words = rng.pointee.state.assumingMemoryBound(to: UInt64.self)
        self.seed = seed
        Xoshiro256StarStar.seed(words, with: seed)
    }

    deinit { gsl_rng_free(rng) }

    /// Restarts the stream at the beginning of the sequence for `seed`.
    public func reseed(_ seed: UInt64) {
        Xoshiro256StarStar.seed(words, with: seed)
        self.seed = seed
    }

    /// The generator as GSL sees it, for calling `gsl_ran_*` directly.
    public var gslGenerator: UnsafeMutablePointer<gsl_rng> { rng }

    /// The name GSL reports for the generator type.
    public var generatorName: String { String(cString: gsl_rng_name(rng)) }

    /// The next raw 64-bit output.
    @inlinable
    public func nextWord() -> UInt64 { Xoshiro256StarStar.next(words) }

    /// A double in [0, 1).
    @inlinable @inline(__always)
    public func uniform() -> Double { Xoshiro256StarStar.nextDouble(words) }

    /// True with probability `p`; p ≤ 0 is never, p ≥ 1 always. Draws exactly one uniform
    /// whatever `p` is, so the stream advances the same way on every branch.
    ///
    /// This is `gsl_ran_bernoulli` written out (it returns 1 when `gsl_rng_uniform` < p, and
    /// `gsl_rng_uniform` is `uniform()` on this generator type), so the same draw decides the
    /// same way, without two calls through GSL's function pointers for one comparison.
    @inlinable @inline(__always)
    public func bernoulli(_ p: Double) -> Bool {
        uniform() < p
    }

    /// `bernoulli(p)` for a `p` known in advance, with the same draw and the same answer:
    /// `threshold` is `Self.bernoulliThreshold(p)`, and the draw's top 53 bits are compared with
    /// it as an integer, without turning them into a double and scaling it (about 9 cycles less
    /// before a branch that goes either way at random can be settled).
    @inlinable @inline(__always)
    public func bernoulli(threshold: UInt64) -> Bool {
        Xoshiro256StarStar.next(words) >> 11 < threshold
    }

    /// The threshold for `bernoulli(threshold:)`. A uniform is k · 2^−53 for the integer k in
    /// the draw's top 53 bits, so it is below p exactly when k < p · 2^53 (a scaling by a power of
    /// two, exact), that is when k < ⌈p · 2^53⌉: 0 (never) for p ≤ 0 or not a number, 2^53
    /// (always) for p ≥ 1.
    public static func bernoulliThreshold(_ p: Double) -> UInt64 {
        let scaled = p * 0x1p53
        guard scaled > 0 else { return 0 }
        guard scaled < 0x1p53 else { return 1 << 53 }
        return UInt64(scaled.rounded(.up))
    }

    /// Exponential with the given mean, by inversion as `gsl_ran_exponential` does it
    /// (−mean · log(1 − u)), but with `log` in place of glibc's `log1p`, which costs about five
    /// times as much and made a fifth of the time of a simple model. Since u is a multiple of
    /// 2^−53, 1 − u is exact, so the two agree to within one rounding of the logarithm.
    @inlinable @inline(__always)
    public func exponential(mean: Double) -> Double { -mean * log(1 - uniform()) }

    @inlinable
    public func gamma(shape: Double, scale: Double) -> Double { gsl_ran_gamma(rng, shape, scale) }

    @inlinable
    public func lognormal(mu: Double, sigma: Double) -> Double { gsl_ran_lognormal(rng, mu, sigma) }

    @inlinable
    public func flat(_ low: Double, _ high: Double) -> Double { gsl_ran_flat(rng, low, high) }

    /// Poisson; a mean above `Distribution.maximumCountMean` (or not a number) gives +∞, which
    /// the simulator reads as an invalid run. GSL's sampler counts in 32 bits and does not come
    /// back from a mean near 5e9.
    @inlinable
    public func poisson(mean: Double) -> Double {
        mean <= Distribution.maximumCountMean ? Double(gsl_ran_poisson(rng, mean)) : .infinity
    }

    /// Negative binomial with the given mean and dispersion (GSL's `n`, the "size"): variance
    /// mean + mean² / dispersion. GSL takes success probability p = n / (n + mean), and
    /// `gsl_ran_negative_binomial` is a Poisson draw with a gamma-distributed mean; this is the
    /// same two draws in the same order (the same numbers), with the gamma's draw checked
    /// against the Poisson sampler's limit first (+∞ if beyond it).
    @inlinable
    public func negativeBinomial(mean: Double, dispersion: Double) -> Double {
        let p = dispersion / (dispersion + mean)
        let x = gsl_ran_gamma(rng, dispersion, 1.0)
        let lambda = x * (1 - p) / p
        return lambda <= Distribution.maximumCountMean ? Double(gsl_ran_poisson(rng, lambda)) : .infinity
    }

    /// An index drawn from a preprocessed discrete table.
    @inlinable
    public func discreteIndex(_ table: OpaquePointer) -> Int {
        Int(gsl_ran_discrete(rng, UnsafePointer<gsl_ran_discrete_t>(table)))
    }
}
