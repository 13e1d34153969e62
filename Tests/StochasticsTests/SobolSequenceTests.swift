import Stochastics
import Testing

/// GSL's Sobol sequence as Saltelli's design uses it.
struct SobolSequenceTests {
    @Test func startsAfterTheOriginWithTheKnownPoints() throws {
        let points = try #require(SobolSequence.points(3, dimensions: 2))
        // Bratley & Fox's first dimensions: the van der Corput sequence and its Gray-code partner.
        #expect(points == [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75]])
    }

    @Test func eachCoordinateOfABlockOfTwoToTheMIsEvenlySpread() throws {
        // Each coordinate is a (0, 1)-sequence: the origin and the next 1023 points take every
        // value k/1024 once, so the 1023 points GSL gives after the origin average exactly ½.
        let points = try #require(SobolSequence.points(1023, dimensions: 40))
        for i in 0..<40 {
            let values = Set(points.map { $0[i] })
            #expect(values.count == 1023)
            #expect(values.allSatisfy { ($0 * 1024).rounded() == $0 * 1024 && $0 > 0 && $0 < 1 })
            #expect(points.map { $0[i] }.reduce(0, +) / 1023 == 0.5)
        }
    }

    @Test func refusesDimensionsGSLHasNoTablesFor() {
        // Above 40 GSL allocates a generator that returns only zeros.
        #expect(SobolSequence(dimensions: 41) == nil)
        #expect(SobolSequence(dimensions: 0) == nil)
        #expect(SobolSequence(dimensions: 40) != nil)
    }
}
