import Stochastics

/// A number in a scenario: a constant, or an expression over the run's state evaluated when
/// the number is needed.
public enum Quantity: Sendable, Equatable, CustomStringConvertible {
    case constant(Double)
    case expression(CompiledExpression)

    public var constantValue: Double? {
        switch self {
        case .constant(let v): v
        case .expression(let e): e.constantValue
        }
    }

    public var description: String {
        switch self {
        case .constant(let v): format(v)
        case .expression(let e): e.source
        }
    }
}

/// A random draw whose parameters may be expressions: casualties that scale with exposure,
/// delays that shorten with tension.
public struct RandomQuantity: Sendable, Equatable, CustomStringConvertible {
    public var kind: Distribution.Kind
    public var a: Quantity
    public var b: Quantity
    public var table: DiscreteTable?

    public init(kind: Distribution.Kind, a: Quantity = .constant(0), b: Quantity = .constant(0),
                table: DiscreteTable? = nil) {
        self.kind = kind
        self.a = a
        self.b = b
        self.table = table
    }

    public init(_ distribution: Distribution) {
        self.init(kind: distribution.kind, a: .constant(distribution.a), b: .constant(distribution.b),
                  table: distribution.table)
    }

    /// The distribution, when no parameter depends on the run.
    public var constantDistribution: Distribution? {
        guard let a = a.constantValue, let b = b.constantValue else { return nil }
        return Distribution(kind: kind, a: a, b: b, table: table)
    }

    public static func == (lhs: RandomQuantity, rhs: RandomQuantity) -> Bool {
        lhs.kind == rhs.kind && lhs.a == rhs.a && lhs.b == rhs.b && lhs.table === rhs.table
    }

    /// Shape and scale, or shape and mean when the scale came from a mean (4/3 reads better as
    /// "mean 4" beside shape 3).
    private var gammaDescription: String {
        if let shape = a.constantValue, let scale = b.constantValue {
            let mean = Double(String(format: "%.12g", shape * scale))!
            if format(scale).count > 8 && format(mean).count <= 8 { return "gamma(shape \(a), mean \(format(mean)))" }
        }
        return "gamma(shape \(a), scale \(b))"
    }

    public var description: String {
        switch kind {
        case .fixed: "fixed \(a)"
        case .uniform: "uniform(\(a), \(b))"
        case .exponential: "exponential(mean \(a))"
        case .gamma: gammaDescription
        case .lognormal: "lognormal(mu \(a), sigma \(b))"
        case .poisson: "poisson(mean \(a))"
        case .negativeBinomial: "negative_binomial(mean \(a), dispersion \(b))"
        case .bernoulli: "bernoulli(\(a))"
        case .discrete:
            "discrete(" + zip(table?.values ?? [], table?.weights ?? [])
                .map { "\(format($0)): \(format($1))" }.joined(separator: ", ") + ")"
        }
    }
}
