import CGSL
import Foundation

/// Values with weights, preprocessed once by `gsl_ran_discrete_preproc` (Walker's alias method)
/// so a draw costs O(1). Immutable after creation and read-only while sampling, so one table may
/// be shared by all threads.
public final class DiscreteTable: @unchecked Sendable {
    public let values: [Double]
    public let weights: [Double]
    @usableFromInline let gslTable: OpaquePointer
    @usableFromInline let valuePointer: UnsafeMutablePointer<Double>

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case lengthMismatch(values: Int, weights: Int)
        case negativeWeight(index: Int, weight: Double)
        case zeroTotal
    }

    public init(values: [Double], weights: [Double]) throws(Problem) {
        if values.isEmpty { throw .empty }
        if values.count != weights.count { throw .lengthMismatch(values: values.count, weights: weights.count) }
        for (i, w) in weights.enumerated() where !(w >= 0 && w.isFinite) {
            throw .negativeWeight(index: i, weight: w)
        }
        if weights.reduce(0, +) <= 0 { throw .zeroTotal }
        gslErrorHandlerOff
        guard let table = weights.withUnsafeBufferPointer({
            gsl_ran_discrete_preproc($0.count, $0.baseAddress)
        }) else { throw .zeroTotal }
        self.values = values
        self.weights = weights
        self.gslTable = OpaquePointer(table)
        self.valuePointer = .allocate(capacity: values.count)
        valuePointer.initialize(from: values, count: values.count)
    }

    deinit {
        gsl_ran_discrete_free(UnsafeMutablePointer<gsl_ran_discrete_t>(gslTable))
        valuePointer.deallocate()
    }

    public var probabilities: [Double] {
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    public var mean: Double { zip(values, probabilities).reduce(0) { $0 + $1.0 * $1.1 } }

    public var variance: Double {
        let m = mean
        return zip(values, probabilities).reduce(0) { $0 + ($1.0 - m) * ($1.0 - m) * $1.1 }
    }
}

extension DiscreteTable {
    /// The preprocessed GSL table, for precompiled draws that outlive no owner of this table.
    public var gslTableForSampling: OpaquePointer { gslTable }
    /// The values, for precompiled draws that outlive no owner of this table.
    public var valuesForSampling: UnsafePointer<Double> { UnsafePointer(valuePointer) }
}
