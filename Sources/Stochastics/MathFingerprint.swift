import Foundation

/// A fingerprint of the floating-point functions a run's numbers pass through on this machine:
/// the C library's `log`, `exp`, `exp2` and `pow`, and GSL's samplers (which call them).
///
/// The same scenario and seed give the same bytes on every machine whose functions give the same
/// results, and not every machine's do. glibc chooses its `log`, `exp` and `pow` by the processor
/// it runs on, one version for processors with fused multiply-add (FMA) and one for those
/// without, and the two round some results differently: measured on 4,000,000 arguments each,
/// 410 results of `log` differed in the last bit, 2,853 of `exp` and 2,830 of `pow`; a 100,000-run
/// batch of the flagship scenario differed in 5 rows. Another C library or GSL version can differ
/// too. A batch writes this value into its manifest (`math`), and `merge` and `--resume` refuse to
/// join rows made where it differs (see docs/batches.md, "The same bytes on another machine").
///
/// It hashes the bit patterns of the results for a fixed set of arguments, drawn over the ranges a
/// simulation uses (the exponential gap's log(1 − u), relaxing states' exp2, expressions' exp and
/// pow), and of draws from the GSL samplers that call them (gamma, Poisson, negative binomial,
/// lognormal) with the generator the engine uses, and of its flat and exponential draws, so that
/// any function that answers differently for any of them changes it: between glibc's versions with
/// FMA and without, 8 of its `log` results differ, 16 of its `exp` and 15 of its `pow`.
public enum MathFingerprint {
    /// Sixteen lowercase hexadecimal digits; worked out once a process, the first time it is asked
    /// for (118,784 calls of the C library's functions and 8,192 draws: a few milliseconds).
    public static let current: String = {
        let hash = compute()
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }()

    /// Arguments per function (four times as many for the exponential gap's log).
    static let arguments = 16_384

    static func compute() -> UInt64 {
        var hash = Hash()
        var source = SplitMix64(state: 0x6D61_7468_2066_7072)
        // A uniform as the engine makes one: 53 bits, in [0, 1).
        func uniform() -> Double { Double(source.next() >> 11) * 0x1p-53 }
        // log differs least often between glibc's two versions (about once in 10,000 arguments).
        for _ in 0..<4 * arguments { hash.add(log(1 - uniform())) }
        for _ in 0..<arguments / 4 { hash.add(log(1 + 1e6 * uniform())) }
        for _ in 0..<arguments { hash.add(exp(-60 * uniform() + 10)) }
        for _ in 0..<arguments { hash.add(exp2(-40 * uniform())) }
        for _ in 0..<arguments { hash.add(pow(20 * uniform(), 8 * uniform() - 3)) }
        // GSL's samplers on the engine's generator, over the shapes, means and dispersions
        // scenarios use.
        let stream = RandomStream(seed: 0x6773_6C20_6472_6177)
        for shape in [0.3, 1, 2, 7.5, 80] {
            for _ in 0..<512 { hash.add(stream.gamma(shape: shape, scale: 1.5)) }
        }
        for mean in [0.2, 3, 9.5, 40, 600] {
            for _ in 0..<512 { hash.add(stream.poisson(mean: mean)) }
        }
        for (mean, dispersion) in [(0.5, 0.3), (3.0, 1.2), (40.0, 6.0)] {
            for _ in 0..<512 { hash.add(stream.negativeBinomial(mean: mean, dispersion: dispersion)) }
        }
        for _ in 0..<512 { hash.add(stream.lognormal(mu: 0.5, sigma: 1.1)) }
        for _ in 0..<512 { hash.add(stream.flat(-3, 7)) }
        for _ in 0..<512 { hash.add(stream.exponential(mean: 4)) }
        return hash.value
    }

    /// FNV-1a over 64-bit words: each step is a bijection of the running value, so one result
    /// that differs always changes the hash.
    struct Hash {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        mutating func add(_ x: Double) { value = (value ^ x.bitPattern) &* 0x0000_0100_0000_01B3 }
    }
}
