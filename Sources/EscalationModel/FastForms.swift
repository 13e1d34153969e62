/// One number the run reads by index: the leaves of expressions.
struct Operand: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable { case state, total, eventCounter, eventRung, eventIntercepted, maxRung, day, count }
    var kind: Kind
    var index: Int32

    /// The operand an instruction reads, if it reads one.
    init?(_ op: ExpressionOp) {
        switch op {
        case .state(let i): self.init(kind: .state, index: i)
        case .total(let i): self.init(kind: .total, index: i)
        case .eventCounter(let i): self.init(kind: .eventCounter, index: i)
        case .eventRung: self.init(kind: .eventRung, index: 0)
        case .eventIntercepted: self.init(kind: .eventIntercepted, index: 0)
        case .maxRung: self.init(kind: .maxRung, index: 0)
        case .day: self.init(kind: .day, index: 0)
        case .count(let i): self.init(kind: .count, index: i)
        default: return nil
        }
    }

    init(kind: Kind, index: Int32) {
        self.kind = kind
        self.index = index
    }
}

/// `operand ∘ factor + offset` with ∘ either × or ÷: most numbers in scenarios (`0.11 * exposure`,
/// `c_ram`, `1 - tension`, `arsenal / 2`) have this shape, and reading it needs no interpreter.
///
/// Only shapes whose fast evaluation gives the same bits as the interpreter are accepted: the
/// operand combined with one constant, then one constant added or subtracted on either side
/// (IEEE addition is commutative and negation exact, so `b - k·x` equals `b + (−k)·x`).
struct Affine: BitwiseCopyable {
    var operand: Operand
    var factor: Double
    var divides: Bool
    var offset: Double

    @inline(__always)
    func apply(_ x: Double) -> Double {
        (divides ? x / factor : x * factor) + offset
    }

    static func match(_ code: [ExpressionOp]) -> Affine? {
        // Trailing `b +` or `b -`.
        if code.count >= 3, case .constant(let b) = code[code.count - 2],
           code.last == .add || code.last == .subtract,
           var form = term(code.dropLast(2)) {
            form.offset = code.last == .add ? b : -b
            return form
        }
        // Leading `b`, then the term, then `+` or `-`.
        if code.count >= 3, case .constant(let b) = code[0], code.last == .add || code.last == .subtract,
           var form = term(code.dropFirst().dropLast()) {
            if code.last == .subtract { form.factor = -form.factor }
            form.offset = b
            return form
        }
        return term(code[...])
    }

    /// `x`, `-x`, `x k *`, `k x *`, `x k /`.
    private static func term(_ code: ArraySlice<ExpressionOp>) -> Affine? {
        let ops = Array(code)
        switch ops.count {
        case 1:
            return Operand(ops[0]).map { Affine(operand: $0, factor: 1, divides: false, offset: 0) }
        case 2:
            guard let x = Operand(ops[0]), ops[1] == .negate else { return nil }
            return Affine(operand: x, factor: -1, divides: false, offset: 0)
        case 3:
            if let x = Operand(ops[0]), case .constant(let k) = ops[1], ops[2] == .multiply || ops[2] == .divide {
                return Affine(operand: x, factor: k, divides: ops[2] == .divide, offset: 0)
            }
            if case .constant(let k) = ops[0], let x = Operand(ops[1]), ops[2] == .multiply {
                return Affine(operand: x, factor: k, divides: false, offset: 0)
            }
            return nil
        default:
            return nil
        }
    }
}

/// `operand ⋚ constant`: most conditions (`max_rung >= 9`, `host_tolerance <= 0`,
/// `event.militia_killed >= 20`) have this shape.
struct Comparison: BitwiseCopyable {
    enum Relation: UInt8, BitwiseCopyable { case less, lessEqual, greater, greaterEqual, equal, notEqual }
    var operand: Operand
    var relation: Relation
    var constant: Double

    static func match(_ code: [ExpressionOp]) -> Comparison? {
        guard code.count == 3, let operand = Operand(code[0]), case .constant(let c) = code[1] else { return nil }
        let relation: Relation
        switch code[2] {
        case .less: relation = .less
        case .lessEqual: relation = .lessEqual
        case .greater: relation = .greater
        case .greaterEqual: relation = .greaterEqual
        case .equal: relation = .equal
        case .notEqual: relation = .notEqual
        default: return nil
        }
        return Comparison(operand: operand, relation: relation, constant: c)
    }

    @inline(__always)
    func holds(_ x: Double) -> Bool {
        switch relation {
        case .less: x < constant
        case .lessEqual: x <= constant
        case .greater: x > constant
        case .greaterEqual: x >= constant
        case .equal: x == constant
        case .notEqual: x != constant
        }
    }
}
