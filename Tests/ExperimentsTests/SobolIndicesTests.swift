import Experiments
import Foundation
import TestSupport
import Testing

/// The Sobol estimators on functions whose indices are known exactly.
struct SobolIndicesTests {
    /// Evaluates `f` on Saltelli's design, the inputs mapped from the unit cube to `ranges`.
    func outputs(samples: Int, ranges: [ClosedRange<Double>], _ f: ([Double]) -> Double) throws -> [Double] {
        let points = try #require(SaltelliDesign.points(samples: samples, inputs: ranges.count))
        return points.map { u in f(zip(u, ranges).map { $1.lowerBound + $0 * ($1.upperBound - $1.lowerBound) }) }
    }

    /// How far an estimate may be from the truth: `Tolerance.z` standard errors of the estimator
    /// with independent rows, by the delta method for a ratio: Ŝ − S ≈ mean(t_j − S v_j) / V,
    /// where t_j is row j's term of the numerator and v_j its term of V. A Sobol sequence does
    /// better than independent rows, so this is a bound, not a fit.
    func tolerances(_ f: [Double], inputs d: Int, indices: SobolIndices) -> (first: [Double], total: [Double]) {
        let width = d + 2, n = f.count / width
        var centre = 0.0
        for j in 0..<n { centre += f[j * width] + f[j * width + 1] }
        centre /= Double(2 * n)
        func sd(_ xs: [Double]) -> Double { Summary(xs).sd }
        var first: [Double] = [], total: [Double] = []
        for i in 0..<d {
            var t1: [Double] = [], tT: [Double] = []
            for j in 0..<n {
                let a = f[j * width] - centre, b = f[j * width + 1] - centre, ab = f[j * width + 2 + i] - centre
                let v = (a * a + b * b) / 2
                t1.append(b * (ab - a) - indices.first[i] * v)
                tT.append((a - ab) * (a - ab) / 2 - indices.total[i] * v)
            }
            first.append(Tolerance.mean(sd: sd(t1), n: n) / indices.variance)
            total.append(Tolerance.mean(sd: sd(tT), n: n) / indices.variance)
        }
        return (first, total)
    }

    func check(_ indices: SobolIndices, _ f: [Double], first: [Double], total: [Double]) {
        let tolerance = tolerances(f, inputs: first.count, indices: indices)
        for i in first.indices {
            #expect(abs(indices.first[i] - first[i]) <= tolerance.first[i], "S\(i + 1) = \(indices.first[i]), truth \(first[i]) ± \(tolerance.first[i])")
            #expect(abs(indices.total[i] - total[i]) <= tolerance.total[i], "ST\(i + 1) = \(indices.total[i]), truth \(total[i]) ± \(tolerance.total[i])")
            // The bootstrap intervals hold the truth (and are intervals, around the estimate).
            #expect(indices.firstInterval[i].low <= first[i] && first[i] <= indices.firstInterval[i].high,
                    "S\(i + 1): \(indices.firstInterval[i]) should hold \(first[i])")
            #expect(indices.totalInterval[i].low <= total[i] && total[i] <= indices.totalInterval[i].high,
                    "ST\(i + 1): \(indices.totalInterval[i]) should hold \(total[i])")
            #expect(indices.firstInterval[i].low <= indices.first[i] && indices.first[i] <= indices.firstInterval[i].high)
            #expect(indices.totalInterval[i].low <= indices.total[i] && indices.total[i] <= indices.totalInterval[i].high)
        }
    }

    /// Ishigami & Homma (1990): f = sin x₁ + a sin² x₂ + b x₃⁴ sin x₁ on [−π, π]³, whose variance
    /// decomposes in closed form (Sobol' & Levitan 1999): V₁ = ½(1 + bπ⁴/5)², V₂ = a²/8,
    /// V₁₃ = 8b²π⁸/225, V = V₁ + V₂ + V₁₃.
    @Test func ishigamiIndicesMatchTheirClosedForm() throws {
        let a = 7.0, b = 0.1, pi = Double.pi
        let v1 = 0.5 * pow(1 + b * pow(pi, 4) / 5, 2), v2 = a * a / 8, v13 = 8 * b * b * pow(pi, 8) / 225
        let v = v1 + v2 + v13
        let first = [v1 / v, v2 / v, 0], total = [(v1 + v13) / v, v2 / v, v13 / v]
        // The published values (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, 4.6).
        for (x, published) in zip(first + total, [0.3139, 0.4424, 0, 0.5576, 0.4424, 0.2437]) {
            #expect(abs(x - published) < 0.00005)
        }
        let f = try outputs(samples: 4096, ranges: Array(repeating: -pi...pi, count: 3)) { x in
            sin(x[0]) + a * pow(sin(x[1]), 2) + b * pow(x[2], 4) * sin(x[0])
        }
        let indices = SobolIndices(outputs: f, inputs: 3, resamples: 1000, seed: 1)
        #expect(abs(indices.variance - v) < 0.05 * v, "V = \(indices.variance), truth \(v)")
        check(indices, f, first: first, total: total)
    }

    /// Sobol's g-function, Π (|4xᵢ − 2| + aᵢ)/(1 + aᵢ) on [0, 1]^d: Vᵢ = 1/(3(1 + aᵢ)²),
    /// V = Π(1 + Vᵢ) − 1, Sᵢ = Vᵢ/V, STᵢ = Vᵢ Π_{j≠i}(1 + Vⱼ)/V (Saltelli et al. 2010, section 4).
    /// Small aᵢ: an important input; the products make interactions, so STᵢ > Sᵢ.
    @Test func gFunctionIndicesMatchTheirClosedForm() throws {
        let coefficients = [0, 1, 4.5, 9, 99, 99]
        let parts = coefficients.map { 1 / (3 * (1 + $0) * (1 + $0)) }
        let v = parts.reduce(1) { $0 * (1 + $1) } - 1
        let first = parts.map { $0 / v }
        let total = parts.indices.map { i in parts[i] * parts.indices.filter { $0 != i }.reduce(1) { $0 * (1 + parts[$1]) } / v }
        let f = try outputs(samples: 4096, ranges: Array(repeating: 0...1, count: 6)) { x in
            zip(x, coefficients).reduce(1) { $0 * (abs(4 * $1.0 - 2) + $1.1) / (1 + $1.1) }
        }
        let indices = SobolIndices(outputs: f, inputs: 6, resamples: 1000, seed: 1)
        check(indices, f, first: first, total: total)
        #expect(total[0] > first[0] + 0.05, "the first input interacts")
    }

    /// A linear model y = Σ cᵢ xᵢ with xᵢ uniform: Sᵢ = STᵢ = cᵢ² / Σ cⱼ², and an input with
    /// cᵢ = 0 gets exactly 0 (every AB_i point gives the A point's output).
    @Test func linearModelIndicesAreItsShares() throws {
        let c = [1.0, 2, 3, 0]
        let share = c.map { $0 * $0 / c.reduce(0) { $0 + $1 * $1 } }
        let f = try outputs(samples: 1024, ranges: Array(repeating: 0...1, count: 4)) { x in zip(c, x).reduce(0) { $0 + $1.0 * $1.1 } }
        let indices = SobolIndices(outputs: f, inputs: 4, resamples: 500, seed: 3)
        check(indices, f, first: share, total: share)
        #expect(indices.first[3] == 0 && indices.total[3] == 0)
        #expect([indices.firstInterval[3].low, indices.firstInterval[3].high, indices.totalInterval[3].low, indices.totalInterval[3].high] == [0, 0, 0, 0])
    }

    @Test func theBootstrapIsDeterministicAndAConstantHasNoIndices() throws {
        let f = try outputs(samples: 256, ranges: [0...1, 0...1]) { $0[0] + $0[1] * $0[1] }
        let one = SobolIndices(outputs: f, inputs: 2, seed: 7), two = SobolIndices(outputs: f, inputs: 2, seed: 7)
        #expect(one.firstInterval.map(\.low) == two.firstInterval.map(\.low))
        #expect(one.totalInterval.map(\.high) == two.totalInterval.map(\.high))
        let other = SobolIndices(outputs: f, inputs: 2, seed: 8)
        #expect(one.firstInterval.map(\.low) != other.firstInterval.map(\.low))
        let constant = SobolIndices(outputs: [Double](repeating: 0.25, count: 64 * 4), inputs: 2, resamples: 10)
        #expect(constant.variance == 0 && constant.first.allSatisfy(\.isNaN) && constant.firstInterval.allSatisfy { $0.low.isNaN })
    }

    @Test func theDesignSwapsOneColumnOfAForB() throws {
        let points = try #require(SaltelliDesign.points(samples: 5, inputs: 3))
        #expect(points.count == 5 * 5)
        for j in 0..<5 {
            let a = points[j * 5], b = points[j * 5 + 1]
            for i in 0..<3 {
                var expected = a
                expected[i] = b[i]
                #expect(points[j * 5 + 2 + i] == expected)
            }
        }
        #expect(SaltelliDesign.points(samples: 4, inputs: 21) == nil)
        #expect(SaltelliDesign.points(samples: 4, inputs: 20)?.count == 4 * 22)
    }
}
