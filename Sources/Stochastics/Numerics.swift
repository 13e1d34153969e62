import CGSL
import Foundation

/// Minimisation with GSL's Nelder–Mead simplex (`gsl_multimin_fminimizer_nmsimplex2`).
public enum Minimizer {
    public struct Result: Sendable {
        public let point: [Double]
        public let value: Double
        public let iterations: Int
        /// Whether the simplex shrank below the tolerance before the iteration limit.
        public let converged: Bool
    }

    /// Minimises `f` from `start`, with initial simplex steps `step`. The search restarts from
    /// its best point until a restart no longer improves on it (Nelder–Mead can stall on a
    /// degenerate simplex), at most `restarts` times.
    public static func nelderMead(start: [Double], step: [Double], tolerance: Double = 1e-9,
                                  maxIterations: Int = 20_000, restarts: Int = 4,
                                  _ f: @escaping ([Double]) -> Double) -> Result {
        precondition(start.count == step.count && !start.isEmpty)
        var best = run(start: start, step: step, tolerance: tolerance, maxIterations: maxIterations, f)
        var total = best.iterations
        for _ in 0..<restarts {
            let again = run(start: best.point, step: step.map { $0 / 4 }, tolerance: tolerance,
                            maxIterations: maxIterations, f)
            total += again.iterations
            let improved = again.value < best.value - 1e-12 * max(1, abs(best.value))
            if again.value <= best.value { best = again }
            if !improved { break }
        }
        return Result(point: best.point, value: best.value, iterations: total, converged: best.converged)
    }

    final class Objective {
        let f: ([Double]) -> Double
        var x: [Double]
        init(f: @escaping ([Double]) -> Double, n: Int) {
            self.f = f
            self.x = [Double](repeating: 0, count: n)
        }
    }

    static func run(start: [Double], step: [Double], tolerance: Double, maxIterations: Int,
                    _ f: @escaping ([Double]) -> Double) -> Result {
        gslErrorHandlerOff
        let n = start.count
        let objective = Objective(f: f, n: n)
        var function = gsl_multimin_function(
            f: { v, params in
                let objective = Unmanaged<Objective>.fromOpaque(params!).takeUnretainedValue()
                for i in 0..<objective.x.count { objective.x[i] = gsl_vector_get(v, i) }
                let y = objective.f(objective.x)
                // The simplex needs finite values; a point outside the domain gets a huge one.
                return y.isFinite ? y : 1e100
            },
            n: n,
            params: Unmanaged.passUnretained(objective).toOpaque())
        let x = gsl_vector_alloc(n)!, s = gsl_vector_alloc(n)!
        defer { gsl_vector_free(x); gsl_vector_free(s) }
        for i in 0..<n {
            gsl_vector_set(x, i, start[i])
            gsl_vector_set(s, i, step[i])
        }
        let minimizer = gsl_multimin_fminimizer_alloc(escalation_gsl_nmsimplex2(), n)!
        defer { gsl_multimin_fminimizer_free(minimizer) }
        gsl_multimin_fminimizer_set(minimizer, &function, x, s)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            if gsl_multimin_fminimizer_iterate(minimizer) != GSL_SUCCESS { break }
            let size = gsl_multimin_fminimizer_size(minimizer)
            if gsl_multimin_test_size(size, tolerance) == GSL_SUCCESS {
                converged = true
                break
            }
        }
        let point = (0..<n).map { gsl_vector_get(minimizer.pointee.x, $0) }
        return Result(point: point, value: minimizer.pointee.fval, iterations: iterations, converged: converged)
    }
}

/// Dense linear algebra through GSL.
public enum LinearAlgebra {
    /// The inverse of a square matrix (rows), or nil if it is singular.
    public static func inverse(_ a: [[Double]]) -> [[Double]]? {
        gslErrorHandlerOff
        let n = a.count
        guard n > 0, a.allSatisfy({ $0.count == n }) else { return nil }
        let m = gsl_matrix_alloc(n, n)!, inv = gsl_matrix_alloc(n, n)!, p = gsl_permutation_alloc(n)!
        defer { gsl_matrix_free(m); gsl_matrix_free(inv); gsl_permutation_free(p) }
        for i in 0..<n { for j in 0..<n { gsl_matrix_set(m, i, j, a[i][j]) } }
        var sign: Int32 = 0
        guard gsl_linalg_LU_decomp(m, p, &sign) == GSL_SUCCESS else { return nil }
        for i in 0..<n where gsl_matrix_get(m, i, i) == 0 { return nil }
        guard gsl_linalg_LU_invert(m, p, inv) == GSL_SUCCESS else { return nil }
        let result = (0..<n).map { i in (0..<n).map { j in gsl_matrix_get(inv, i, j) } }
        return result.allSatisfy { $0.allSatisfy(\.isFinite) } ? result : nil
    }

    /// Eigenvalues of a real square matrix (which need not be symmetric), as (real, imaginary).
    public static func eigenvalues(_ a: [[Double]]) -> [(real: Double, imaginary: Double)] {
        gslErrorHandlerOff
        let n = a.count
        guard n > 0 else { return [] }
        let m = gsl_matrix_alloc(n, n)!, values = gsl_vector_complex_alloc(n)!
        let workspace = gsl_eigen_nonsymm_alloc(n)!
        defer { gsl_matrix_free(m); gsl_vector_complex_free(values); gsl_eigen_nonsymm_free(workspace) }
        for i in 0..<n { for j in 0..<n { gsl_matrix_set(m, i, j, a[i][j]) } }
        guard gsl_eigen_nonsymm(m, values, workspace) == GSL_SUCCESS else { return [] }
        return (0..<n).map { i in
            let z = gsl_vector_complex_get(values, i)
            return (z.dat.0, z.dat.1)
        }
    }

    /// The spectral radius: the largest modulus of an eigenvalue.
    public static func spectralRadius(_ a: [[Double]]) -> Double {
        eigenvalues(a).map { ($0.real * $0.real + $0.imaginary * $0.imaginary).squareRoot() }.max() ?? 0
    }
}

/// Special functions from GSL.
public enum SpecialFunction {
    public static func logGamma(_ x: Double) -> Double {
        gslErrorHandlerOff
        return gsl_sf_lngamma(x)
    }

    public static func digamma(_ x: Double) -> Double {
        gslErrorHandlerOff
        return gsl_sf_psi(x)
    }

    /// P(K ≥ x) for the Kolmogorov distribution's limit: the asymptotic p-value of a
    /// Kolmogorov–Smirnov statistic D from n points, with Stephens' small-sample correction.
    public static func kolmogorovPValue(statistic d: Double, n: Int) -> Double {
        let rn = Double(n).squareRoot()
        let x = (rn + 0.12 + 0.11 / rn) * d
        if x < 0.2 { return 1 }
        var sum = 0.0
        for k in 1...100 {
            let term = 2 * (k % 2 == 1 ? 1.0 : -1.0) * exp(-2 * Double(k * k) * x * x)
            sum += term
            if abs(term) < 1e-12 { break }
        }
        return min(1, max(0, sum))
    }
}
