import Foundation
import Stochastics

/// Saltelli's design for Sobol indices of a function of d independent inputs, each uniform on
/// [0, 1): N rows, row j taking point j + 1 of GSL's 2d-dimensional Sobol sequence, whose first d
/// coordinates are A_j and last d are B_j; AB_i,j is A_j with coordinate i taken from B_j
/// (Saltelli et al. 2010, Computer Physics Communications 181:259, section 3).
public enum SaltelliDesign {
    /// The largest d: GSL's Sobol sequence has 40 dimensions, and the design takes two per input.
    public static let maximumInputs = SobolSequence.maximumDimensions / 2

    /// Points to evaluate, row after row: A_j, B_j, AB_1,j … AB_d,j (d + 2 points a row). Nil
    /// when d is not 1 to 20.
    public static func points(samples: Int, inputs d: Int) -> [[Double]]? {
        guard d >= 1, d <= maximumInputs, let sequence = SobolSequence(dimensions: 2 * d) else { return nil }
        var out: [[Double]] = []
        out.reserveCapacity(samples * (d + 2))
        // The sequence starts at the centre (½, …, ½), where A and B coincide and the row would
        // add nothing but a count: it is skipped, as SALib does.
        _ = sequence.next()
        for _ in 0..<samples {
            let q = sequence.next()
            let a = Array(q[0..<d]), b = Array(q[d..<(2 * d)])
            out.append(a)
            out.append(b)
            for i in 0..<d {
                var ab = a
                ab[i] = b[i]
                out.append(ab)
            }
        }
        return out
    }
}

/// First-order and total Sobol indices from the outputs of a Saltelli design, with percentile
/// bootstrap 95% intervals.
///
/// With V the variance of the output over the A and B points (divided by 2N, as SALib does):
///
///     S_i  = (1/N) Σ_j f(B_j) (f(AB_i,j) − f(A_j)) / V       Saltelli et al. 2010, table 2 (b)
///     ST_i = (1/2N) Σ_j (f(A_j) − f(AB_i,j))² / V            Jansen 1999, Comput. Phys. Commun. 117:35
///
/// Outputs are centred on their mean over A and B first: the first-order sum's expectation does
/// not change, and its variance no longer grows with the output's level (a mean of hundreds of
/// events would otherwise swamp the differences).
///
/// The intervals resample the N rows with replacement (each row keeps its A, B and AB points
/// together) and take the 2.5% and 97.5% points of the indices over the resamples. They treat
/// the quasi-random rows as independent, which overstates the error of a Sobol sequence: they
/// are conservative.
public struct SobolIndices: Sendable {
    public let inputs: Int
    public let samples: Int
    public let resamples: Int
    /// V: the variance of the output the indices apportion.
    public let variance: Double
    public let first: [Double]
    public let total: [Double]
    public let firstInterval: [(low: Double, high: Double)]
    public let totalInterval: [(low: Double, high: Double)]

    /// `outputs` in the order of `SaltelliDesign.points`: N rows of d + 2. The bootstrap draws
    /// from a xoshiro256** stream seeded with `seed`, so the intervals are the same every time.
    public init(outputs: [Double], inputs d: Int, resamples: Int = 1000, seed: UInt64 = 1) {
        precondition(d >= 1 && outputs.count % (d + 2) == 0, "outputs must be whole rows of the design")
        let n = outputs.count / (d + 2)
        inputs = d
        samples = n
        self.resamples = resamples
        let estimate = Self.estimate(outputs, inputs: d, rows: Array(0..<n))
        variance = estimate.variance
        first = estimate.first
        total = estimate.total
        var firstDraws = [[Double]](repeating: [], count: d), totalDraws = [[Double]](repeating: [], count: d)
        let stream = RandomStream(seed: seed)
        var rows = [Int](repeating: 0, count: n)
        for _ in 0..<resamples {
            for k in 0..<n { rows[k] = min(n - 1, Int(stream.uniform() * Double(n))) }
            let e = Self.estimate(outputs, inputs: d, rows: rows)
            for i in 0..<d where e.first[i].isFinite && e.total[i].isFinite {
                firstDraws[i].append(e.first[i])
                totalDraws[i].append(e.total[i])
            }
        }
        firstInterval = firstDraws.map(Self.percentileInterval)
        totalInterval = totalDraws.map(Self.percentileInterval)
    }

    /// The indices from the rows `rows` (repeats allowed) of the design's outputs.
    static func estimate(_ f: [Double], inputs d: Int, rows: [Int]) -> (first: [Double], total: [Double], variance: Double) {
        let width = d + 2, n = Double(rows.count)
        var centre = 0.0
        for j in rows { centre += f[j * width] + f[j * width + 1] }
        centre /= 2 * n
        var variance = 0.0
        for j in rows {
            let a = f[j * width] - centre, b = f[j * width + 1] - centre
            variance += a * a + b * b
        }
        variance /= 2 * n
        var first = [Double](repeating: 0, count: d), total = [Double](repeating: 0, count: d)
        for j in rows {
            let a = f[j * width] - centre, b = f[j * width + 1] - centre
            for i in 0..<d {
                let ab = f[j * width + 2 + i] - centre
                first[i] += b * (ab - a)
                total[i] += (a - ab) * (a - ab)
            }
        }
        // A constant output has no variance to apportion: the indices are undefined (NaN).
        let scale = variance > 0 ? 1 / (n * variance) : .nan
        return (first.map { $0 * scale }, total.map { $0 * scale / 2 }, variance)
    }

    /// The 2.5% and 97.5% points (R's type 7 quantiles) of the draws.
    static func percentileInterval(_ draws: [Double]) -> (low: Double, high: Double) {
        guard !draws.isEmpty else { return (.nan, .nan) }
        let sorted = draws.sorted()
        func quantile(_ p: Double) -> Double {
            let h = Double(sorted.count - 1) * p, k = Int(h.rounded(.down))
            return k + 1 < sorted.count ? sorted[k] + (h - Double(k)) * (sorted[k + 1] - sorted[k]) : sorted[k]
        }
        return (quantile(0.025), quantile(0.975))
    }
}
