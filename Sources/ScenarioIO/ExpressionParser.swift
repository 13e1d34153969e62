import Foundation
import Stochastics

/// A problem in an expression, at a character offset within its text.
struct ExpressionProblem: Error {
    let offset: Int
    let expected: String
    let found: String
    var hint: String? = nil
}

/// Parsed expression, before names are resolved.
indirect enum ExpressionSyntax {
    case number(Double, at: Int)
    /// `tension`, `max_rung`, `day`, `true`.
    case name(String, at: Int)
    /// `total.us_killed`, `event.rung`.
    case member(String, String, at: Int, fieldAt: Int)
    case call(String, [ExpressionSyntax], at: Int)
    case unary(String, ExpressionSyntax, at: Int)
    case binary(String, ExpressionSyntax, ExpressionSyntax, at: Int)
    /// `@2020-03-11-taji.us_killed`: a number from the scenario's record (the incident catalog).
    case record(String, String, at: Int)

    var offset: Int {
        switch self {
        case .number(_, let at), .name(_, let at), .member(_, _, let at, _), .call(_, _, let at),
             .unary(_, _, let at), .binary(_, _, _, let at), .record(_, _, let at): at
        }
    }
}

/// Recursive-descent parser for the scenario expression language:
///
///     or  := and ('or' | '||') and ...        and := not ('and' | '&&') not ...
///     not := ('not' | '!') not | cmp          cmp := sum (('<' '<=' '>' '>=' '==' '!=') sum)?
///     sum := prod (('+' | '-') prod)*         prod := neg (('*' | '/' | '%') neg)*
///     neg := '-' neg | pow                    pow := atom ('^' neg)?
///     atom := number | name | name '.' name | name '(' args ')' | '(' or ')'
struct ExpressionParser {
    /// The longest expression text accepted, in characters: far beyond any real scenario
    /// (the longest bundled one is under 200), and short enough that the tree of the longest
    /// chain (`1+1+...`, one node a two characters) compiles and is freed well within a stack.
    static let maximumLength = 4_000
    /// The deepest nesting of parentheses, calls, unary operators and powers. The parser and
    /// compiler recurse once a level; this keeps them far from the end of a thread's stack.
    static let maximumDepth = 64
    /// The most binary operators in one expression. A chain `a + b + ...` is a tree as deep as
    /// it is long, so this bounds the depth the compiler walks as well.
    static let maximumOperators = 500

    enum Token: Equatable {
        case number(Double)
        case word(String)
        case symbol(String)
        /// `@<row id>.<field>`.
        case record(String, String)
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private var depth = 0
    private var operators = 0

    static func parse(_ text: String) throws(ExpressionProblem) -> ExpressionSyntax {
        let length = text.unicodeScalars.count
        if length > maximumLength {
            throw ExpressionProblem(offset: 0, expected: "an expression of at most \(maximumLength) characters",
                                    found: "\(length) characters")
        }
        var parser = ExpressionParser()
        parser.tokens = try tokenize(text)
        let tree = try parser.parseOr()
        if parser.current != .end {
            throw ExpressionProblem(offset: parser.offset, expected: "an operator or the end of the expression",
                                    found: parser.describe(parser.current))
        }
        return tree
    }

    static func tokenize(_ text: String) throws(ExpressionProblem) -> [(token: Token, offset: Int)] {
        let chars = Array(text.unicodeScalars)
        var result: [(Token, Int)] = []
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        func isWordStart(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            let start = i
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                while i < chars.count && (isDigit(chars[i]) || chars[i] == ".") { i += 1 }
                if i < chars.count && (chars[i] == "e" || chars[i] == "E") {
                    var j = i + 1
                    if j < chars.count && (chars[j] == "+" || chars[j] == "-") { j += 1 }
                    if j < chars.count && isDigit(chars[j]) {
                        i = j
                        while i < chars.count && isDigit(chars[i]) { i += 1 }
                    }
                }
                let literal = String(String.UnicodeScalarView(chars[start..<i]))
                guard let value = Double(literal), value.isFinite else {
                    throw ExpressionProblem(offset: start, expected: "a number", found: "'\(literal)'")
                }
                result.append((.number(value), start))
            } else if c == "@" {
                // A record reference: `@` row id (lowercase letters, digits, - and _), '.', field.
                i += 1
                let idStart = i
                func isIDChar(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || isDigit(c) || c == "-" || c == "_" }
                while i < chars.count && isIDChar(chars[i]) { i += 1 }
                let id = String(String.UnicodeScalarView(chars[idStart..<i]))
                guard !id.isEmpty, i < chars.count, chars[i] == ".", i + 1 < chars.count, isWordStart(chars[i + 1]) else {
                    throw ExpressionProblem(offset: start, expected: "a record reference @<row id>.<field>, such as @2020-03-11-taji.us_killed",
                                            found: "'\(String(String.UnicodeScalarView(chars[start..<min(i + 1, chars.count)])))'")
                }
                i += 1
                let fieldStart = i
                while i < chars.count && (isWordStart(chars[i]) || isDigit(chars[i])) { i += 1 }
                result.append((.record(id, String(String.UnicodeScalarView(chars[fieldStart..<i]))), start))
            } else if isWordStart(c) {
                while i < chars.count && (isWordStart(chars[i]) || isDigit(chars[i])) { i += 1 }
                result.append((.word(String(String.UnicodeScalarView(chars[start..<i]))), start))
            } else {
                let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
                if ["<=", ">=", "==", "!=", "&&", "||"].contains(two) {
                    result.append((.symbol(two), start))
                    i += 2
                } else if "+-*/%^()<>!,.".unicodeScalars.contains(c) {
                    result.append((.symbol(String(c)), start))
                    i += 1
                } else if c == "=" {
                    throw ExpressionProblem(offset: start, expected: "an operator", found: "'='",
                                            hint: "compare with '==', not '='")
                } else {
                    throw ExpressionProblem(offset: start, expected: "a number, a name or an operator",
                                            found: "'\(c)'")
                }
            }
        }
        result.append((.end, chars.count))
        return result
    }

    private var current: Token { tokens[position].token }
    private var offset: Int { tokens[position].offset }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func describe(_ token: Token) -> String {
        switch token {
        case .number(let v): "the number \(format(v))"
        case .word(let w): "'\(w)'"
        case .symbol(let s): "'\(s)'"
        case .record(let id, let field): "@\(id).\(field)"
        case .end: "the end of the expression"
        }
    }

    private func isWord(_ w: String) -> Bool { current == .word(w) }
    private func isSymbol(_ s: String) -> Bool { current == .symbol(s) }

    private mutating func parseOr() throws(ExpressionProblem) -> ExpressionSyntax {
        var left = try parseAnd()
        while isWord("or") || isSymbol("||") {
            let at = offset
            try countOperator()
            advance()
            left = .binary("or", left, try parseAnd(), at: at)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionProblem) -> ExpressionSyntax {
        var left = try parseNot()
        while isWord("and") || isSymbol("&&") {
            let at = offset
            try countOperator()
            advance()
            left = .binary("and", left, try parseNot(), at: at)
        }
        return left
    }

    /// One more binary operator, within the limit.
    private mutating func countOperator() throws(ExpressionProblem) {
        operators += 1
        if operators > Self.maximumOperators {
            throw ExpressionProblem(offset: offset, expected: "at most \(Self.maximumOperators) operators in one expression",
                                    found: "more")
        }
    }

    /// One level deeper (a parenthesis, call, unary operator or power), within the limit.
    private mutating func descend() throws(ExpressionProblem) {
        depth += 1
        if depth > Self.maximumDepth {
            throw ExpressionProblem(offset: offset, expected: "at most \(Self.maximumDepth) levels of nesting",
                                    found: "more")
        }
    }

    private mutating func parseNot() throws(ExpressionProblem) -> ExpressionSyntax {
        if isWord("not") || isSymbol("!") {
            let at = offset
            advance()
            try descend()
            defer { depth -= 1 }
            return .unary("not", try parseNot(), at: at)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionProblem) -> ExpressionSyntax {
        let left = try parseSum()
        for op in ["<", "<=", ">", ">=", "==", "!="] where isSymbol(op) {
            let at = offset
            try countOperator()
            advance()
            let right = try parseSum()
            for again in ["<", "<=", ">", ">=", "==", "!="] where isSymbol(again) {
                throw ExpressionProblem(offset: offset, expected: "'and' between two comparisons",
                                        found: "a second '\(again)'")
            }
            return .binary(op, left, right, at: at)
        }
        return left
    }

    private mutating func parseSum() throws(ExpressionProblem) -> ExpressionSyntax {
        var left = try parseProduct()
        while isSymbol("+") || isSymbol("-") {
            guard case .symbol(let op) = current else { break }
            let at = offset
            try countOperator()
            advance()
            left = .binary(op, left, try parseProduct(), at: at)
        }
        return left
    }

    private mutating func parseProduct() throws(ExpressionProblem) -> ExpressionSyntax {
        var left = try parseNegation()
        while isSymbol("*") || isSymbol("/") || isSymbol("%") {
            guard case .symbol(let op) = current else { break }
            let at = offset
            try countOperator()
            advance()
            left = .binary(op, left, try parseNegation(), at: at)
        }
        return left
    }

    private mutating func parseNegation() throws(ExpressionProblem) -> ExpressionSyntax {
        if isSymbol("-") {
            let at = offset
            advance()
            try descend()
            defer { depth -= 1 }
            return .unary("-", try parseNegation(), at: at)
        }
        if isSymbol("+") {
            advance()
            try descend()
            defer { depth -= 1 }
            return try parseNegation()
        }
        return try parsePower()
    }

    private mutating func parsePower() throws(ExpressionProblem) -> ExpressionSyntax {
        let base = try parseAtom()
        if isSymbol("^") {
            let at = offset
            try countOperator()
            advance()
            try descend()
            defer { depth -= 1 }
            return .binary("^", base, try parseNegation(), at: at)
        }
        return base
    }

    private mutating func parseAtom() throws(ExpressionProblem) -> ExpressionSyntax {
        let at = offset
        switch current {
        case .number(let v):
            advance()
            return .number(v, at: at)
        case .record(let id, let field):
            advance()
            return .record(id, field, at: at)
        case .word(let w):
            if ["and", "or", "not"].contains(w) {
                throw ExpressionProblem(offset: at, expected: "an operand", found: "'\(w)'")
            }
            advance()
            if isSymbol(".") {
                advance()
                guard case .word(let field) = current else {
                    throw ExpressionProblem(offset: offset, expected: "a field name after '\(w).'",
                                            found: describe(current))
                }
                let fieldAt = offset
                advance()
                return .member(w, field, at: at, fieldAt: fieldAt)
            }
            if isSymbol("(") {
                advance()
                try descend()
                defer { depth -= 1 }
                var arguments: [ExpressionSyntax] = []
                if !isSymbol(")") {
                    arguments.append(try parseOr())
                    while isSymbol(",") {
                        advance()
                        arguments.append(try parseOr())
                    }
                }
                guard isSymbol(")") else {
                    throw ExpressionProblem(offset: offset, expected: "',' or ')' in the call of \(w)",
                                            found: describe(current))
                }
                advance()
                return .call(w, arguments, at: at)
            }
            return .name(w, at: at)
        case .symbol("("):
            advance()
            try descend()
            defer { depth -= 1 }
            let inner = try parseOr()
            guard isSymbol(")") else {
                throw ExpressionProblem(offset: offset, expected: "')'", found: describe(current))
            }
            advance()
            return inner
        default:
            throw ExpressionProblem(offset: at, expected: "an operand (a number, a name or '(')",
                                    found: describe(current))
        }
    }
}
