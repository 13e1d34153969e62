import CGSL

/// The quasi-random Sobol sequence of GSL (`gsl_qrng_sobol`, Antonov & Saleev's Gray-code
/// construction of Bratley & Fox 1988, algorithm 659): points of the unit cube that fill it more
/// evenly than random points, so averages over them converge faster. The first point is
/// (½, …, ½): GSL skips the origin.
///
/// GSL's tables go to 40 dimensions. Above that `gsl_qrng_alloc` still returns a generator, but
/// one that gives only zeros, so the limit is checked here.
public final class SobolSequence {
    public static let maximumDimensions = 40

    public let dimensions: Int
    private let generator: UnsafeMutablePointer<gsl_qrng>

    /// Nil when `dimensions` is not 1 to 40.
    public init?(dimensions: Int) {
        gslErrorHandlerOff
        guard (1...Self.maximumDimensions).contains(dimensions),
              let g = gsl_qrng_alloc(escalation_gsl_qrng_sobol(), UInt32(dimensions)) else { return nil }
        self.dimensions = dimensions
        generator = g
    }

    deinit { gsl_qrng_free(generator) }

    /// The next point, `dimensions` coordinates in [0, 1).
    public func next() -> [Double] {
        var point = [Double](repeating: 0, count: dimensions)
        point.withUnsafeMutableBufferPointer { _ = gsl_qrng_get(generator, $0.baseAddress) }
        return point
    }

    /// The first `count` points, from the start of the sequence.
    public static func points(_ count: Int, dimensions: Int) -> [[Double]]? {
        guard let sequence = SobolSequence(dimensions: dimensions) else { return nil }
        return (0..<count).map { _ in sequence.next() }
    }
}
