import EscalationModel
import Foundation

/// How a parameter name compiles: to its value, or to a calibrated parameter's slot.
enum ParameterBinding {
    case value(Double)
    case slot(Int)
}

/// The names an expression may use, as the scenario declares them.
struct ExpressionSymbols {
    var stateVariables: [String]
    var counters: [String]
    var actions: [String]
    /// Named numbers from `constants:`, replaced by their values when compiled.
    var constants: [String: Double] = [:]
    /// Named numbers from `parameters:`.
    var parameters: [String: ParameterBinding] = [:]
    /// The scenario's record, for `@row.field`; nil when the scenario names none.
    var record: RecordResolver?

    static let reserved = Set([
        "total", "event", "day", "max_rung", "count", "first", "and", "or", "not", "true", "false",
    ] + ExpressionFunction.allCases.map(\.name))

    static let eventFields = ["rung", "intercepted"]
}

/// Resolves names and emits stack code, folding constant parts at compile time.
struct ExpressionCompiler {
    let symbols: ExpressionSymbols
    /// Whether `event.*` has a meaning where the expression is used.
    let allowsEvent: Bool

    enum Folded {
        case constant(Double)
        case code([ExpressionOp])

        var ops: [ExpressionOp] {
            switch self {
            case .constant(let v): [.constant(v)]
            case .code(let c): c
            }
        }
    }

    func compile(_ text: String) throws(ExpressionProblem) -> CompiledExpression {
        let tree = try ExpressionParser.parse(text)
        return CompiledExpression(source: text.trimmingCharacters(in: .whitespacesAndNewlines), code: try emit(tree).ops)
    }

    func emit(_ node: ExpressionSyntax) throws(ExpressionProblem) -> Folded {
        switch node {
        case .number(let v, _):
            return .constant(v)
        case .name(let name, let at):
            return try resolve(name: name, at: at)
        case .member(let base, let field, let at, let fieldAt):
            return try resolve(base: base, field: field, at: at, fieldAt: fieldAt)
        case .record(let id, let field, let at):
            guard let record = symbols.record else {
                throw ExpressionProblem(offset: at, expected: "a record: folder in the scenario before @\(id).\(field)",
                                        found: "no record")
            }
            switch record.value(id, field) {
            case .success(let d): return .constant(d.figure)
            case .failure(let p): throw ExpressionProblem(offset: at, expected: p.expected, found: p.found, hint: p.hint)
            }
        case .call(let name, let arguments, let at):
            return try call(name, arguments, at: at)
        case .unary(let op, let operand, _):
            let inner = try emit(operand)
            let instruction: ExpressionOp = op == "-" ? .negate : .not
            if case .constant(let v) = inner { return .constant(op == "-" ? -v : (truthy(v) ? 0 : 1)) }
            return .code(inner.ops + [instruction])
        case .binary(let op, let left, let right, _):
            let a = try emit(left), b = try emit(right)
            if op == "and" || op == "or" {
                if case .constant(let x) = a, case .constant(let y) = b {
                    return .constant(op == "and" ? (truthy(x) && truthy(y) ? 1 : 0) : (truthy(x) || truthy(y) ? 1 : 0))
                }
                let tail = b.ops + [.truth]
                let jump: ExpressionOp = op == "and" ? .andJump(Int32(tail.count)) : .orJump(Int32(tail.count))
                return .code(a.ops + [jump] + tail)
            }
            let instruction = ExpressionCompiler.binaryOps[op]!
            if case .constant(let x) = a, case .constant(let y) = b {
                return .constant(ExpressionCompiler.apply(instruction, x, y))
            }
            return .code(a.ops + b.ops + [instruction])
        }
    }

    static let binaryOps: [String: ExpressionOp] = [
        "+": .add, "-": .subtract, "*": .multiply, "/": .divide, "%": .modulo, "^": .power,
        "<": .less, "<=": .lessEqual, ">": .greater, ">=": .greaterEqual, "==": .equal, "!=": .notEqual,
    ]

    /// The value of a binary instruction on constants; the simulator computes the same.
    static func apply(_ op: ExpressionOp, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: x + y
        case .subtract: x - y
        case .multiply: x * y
        case .divide: x / y
        case .modulo: fmod(x, y)
        case .power: pow(x, y)
        case .less: x < y ? 1 : 0
        case .lessEqual: x <= y ? 1 : 0
        case .greater: x > y ? 1 : 0
        case .greaterEqual: x >= y ? 1 : 0
        case .equal: x == y ? 1 : 0
        case .notEqual: x != y ? 1 : 0
        default: .nan
        }
    }

    func truthy(_ x: Double) -> Bool { x != 0 && !x.isNaN }

    private var nameKinds: String {
        "a state variable, a parameter, a constant, total.<counter>, event.<field>, max_rung, day or a function"
    }

    func resolve(name: String, at: Int) throws(ExpressionProblem) -> Folded {
        switch name {
        case "true": return .constant(1)
        case "false": return .constant(0)
        case "day": return .code([.day])
        case "max_rung": return .code([.maxRung])
        case "total", "event":
            throw ExpressionProblem(offset: at, expected: "\(name).<field>", found: "'\(name)' alone")
        default:
            if let i = symbols.stateVariables.firstIndex(of: name) { return .code([.state(Int32(i))]) }
            if let v = symbols.constants[name] { return .constant(v) }
            switch symbols.parameters[name] {
            case .value(let v)?: return .constant(v)
            case .slot(let k)?: return .code([.parameter(Int32(k))])
            case nil: break
            }
            if ExpressionFunction.allCases.contains(where: { $0.name == name }) || name == "count" || name == "first" {
                throw ExpressionProblem(offset: at, expected: "'(' after the function \(name)", found: "'\(name)' alone")
            }
            let candidates = symbols.stateVariables + symbols.constants.keys.sorted() + symbols.parameters.keys.sorted()
                + ["day", "max_rung", "true", "false"]
            throw ExpressionProblem(offset: at, expected: nameKinds, found: "'\(name)'",
                                    hint: Suggestions.hint(for: name, in: candidates))
        }
    }

    func resolve(base: String, field: String, at: Int, fieldAt: Int) throws(ExpressionProblem) -> Folded {
        switch base {
        case "total":
            if let i = symbols.counters.firstIndex(of: field) { return .code([.total(Int32(i))]) }
            throw ExpressionProblem(offset: fieldAt, expected: "a ledger counter after total.", found: "'\(field)'",
                                    hint: Suggestions.hint(for: field, in: symbols.counters))
        case "event":
            guard allowsEvent else {
                throw ExpressionProblem(offset: at, expected: "no event.* here (there is no current event)",
                                        found: "event.\(field)")
            }
            if field == "rung" { return .code([.eventRung]) }
            if field == "intercepted" { return .code([.eventIntercepted]) }
            if let i = symbols.counters.firstIndex(of: field) { return .code([.eventCounter(Int32(i))]) }
            throw ExpressionProblem(offset: fieldAt, expected: "rung, intercepted or a ledger counter after event.",
                                    found: "'\(field)'",
                                    hint: Suggestions.hint(for: field, in: symbols.counters + ExpressionSymbols.eventFields))
        default:
            throw ExpressionProblem(offset: at, expected: "total.<counter> or event.<field>", found: "'\(base).\(field)'",
                                    hint: Suggestions.hint(for: base, in: ["total", "event"]))
        }
    }

    func call(_ name: String, _ arguments: [ExpressionSyntax], at: Int) throws(ExpressionProblem) -> Folded {
        if name == "count" || name == "first" {
            guard arguments.count == 1, case .name(let action, let actionAt) = arguments[0] else {
                throw ExpressionProblem(offset: at, expected: "\(name)(<action>) with one action name",
                                        found: "\(arguments.count) argument(s)")
            }
            guard let i = symbols.actions.firstIndex(of: action) else {
                throw ExpressionProblem(offset: actionAt, expected: "an action", found: "'\(action)'",
                                        hint: Suggestions.hint(for: action, in: symbols.actions))
            }
            return .code([name == "count" ? .count(Int32(i)) : .first(Int32(i))])
        }
        guard let function = ExpressionFunction.allCases.first(where: { $0.name == name }) else {
            let names = ExpressionFunction.allCases.map(\.name) + ["count", "first"]
            throw ExpressionProblem(offset: at, expected: "a function (\(names.joined(separator: ", ")))",
                                    found: "'\(name)'", hint: Suggestions.hint(for: name, in: names))
        }
        guard arguments.count == function.arity else {
            throw ExpressionProblem(offset: at, expected: "\(function.arity) argument(s) to \(name)",
                                    found: "\(arguments.count)")
        }
        var parts: [Folded] = []
        for argument in arguments { parts.append(try emit(argument)) }
        let constants = parts.compactMap { if case .constant(let v) = $0 { v } else { nil } }
        if constants.count == parts.count { return .constant(ExpressionCompiler.apply(function, constants)) }
        return .code(parts.flatMap(\.ops) + [.call(function)])
    }

    /// The value of a function on constants; the simulator computes the same.
    static func apply(_ f: ExpressionFunction, _ x: [Double]) -> Double {
        switch f {
        case .min: Swift.min(x[0], x[1])
        case .max: Swift.max(x[0], x[1])
        case .abs: Swift.abs(x[0])
        case .sqrt: x[0].squareRoot()
        case .exp: Foundation.exp(x[0])
        case .log: Foundation.log(x[0])
        case .floor: x[0].rounded(.down)
        case .ceil: x[0].rounded(.up)
        case .clamp: Swift.min(Swift.max(x[0], x[1]), x[2])
        case .ifThenElse: x[0] != 0 && !x[0].isNaN ? x[1] : x[2]
        }
    }
}
