/// One number the run reads by index: the leaves of expressions.
struct Operand: BitwiseCopyable {
    enum Kind: UInt8, BitwiseCopyable { case state, total, eventCounter, eventRung, eventIntercepted, maxRung, day, count, first, parameter }
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
        case .first(let i): self.init(kind: .first, index: i)
        case .parameter(let i): self.init(kind: .parameter, index: i)
        default: return nil
        }
    }

    init(kind: Kind, index: Int32) {
        self.kind = kind
        self.index = index
    }
}

/// A sum of one to four operands, added left to right as the interpreter adds them.
struct OperandSum: BitwiseCopyable {
    var count: Int32
    var a: Operand, b: Operand, c: Operand, d: Operand

    subscript(_ i: Int) -> Operand { i == 0 ? a : i == 1 ? b : i == 2 ? c : d }

    /// `x`, `x y +`, `x y + z +`, `x y + z + w +`.
    static func match(_ code: ArraySlice<ExpressionOp>) -> OperandSum? {
        let ops = Array(code)
        guard ops.count % 2 == 1, ops.count <= 7, let first = Operand(ops[0]) else { return nil }
        var operands = [first]
        for i in stride(from: 1, to: ops.count, by: 2) {
            guard let next = Operand(ops[i]), ops[i + 1] == .add else { return nil }
            operands.append(next)
        }
        let all = operands + [Operand](repeating: first, count: 4 - operands.count)
        return OperandSum(count: Int32(operands.count), a: all[0], b: all[1], c: all[2], d: all[3])
    }
}

/// `(sum of operands) ∘ factor + offset` with ∘ either × or ÷: most numbers in scenarios
/// (`0.11 * exposure`, `c_ram`, `1 - tension`, `0.04 + 0.1 * (event.us_killed + event.isf_killed)`)
/// have this shape, and reading it needs no interpreter.
///
/// Only shapes whose fast evaluation gives the same bits as the interpreter are accepted: the
/// sum combined with one constant, then one constant added or subtracted on either side (IEEE
/// addition is commutative and negation exact, so `b - k·x` equals `b + (−k)·x`).
struct Affine: BitwiseCopyable {
    var sum: OperandSum
    var factor: Double
    var divides: Bool
    var offset: Double

    /// The form's value for a sum of its operands (added left to right).
    @inline(__always)
    func combine(_ sum: Double) -> Double { (divides ? sum / factor : sum * factor) + offset }

    static func match(_ code: ArraySlice<ExpressionOp>) -> Affine? {
        // Trailing `b +` or `b -`.
        if code.count >= 3, case .constant(let b) = code[code.endIndex - 2],
           code.last == .add || code.last == .subtract,
           var form = term(code.dropLast(2)) {
            form.offset = code.last == .add ? b : -b
            return form
        }
        // Leading `b`, then the term, then `+` or `-`.
        if code.count >= 3, case .constant(let b) = code.first!, code.last == .add || code.last == .subtract,
           var form = term(code.dropFirst().dropLast()) {
            if code.last == .subtract { form.factor = -form.factor }
            form.offset = b
            return form
        }
        return term(code)
    }

    /// `S`, `S -`(negate), `S k *`, `k S *`, `S k /`, where S is an operand sum.
    private static func term(_ code: ArraySlice<ExpressionOp>) -> Affine? {
        func form(_ s: OperandSum, _ k: Double, _ divides: Bool) -> Affine {
            Affine(sum: s, factor: k, divides: divides, offset: 0)
        }
        if let s = OperandSum.match(code) { return form(s, 1, false) }
        if code.last == .negate, let s = OperandSum.match(code.dropLast()) { return form(s, -1, false) }
        if code.count >= 3, code.last == .multiply || code.last == .divide,
           case .constant(let k) = code[code.endIndex - 2], let s = OperandSum.match(code.dropLast(2)) {
            return form(s, k, code.last == .divide)
        }
        if code.count >= 3, code.last == .multiply, case .constant(let k) = code.first!,
           let s = OperandSum.match(code.dropFirst().dropLast()) {
            return form(s, k, false)
        }
        return nil
    }
}

/// `A × B × ...` for two to four affine forms, as in `kh_attack_rate * arsenal * (1 + tension)`,
/// multiplied left to right as the interpreter does: ((A × B) × C) × D.
struct AffineProduct {
    var factors: [Affine]

    static let maximumFactors = 4

    static func match(_ code: [ExpressionOp]) -> AffineProduct? {
        guard let factors = product(code[...]), factors.count >= 2 else { return nil }
        return AffineProduct(factors: factors)
    }

    /// The factors of `code` read as a left-nested product whose right operands are affine.
    private static func product(_ code: ArraySlice<ExpressionOp>) -> [Affine]? {
        if let single = Affine.match(code) { return [single] }
        guard code.count >= 3, code.last == .multiply else { return nil }
        let body = code.dropLast()
        for split in (body.startIndex + 1)..<body.endIndex {
            if let right = Affine.match(body[split...]), let left = product(body[..<split]),
               left.count < maximumFactors {
                return left + [right]
            }
        }
        return nil
    }
}

/// `affine ⋚ constant`: most conditions (`max_rung >= 9`, `host_tolerance <= 0`,
/// `event.us_killed + event.coalition_killed >= 1`) have this shape.
struct Comparison: BitwiseCopyable {
    enum Relation: UInt8, BitwiseCopyable { case less, lessEqual, greater, greaterEqual, equal, notEqual }
    var left: Affine
    var relation: Relation
    var constant: Double
    /// `plainState`, computed once.
    var state: Int32
    /// It reads the event's casualty counters and nothing else (`event.us_killed >= 1`)...
    var eventOnly: Bool
    /// ...and this is its value when they are all zero (an action that drew no casualties).
    var atNoCasualties: Bool

    static func match(_ code: ArraySlice<ExpressionOp>) -> Comparison? {
        guard code.count >= 3, case .constant(let c) = code[code.endIndex - 2],
              let left = Affine.match(code.dropLast(2)) else { return nil }
        let relation: Relation
        switch code.last! {
        case .less: relation = .less
        case .lessEqual: relation = .lessEqual
        case .greater: relation = .greater
        case .greaterEqual: relation = .greaterEqual
        case .equal: relation = .equal
        case .notEqual: relation = .notEqual
        default: return nil
        }
        var comparison = Comparison(left: left, relation: relation, constant: c, state: -1, eventOnly: false,
                                    atNoCasualties: false)
        comparison.state = comparison.plainState
        comparison.eventOnly = (0..<Int(left.sum.count)).allSatisfy { left.sum[$0].kind == .eventCounter }
        // Zeros add up to +0, whatever their number, as the run adds them.
        comparison.atNoCasualties = comparison.holds(left.combine(0))
        return comparison
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

    /// The state variable compared as it is (no factor or offset), or −1. Its value lies between
    /// its last written value and its baseline, which can decide the comparison without the
    /// `exp2` of reading it.
    var plainState: Int32 {
        left.sum.count == 1 && left.sum.a.kind == .state && left.factor == 1 && !left.divides && left.offset == 0
            ? left.sum.a.index : -1
    }
}

/// `p and q` or `p or q` of two comparisons (`event.us_killed >= 1 and total.us_killed >= 3`).
struct ComparisonPair: BitwiseCopyable {
    var first: Comparison
    var second: Comparison
    var isAnd: Bool

    /// `P Q truth`-coded: `[p] andJump [q] truth` or the same with `orJump`.
    static func match(_ code: [ExpressionOp]) -> ComparisonPair? {
        for (i, op) in code.enumerated() {
            let isAnd: Bool
            switch op {
            case .andJump(let n): isAnd = true; guard Int(n) == code.count - i - 1 else { continue }
            case .orJump(let n): isAnd = false; guard Int(n) == code.count - i - 1 else { continue }
            default: continue
            }
            guard code.last == .truth, let p = Comparison.match(code[..<i]),
                  let q = Comparison.match(code[(i + 1)..<(code.count - 1)]) else { return nil }
            return ComparisonPair(first: p, second: q, isAnd: isAnd)
        }
        return nil
    }
}
