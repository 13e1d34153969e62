import CGSL
import Stochastics
import Testing

/// The generator itself: known answers from an independent implementation, and the stream
/// properties batches rely on.
struct GeneratorTests {
    @Test func xoshiroMatchesTheReferenceAlgorithm() {
        // State {1, 2, 3, 4}; expected outputs computed with the authors' algorithm in Python.
        let state = UnsafeMutablePointer<UInt64>.allocate(capacity: 4)
        defer { state.deallocate() }
        state.initialize(from: [1, 2, 3, 4], count: 4)
        let outputs = (0..<4).map { _ in Xoshiro256StarStar.next(state) }
        #expect(outputs == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    }

    @Test func splitMixMatchesTheReferenceAlgorithm() {
        var mixer = SplitMix64(state: 0)
        #expect([mixer.next(), mixer.next(), mixer.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func streamIsSeededBySplitMixAndDrawsThroughGSL() {
        let stream = RandomStream(seed: 42)
        #expect(stream.generatorName == "xoshiro256**")
        #expect([stream.nextWord(), stream.nextWord(), stream.nextWord()]
                == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
    }

    /// GSL's samplers draw through the C generator type (`gsl_rng_get`, `gsl_rng_uniform`,
    /// `gsl_rng_set`), the engine inline in Swift, from one state: the two must be the same
    /// generator word for word, or a scenario's numbers would depend on which sampler drew.
    @Test func theGSLTypeAndTheInlineGeneratorAreOneStream() {
        let viaGSL = RandomStream(seed: 0), inline = RandomStream(seed: 0)
        for seed: UInt64 in [0, 1, 42, 0xDEAD_BEEF_0123_4567, .max] {
            gsl_rng_set(viaGSL.gslGenerator, UInt(seed))
            inline.reseed(seed)
            for k in 0..<1_000 {
                if k % 2 == 0 {
                    #expect(UInt64(gsl_rng_get(viaGSL.gslGenerator)) == inline.nextWord())
                } else {
                    #expect(gsl_rng_uniform(viaGSL.gslGenerator) == inline.uniform())
                }
            }
        }
        #expect(gsl_rng_max(viaGSL.gslGenerator) == UInt.max && gsl_rng_min(viaGSL.gslGenerator) == 0)
    }

    @Test func replicationDrawsDoNotDependOnWhatRanBefore() {
        let k: UInt64 = 37
        let alone = RandomStream(seed: 0)
        alone.reseed(StreamSeed.replication(master: 9, index: k))
        let expected = (0..<200).map { _ in alone.gamma(shape: 2, scale: 1.5) }

        let shared = RandomStream(seed: 0)
        for j in 0..<k {
            shared.reseed(StreamSeed.replication(master: 9, index: j))
            for _ in 0..<(Int(j) * 7 % 23) { _ = shared.poisson(mean: 3) }
        }
        shared.reseed(StreamSeed.replication(master: 9, index: k))
        #expect((0..<200).map { _ in shared.gamma(shape: 2, scale: 1.5) } == expected)
    }

    @Test func seedsThatDifferOnlyAboveBit32GiveDifferentStreams() {
        for bit in 32..<64 {
            let low: UInt64 = 0x1234_5678
            let a = RandomStream(seed: low), b = RandomStream(seed: low | (1 << UInt64(bit)))
            #expect(a.nextWord() != b.nextWord(), "bit \(bit)")
            // The same through replication seeds from master seeds that differ only high up.
            #expect(StreamSeed.replication(master: low, index: 5)
                    != StreamSeed.replication(master: low | (1 << UInt64(bit)), index: 5), "bit \(bit)")
        }
    }

    @Test func replicationSeedsOfOneBatchAreDistinct() {
        let seeds = Set((0..<200_000).map { StreamSeed.replication(master: 2020, index: UInt64($0)) })
        #expect(seeds.count == 200_000)
    }

    @Test func uniformIsInTheUnitIntervalWithTheRightMoments() {
        let stream = RandomStream(seed: 5)
        let n = 200_000
        let xs = (0..<n).map { _ in stream.uniform() }
        #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = xs.reduce(0, +) / Double(n)
        #expect(abs(mean - 0.5) <= 5 * (1.0 / 12).squareRoot() / Double(n).squareRoot())
    }

    /// `bernoulli(threshold:)` answers as `bernoulli(p)` does for every draw: checked at the
    /// integers either side of each threshold (where a rounding would show), and draw by draw
    /// on two streams from one seed.
    @Test func aBernoulliThresholdDecidesEveryDrawAsTheProbabilityDoes() {
        var ps: [Double] = [0, -0.5, 1, 1.5, .nan, .infinity, -.infinity, 0.5, 0.6, 0.1, 1.0 / 3, 0x1p-53, 0x1p-54,
                            0x1p-1074, 1 - 0x1p-53, 1 - 0x1p-52, 1.0.nextDown, 0.5.nextUp, 0.5.nextDown]
        var mixer = SplitMix64(state: 7)
        for _ in 0..<2_000 { ps.append(Double(mixer.next() >> 11) * 0x1p-53) }
        for _ in 0..<2_000 { ps.append(Double(mixer.next() >> 11) * 0x1p-60) }
        for p in ps {
            let t = RandomStream.bernoulliThreshold(p)
            #expect(t <= 1 << 53)
            // k is the draw's top 53 bits; the uniform is k · 2^−53.
            for k in [t &- 2, t &- 1, t, t + 1] where k < 1 << 53 {
                #expect((k < t) == (Double(k) * 0x1p-53 < p), "p \(p) k \(k)")
            }
        }
        let a = RandomStream(seed: 11), b = RandomStream(seed: 11)
        for p in ps.prefix(200) {
            let t = RandomStream.bernoulliThreshold(p)
            for _ in 0..<50 { #expect(a.bernoulli(p) == b.bernoulli(threshold: t)) }
        }
    }
}
