import EscalationModel
import Record
import Stochastics

/// The keys of one mapping, checked against the keys its place allows.
struct Fields {
    let node: YAMLNode
    let path: String
    let pairs: [(key: String, keyLocation: SourceLocation, value: YAMLNode)]

    subscript(key: String) -> YAMLNode? { pairs.first { $0.key == key }?.value }

    func path(_ key: String) -> String { join(path, key) }
}

func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

extension ScenarioCompiler {
    // MARK: Shapes

    /// A mapping whose keys must be among `allowed`; unknown keys are reported (with the nearest
    /// known key as a suggestion) and dropped.
    mutating func fields(_ node: YAMLNode, _ path: String, allowed: [String], what: String) -> Fields? {
        guard case .mapping(let pairs) = node.value else {
            error(node, path, expected: what, found: node.kindDescription)
            return nil
        }
        var kept: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []
        for pair in pairs {
            if allowed.contains(pair.key) {
                kept.append(pair)
            } else {
                diagnostics.error(pair.keyLocation, path, expected: "a key of \(what) (\(allowed.joined(separator: ", ")))",
                                  found: "'\(pair.key)'", hint: Suggestions.hint(for: pair.key, in: allowed))
            }
        }
        return Fields(node: node, path: path, pairs: kept)
    }

    /// A mapping from identifiers to entries (actors, actions, ...), in file order.
    mutating func entries(_ node: YAMLNode?, _ path: String, what: String) -> [(id: String, node: YAMLNode)] {
        guard let node else { return [] }
        guard case .mapping(let pairs) = node.value else {
            error(node, path, expected: "a mapping of \(what) by name", found: node.kindDescription)
            return []
        }
        var result: [(id: String, node: YAMLNode)] = []
        for pair in pairs {
            if isIdentifier(pair.key) {
                result.append((pair.key, pair.value))
            } else {
                diagnostics.error(pair.keyLocation, path,
                                  expected: "a name of lowercase letters, digits and _, starting with a letter",
                                  found: "'\(pair.key)'")
            }
        }
        return result
    }

    func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    mutating func require(_ f: Fields, _ key: String, _ expected: String) -> YAMLNode? {
        if let node = f[key] { return node }
        error(f.node, f.path, expected: "a key '\(key)' (\(expected))", found: "none")
        return nil
    }

    /// One item or a list of items.
    mutating func list(_ node: YAMLNode) -> [YAMLNode] {
        if case .sequence(let items) = node.value { return items }
        return [node]
    }

    // MARK: Scalars

    /// A text value: a name or label on one line, or (`prose`) a narrative, note or explanation,
    /// which may break lines. No control character passes (see `firstControlCharacter`).
    mutating func text(_ node: YAMLNode, _ path: String, expected: String = "text", prose: Bool = false) -> String? {
        guard let s = node.scalar else {
            error(node, path, expected: expected, found: node.kindDescription)
            return nil
        }
        if let control = firstControlCharacter(in: s, lineBreaks: prose) {
            error(node, path, expected: prose ? "text without control characters" : "text on one line, without control characters",
                  found: control == "\n" ? "a line break" : "the control character \(codePoint(control))")
            return nil
        }
        return s
    }

    /// A number fixed before any run: written out, the name of a constant or of a parameter that
    /// is not calibrated, or a formula of the record (`"@2020-03-11-taji.us_killed"`).
    mutating func number(_ node: YAMLNode, _ path: String, expected: String = "a number") -> Double? {
        if let s = node.scalar {
            if let v = parseNumber(s) { return v }
            let name = s.trimmingCharacters(in: .whitespaces)
            if let v = expressionSymbols.constants[name] { return v }
            switch expressionSymbols.parameters[name] {
            case .value(let v)?:
                noteUses(name, at: path)
                return v
            case .slot?:
                error(node, path, expected: "\(expected), fixed before the run (a calibrated parameter changes from run to run)",
                      found: "the calibrated parameter '\(name)'")
                return nil
            case nil: break
            }
            if name.contains("@") {
                // A formula over the record; compileExpression has said what is wrong if it fails.
                guard let e = compileExpression(s, node, path, event: false) else { return nil }
                if let v = e.constantValue { return v }
                error(node, path, expected: "\(expected), fixed before the run", found: "an expression that changes during the run")
                return nil
            }
        }
        error(node, path, expected: expected, found: node.kindDescription)
        return nil
    }

    mutating func integer(_ node: YAMLNode, _ path: String, in range: ClosedRange<Int>, expected: String) -> Int? {
        if let s = node.scalar, let v = Int(s), range.contains(v) { return v }
        error(node, path, expected: expected, found: node.kindDescription)
        return nil
    }

    mutating func boolean(_ node: YAMLNode, _ path: String) -> Bool? {
        switch node.scalar {
        case "true": return true
        case "false": return false
        default:
            error(node, path, expected: "true or false", found: node.kindDescription)
            return nil
        }
    }

    /// Decimal numbers as YAML writes them; no hex, no inf, no nan.
    func parseNumber(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.unicodeScalars.allSatisfy({ "0123456789+-.eE_".unicodeScalars.contains($0) }),
              let v = Double(t.replacingOccurrences(of: "_", with: "")), v.isFinite
        else { return nil }
        return v
    }

    /// A day: a number of days from the start, or a date (`2020-03-26`), which needs `start:`; or
    /// a parameter or record formula giving days (`"@2020-03-29-k1-handover.day"`).
    mutating func day(_ node: YAMLNode, _ path: String) -> Double? {
        guard let s = node.scalar else {
            error(node, path, expected: "a day number or a date (YYYY-MM-DD)", found: node.kindDescription)
            return nil
        }
        let name = s.trimmingCharacters(in: .whitespaces)
        if CivilDate(iso: name) == nil, parseNumber(s) == nil,
           name.contains("@") || expressionSymbols.parameters[name] != nil || expressionSymbols.constants[name] != nil {
            guard let v = number(node, path, expected: "a day number or a date (YYYY-MM-DD)") else { return nil }
            if v >= 0 { return v }
            error(node, path, expected: "a day on or after the start (day 0)", found: "day \(format(v))")
            return nil
        }
        if let v = parseNumber(s) {
            if v >= 0 { return v }
            error(node, path, expected: "a day number of 0 or more", found: "'\(s)'")
            return nil
        }
        guard let date = CivilDate(iso: s) else {
            error(node, path, expected: "a day number or a date (YYYY-MM-DD)", found: node.kindDescription)
            return nil
        }
        guard let start else {
            error(node, path, expected: "a day number (a date needs the scenario's start: date)", found: "'\(s)'")
            return nil
        }
        let days = start.days(until: date)
        if days < 0 {
            error(node, path, expected: "a date on or after the start (\(start.iso))", found: "'\(s)'")
            return nil
        }
        return Double(days)
    }

    // MARK: Names

    /// A reference to a named entry: reported with a suggestion if it does not exist.
    mutating func reference(_ node: YAMLNode, _ path: String, kind: String, names: [String]) -> Int? {
        guard let s = node.scalar else {
            error(node, path, expected: "the name of \(kind)", found: node.kindDescription)
            return nil
        }
        if let i = names.firstIndex(of: s) { return i }
        error(node, path, expected: "the name of \(kind)", found: "'\(s)'", hint: Suggestions.hint(for: s, in: names))
        return nil
    }

    mutating func references(_ node: YAMLNode, _ path: String, kind: String, names: [String]) -> [Int]? {
        var result: [Int] = []
        var ok = true
        for (i, item) in list(node).enumerated() {
            let itemPath = node.scalar == nil ? join(path, String(i)) : path
            if let r = reference(item, itemPath, kind: kind, names: names) { result.append(r) } else { ok = false }
        }
        return ok ? result : nil
    }

    // MARK: Numbers that may be expressions

    /// A number or an expression. `minimum`/`maximum` bound a constant (and say what is expected).
    mutating func quantity(_ node: YAMLNode, _ path: String, event: Bool, minimum: Double? = nil,
                           maximum: Double? = nil, expected: String = "a number or an expression") -> Quantity? {
        guard case .scalar(let s, let quoted) = node.value else {
            error(node, path, expected: expected, found: node.kindDescription)
            return nil
        }
        if !quoted, let v = parseNumber(s) {
            return bounded(v, node, path, minimum: minimum, maximum: maximum, expected: expected) ? .constant(v) : nil
        }
        guard let expression = compileExpression(s, node, path, event: event) else { return nil }
        if let v = expression.constantValue {
            return bounded(v, node, path, minimum: minimum, maximum: maximum, expected: expected) ? .constant(v) : nil
        }
        return .expression(expression)
    }

    private mutating func bounded(_ v: Double, _ node: YAMLNode, _ path: String, minimum: Double?, maximum: Double?,
                                  expected: String) -> Bool {
        if let minimum, v < minimum {
            error(node, path, expected: expected, found: format(v))
            return false
        }
        if let maximum, v > maximum {
            error(node, path, expected: expected, found: format(v))
            return false
        }
        return true
    }

    mutating func probability(_ node: YAMLNode, _ path: String, event: Bool) -> Quantity? {
        quantity(node, path, event: event, minimum: 0, maximum: 1,
                 expected: "a probability from 0 to 1 (or an expression)")
    }

    mutating func condition(_ node: YAMLNode, _ path: String, event: Bool) -> CompiledExpression? {
        guard case .scalar(let s, _) = node.value else {
            error(node, path, expected: "a condition such as 'event.us_killed >= 1'", found: node.kindDescription)
            return nil
        }
        return compileExpression(s, node, path, event: event)
    }

    mutating func compileExpression(_ text: String, _ node: YAMLNode, _ path: String, event: Bool) -> CompiledExpression? {
        let compiler = ExpressionCompiler(symbols: expressionSymbols, allowsEvent: event)
        do {
            let compiled = try compiler.compile(text)
            noteUses(text, at: path)
            if text.contains("@") {
                recordUses.append(RecordUse(path: path, formula: text.trimmingCharacters(in: .whitespaces),
                                            value: compiled.constantValue ?? .nan))
            }
            return compiled
        } catch {
            var shift = 0
            if case .scalar(_, let quoted) = node.value, quoted { shift = 1 }
            diagnostics.error(node.location.advanced(by: error.offset + shift), path, expected: error.expected,
                              found: error.found, hint: error.hint)
            return nil
        }
    }

    // MARK: Distributions

    static let distributionNames = Distribution.Kind.allCases.map(\.name)

    /// A random quantity: a number or expression (fixed), or `{kind: parameters}` such as
    /// `{gamma: {shape: 2, scale: 1.5}}`, `{poisson: 0.3}`, `{discrete: {0: 0.5, 1: 0.5}}`.
    /// `nonNegative` refuses kinds and constants that can draw below 0 (delays, casualties).
    mutating func randomQuantity(_ node: YAMLNode, _ path: String, event: Bool, nonNegative: Bool) -> RandomQuantity? {
        let expectedKinds = "a number or {kind: parameters} with kind one of \(Self.distributionNames.joined(separator: ", "))"
        if case .scalar = node.value {
            guard let q = quantity(node, path, event: event, minimum: nonNegative ? 0 : nil,
                                   expected: nonNegative ? "a number of 0 or more, or a distribution" : expectedKinds)
            else { return nil }
            return RandomQuantity(kind: .fixed, a: q)
        }
        guard case .mapping(let pairs) = node.value, pairs.count == 1 else {
            error(node, path, expected: expectedKinds, found: node.kindDescription)
            return nil
        }
        let (name, keyLocation, body) = pairs[0]
        guard let kind = Distribution.Kind.allCases.first(where: { $0.name == name }) else {
            diagnostics.error(keyLocation, path, expected: "a distribution (\(Self.distributionNames.joined(separator: ", ")))",
                              found: "'\(name)'", hint: Suggestions.hint(for: name, in: Self.distributionNames))
            return nil
        }
        let here = join(path, name)
        var result: RandomQuantity?
        switch kind {
        case .fixed:
            result = quantity(body, here, event: event).map { RandomQuantity(kind: .fixed, a: $0) }
        case .exponential:
            result = single(body, here, "mean", event: event).map { RandomQuantity(kind: kind, a: $0) }
        case .poisson:
            result = single(body, here, "mean", event: event).map { RandomQuantity(kind: kind, a: $0) }
        case .bernoulli:
            result = single(body, here, "p", event: event, probability: true).map { RandomQuantity(kind: kind, a: $0) }
        case .uniform:
            result = pair(body, here, "min", "max", event: event).map { RandomQuantity(kind: kind, a: $0.0, b: $0.1) }
        case .negativeBinomial:
            result = pair(body, here, "mean", "dispersion", event: event).map { RandomQuantity(kind: kind, a: $0.0, b: $0.1) }
        case .gamma:
            result = gamma(body, here, event: event)
        case .lognormal:
            result = lognormal(body, here, event: event)
        case .discrete:
            result = discrete(body, here)
        }
        guard let result else { return nil }
        if let distribution = result.constantDistribution, let problem = distribution.validate() {
            error(node, path, expected: "\(name) with \(problem.expected)", found: problem.found)
            return nil
        }
        if nonNegative, let distribution = result.constantDistribution, distribution.minimum < 0 {
            error(node, path, expected: "a distribution that never draws below 0",
                  found: "\(name) with a minimum of \(format(distribution.minimum))")
            return nil
        }
        return result
    }

    /// `{poisson: 0.3}` or `{poisson: {mean: 0.3}}`.
    private mutating func single(_ body: YAMLNode, _ path: String, _ key: String, event: Bool,
                                 probability: Bool = false) -> Quantity? {
        var node = body
        var at = path
        if case .mapping = body.value {
            guard let f = fields(body, path, allowed: [key], what: "this distribution"),
                  let inner = require(f, key, "a number or an expression") else { return nil }
            node = inner
            at = f.path(key)
        }
        return probability ? self.probability(node, at, event: event) : quantity(node, at, event: event)
    }

    private mutating func pair(_ body: YAMLNode, _ path: String, _ first: String, _ second: String,
                               event: Bool) -> (Quantity, Quantity)? {
        guard let f = fields(body, path, allowed: [first, second], what: "this distribution") else { return nil }
        let a = require(f, first, "a number or an expression").flatMap { quantity($0, f.path(first), event: event) }
        let b = require(f, second, "a number or an expression").flatMap { quantity($0, f.path(second), event: event) }
        guard let a, let b else { return nil }
        return (a, b)
    }

    /// `{shape, scale}` or `{shape, mean}` (scale = mean / shape).
    private mutating func gamma(_ body: YAMLNode, _ path: String, event: Bool) -> RandomQuantity? {
        guard let f = fields(body, path, allowed: ["shape", "scale", "mean"], what: "a gamma distribution"),
              let shapeNode = require(f, "shape", "a number greater than 0"),
              let shape = quantity(shapeNode, f.path("shape"), event: event) else { return nil }
        switch (f["scale"], f["mean"]) {
        case (let scale?, nil):
            return quantity(scale, f.path("scale"), event: event).map { RandomQuantity(kind: .gamma, a: shape, b: $0) }
        case (nil, let mean?):
            guard let m = quantity(mean, f.path("mean"), event: event) else { return nil }
            return RandomQuantity(kind: .gamma, a: shape, b: divide(m, by: shape))
        default:
            error(body, path, expected: "exactly one of scale and mean beside shape",
                  found: f["scale"] == nil ? "neither" : "both")
            return nil
        }
    }

    /// `{mu, sigma}` or `{median, sigma}` (mu = log median).
    private mutating func lognormal(_ body: YAMLNode, _ path: String, event: Bool) -> RandomQuantity? {
        guard let f = fields(body, path, allowed: ["mu", "median", "sigma"], what: "a lognormal distribution"),
              let sigmaNode = require(f, "sigma", "a number of 0 or more"),
              let sigma = quantity(sigmaNode, f.path("sigma"), event: event) else { return nil }
        switch (f["mu"], f["median"]) {
        case (let mu?, nil):
            return quantity(mu, f.path("mu"), event: event).map { RandomQuantity(kind: .lognormal, a: $0, b: sigma) }
        case (nil, let median?):
            guard let m = quantity(median, f.path("median"), event: event, minimum: Double.leastNonzeroMagnitude,
                                   expected: "a median greater than 0") else { return nil }
            return RandomQuantity(kind: .lognormal, a: logarithm(m), b: sigma)
        default:
            error(body, path, expected: "exactly one of mu and median beside sigma",
                  found: f["mu"] == nil ? "neither" : "both")
            return nil
        }
    }

    /// `{values: [...], weights: [...]}` or `{value: weight, ...}`.
    private mutating func discrete(_ body: YAMLNode, _ path: String) -> RandomQuantity? {
        guard case .mapping(let pairs) = body.value else {
            error(body, path, expected: "{values: [...], weights: [...]} or a mapping of value: weight",
                  found: body.kindDescription)
            return nil
        }
        var values: [Double] = []
        var weights: [Double] = []
        if pairs.contains(where: { $0.key == "values" || $0.key == "weights" }) {
            guard let f = fields(body, path, allowed: ["values", "weights"], what: "a discrete distribution"),
                  let v = require(f, "values", "a list of numbers"), let w = require(f, "weights", "a list of numbers")
            else { return nil }
            guard case .sequence(let vs) = v.value, case .sequence(let ws) = w.value else {
                error(body, path, expected: "values and weights as lists", found: "\(v.kindDescription) and \(w.kindDescription)")
                return nil
            }
            for (i, item) in vs.enumerated() { if let x = number(item, join(f.path("values"), String(i))) { values.append(x) } }
            for (i, item) in ws.enumerated() { if let x = number(item, join(f.path("weights"), String(i))) { weights.append(x) } }
            guard values.count == vs.count, weights.count == ws.count else { return nil }
        } else {
            for pair in pairs {
                guard let v = parseNumber(pair.key) else {
                    diagnostics.error(pair.keyLocation, path, expected: "a number as the value", found: "'\(pair.key)'")
                    return nil
                }
                guard let w = number(pair.value, join(path, pair.key), expected: "a weight of 0 or more") else { return nil }
                values.append(v)
                weights.append(w)
            }
        }
        do {
            return RandomQuantity(kind: .discrete, table: try DiscreteTable(values: values, weights: weights))
        } catch {
            let found = switch error {
            case .empty: "no values"
            case .lengthMismatch(let v, let w): "\(v) values and \(w) weights"
            case .negativeWeight(let i, let w): "weight \(format(w)) at position \(i)"
            case .zeroTotal: "weights that sum to 0"
            }
            self.error(body, path, expected: "as many weights as values, each 0 or more, not all 0", found: found)
            return nil
        }
    }

    private func divide(_ q: Quantity, by d: Quantity) -> Quantity {
        if let x = q.constantValue, let y = d.constantValue { return .constant(x / y) }
        return .expression(CompiledExpression(source: "(\(q)) / (\(d))", code: ops(q) + ops(d) + [.divide]))
    }

    private func logarithm(_ q: Quantity) -> Quantity {
        if let x = q.constantValue { return .constant(Foundation.log(x)) }
        return .expression(CompiledExpression(source: "log(\(q))", code: ops(q) + [.call(.log)]))
    }

    private func ops(_ q: Quantity) -> [ExpressionOp] {
        switch q {
        case .constant(let v): [.constant(v)]
        case .expression(let e): e.code
        }
    }
}

import Foundation
