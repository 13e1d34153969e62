/// One instruction of a compiled expression: a stack machine whose operands are indices fixed
/// at load time, so evaluation looks up no names and allocates nothing.
public enum ExpressionOp: Sendable, Equatable, BitwiseCopyable {
    case constant(Double)
    /// The current value of state variable `i` (relaxed toward its baseline to now).
    case state(Int32)
    /// `total.<counter>`: the run's ledger so far.
    case total(Int32)
    /// `event.<counter>`: the most recent action's casualties.
    case eventCounter(Int32)
    /// `event.rung`.
    case eventRung
    /// `event.intercepted`: 1 if air defence nullified the most recent action.
    case eventIntercepted
    /// `max_rung`: the highest rung reached so far (−1 before any action).
    case maxRung
    /// `day`: days since the start.
    case day
    /// `count(<action>)`: how many times the action has happened.
    case count(Int32)
    /// `first(<action>)`: the day it first happened, or +∞ if it has not yet.
    case first(Int32)
    /// Calibrated parameter `i`: fixed for a run, drawn per replication from a posterior.
    case parameter(Int32)
    case negate, not
    case add, subtract, multiply, divide, modulo, power
    case less, lessEqual, greater, greaterEqual, equal, notEqual
    /// Short-circuit `and`: if the top is false, jump forward by the offset leaving 0; else pop.
    case andJump(Int32)
    /// Short-circuit `or`: if the top is true, jump forward by the offset leaving 1; else pop.
    case orJump(Int32)
    /// Turns the top into 0 or 1.
    case truth
    case call(ExpressionFunction)
}

/// Functions an expression may call.
public enum ExpressionFunction: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    case min, max, abs, sqrt, exp, log, floor, ceil, clamp, ifThenElse

    public var name: String {
        switch self {
        case .ifThenElse: "if"
        default: "\(self)"
        }
    }

    public var arity: Int {
        switch self {
        case .min, .max: 2
        case .clamp, .ifThenElse: 3
        default: 1
        }
    }
}

/// A compiled expression: its source text (for messages and traces) and its code.
public struct CompiledExpression: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let code: [ExpressionOp]
    /// Deepest the evaluation stack gets.
    public let stackDepth: Int
    /// Whether it reads `event.*`, which has a meaning only where there is a current event.
    public let readsEvent: Bool

    public init(source: String, code: [ExpressionOp]) {
        self.source = source
        self.code = code
        self.stackDepth = CompiledExpression.depth(of: code)
        self.readsEvent = code.contains {
            switch $0 {
            case .eventCounter, .eventRung, .eventIntercepted: true
            default: false
            }
        }
    }

    /// Whether the value is fixed for a whole run: it reads no state, ledger, event or clock, only
    /// constants and calibrated parameters.
    public var isFixedPerRun: Bool {
        code.allSatisfy {
            switch $0 {
            case .state, .total, .eventCounter, .eventRung, .eventIntercepted, .maxRung, .day, .count, .first: false
            default: true
            }
        }
    }

    /// The calibrated parameters it reads.
    public var parameters: [Int] {
        code.compactMap { if case .parameter(let i) = $0 { Int(i) } else { nil } }
    }

    /// The value if the expression is a constant.
    public var constantValue: Double? {
        if code.count == 1, case .constant(let v) = code[0] { return v }
        return nil
    }

    public var description: String { source }

    static func depth(of code: [ExpressionOp]) -> Int {
        var depth = 0
        var deepest = 0
        for op in code {
            switch op {
            case .constant, .state, .total, .eventCounter, .eventRung, .eventIntercepted,
                 .maxRung, .day, .count, .first, .parameter:
                depth += 1
            case .negate, .not, .truth, .andJump, .orJump:
                break
            case .add, .subtract, .multiply, .divide, .modulo, .power,
                 .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                depth -= 1
            case .call(let f):
                depth -= f.arity - 1
            }
            deepest = Swift.max(deepest, depth)
        }
        return deepest
    }
}
