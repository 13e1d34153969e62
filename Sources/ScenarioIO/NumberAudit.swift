import EscalationModel
import Stochastics

/// Finds the numbers of a scenario that say nowhere where they come from, for
/// `escalation validate --strict` and `escalation sources`.
///
/// Outside `parameters:` a number must be 0 or 1, a parameter's name, or a record reference
/// (`"@2020-03-11-taji.us_killed"`). Exempt are the ladder and the frame of the episode: rungs
/// (`rung`, `min_rung`, a proportional `offset`, a rung compared with `max_rung` or
/// `event.rung`), the bounds of a state variable's scale (`min`, `max`), the thinning bound
/// `max_rate`, `max_events`, dates, and the `start` and `horizon` of the episode. Inside
/// `parameters:` every number needs an origin: a record formula, an assumption range with its
/// reason, or a prior; and a label.
enum NumberAudit {
    static let skippedSections: Set<String> = [
        "parameters", "calibration", "hindcast", "rungs", "sides", "record", "title", "summary", "name", "start", "horizon",
        "max_events",
    ]
    static let exemptKeys: Set<String> = [
        "rung", "min", "max", "min_rung", "max_rate", "offset", "name", "label", "note", "narrative", "source", "why", "unit",
        "from",
    ]

    static func run(_ root: YAMLNode, parameters: [ScenarioParameter]) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for p in parameters {
            let path = "parameters.\(p.id)"
            switch p.origin {
            case .unlabelled:
                found.append(Diagnostic(p.location, path: path,
                                        expected: "an origin: a record formula as value:, assumption: [low, high] with why:, or prior:",
                                        found: "the bare number \(format(p.value))"))
            case .assumption where (p.why ?? "").isEmpty:
                found.append(Diagnostic(p.location, path: path, expected: "why: the reason the value and its range are plausible",
                                        found: "an assumption without a reason"))
            default: break
            }
            if (p.label ?? "").isEmpty {
                found.append(Diagnostic(p.location, path: path, expected: "a label: saying what the number is", found: "none"))
            }
        }
        if case .mapping(let pairs) = root.value {
            for pair in pairs where pair.key == "constants" {
                if case .mapping(let constants) = pair.value.value {
                    for c in constants {
                        found.append(Diagnostic(c.keyLocation, path: "constants.\(c.key)",
                                                expected: "a parameter with an origin (parameters:), not a bare constant",
                                                found: "the constant \(c.key)"))
                    }
                }
            }
            for pair in pairs where !skippedSections.contains(pair.key) && pair.key != "constants" {
                walk(pair.value, path: pair.key, key: pair.key, into: &found)
            }
        }
        return found
    }

    private static func walk(_ node: YAMLNode, path: String, key: String, into found: inout [Diagnostic]) {
        if exemptKeys.contains(key) { return }
        switch node.value {
        case .mapping(let pairs):
            for pair in pairs { walk(pair.value, path: path + "." + pair.key, key: pair.key, into: &found) }
        case .sequence(let items):
            for (i, item) in items.enumerated() { walk(item, path: path + "." + String(i), key: key, into: &found) }
        case .scalar(let text, let quoted):
            check(text, quoted: quoted, at: node.location, path: path, key: key, into: &found)
        case .null:
            break
        }
    }

    private static func check(_ text: String, quoted: Bool, at location: SourceLocation, path: String, key: String,
                              into found: inout [Diagnostic]) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if CivilDate(iso: trimmed) != nil { return }
        guard trimmed.contains(where: \.isNumber) else { return }
        let expected = key == "documented"
            ? "a documented value from the record (\"@row.field\")"
            : "a parameter's name, a record reference (\"@row.field\"), 0 or 1"
        if let v = Double(trimmed.replacingOccurrences(of: "_", with: "")) {
            if v != 0 && v != 1 { found.append(Diagnostic(location, path: path, expected: expected, found: "the unlabelled number \(trimmed)")) }
            return
        }
        guard let tokens = try? ExpressionParser.tokenize(text) else { return }
        for (i, (token, offset)) in tokens.enumerated() {
            guard case .number(let v) = token, v != 0, v != 1, !comparesRung(tokens.map(\.token), at: i) else { continue }
            let literal = text.dropFirst(offset).prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" }
            found.append(Diagnostic(location.advanced(by: offset + (quoted ? 1 : 0)), path: path, expected: expected,
                                    found: "the unlabelled number \(literal) in '\(trimmed)'"))
        }
    }

    /// A rung in a comparison with `max_rung` or `event.rung`, on either side.
    private static func comparesRung(_ tokens: [ExpressionParser.Token], at i: Int) -> Bool {
        let comparisons: Set<String> = ["<", "<=", ">", ">=", "==", "!="]
        func isComparison(_ j: Int) -> Bool {
            if j >= 0, j < tokens.count, case .symbol(let s) = tokens[j] { return comparisons.contains(s) }
            return false
        }
        func isRung(_ j: Int) -> Bool {
            guard j >= 0, j < tokens.count, case .word(let w) = tokens[j] else { return false }
            return w == "max_rung" || (w == "rung" && j >= 2 && tokens[j - 1] == .symbol(".") && tokens[j - 2] == .word("event"))
        }
        if isComparison(i - 1) && isRung(i - 2) { return true }
        if isComparison(i + 1) && (isRung(i + 2) || (i + 4 < tokens.count && tokens[i + 2] == .word("event") && isRung(i + 4))) { return true }
        return false
    }
}
