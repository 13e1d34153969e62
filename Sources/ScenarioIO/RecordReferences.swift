import EscalationModel
import Record

/// What `@<row>.<field>` means in a scenario: a number of the scenario's record.
///
/// Fields: a casualty column (`us_killed`, `isf_wounded`, ...), `count` (a total's events; 1 for
/// an incident),
/// `days` (how many days the row spans), `day` and `day_end` (days from the scenario's start to
/// the row's first and last possible day), `rung`, and for totals `<column>_undated`: what the
/// total leaves once the rows it contains are taken away (`count_undated`, `us_killed_undated`).
struct RecordResolver {
    let catalog: Catalog
    let start: CivilDate?

    static let fields = ["count", "days", "day", "day_end", "rung"] + Catalog.casualtyColumns

    func value(_ id: String, _ field: String) -> Result<Documented, RecordProblem> {
        guard let row = catalog.incident(id) else {
            return .failure(RecordProblem(expected: "the id of a row of the record", found: "'\(id)'",
                                          hint: Suggestions.hint(for: id, in: catalog.incidents.map(\.id))))
        }
        if field.hasSuffix("_undated") {
            let base = String(field.dropLast("_undated".count))
            guard row.kind == .aggregate else {
                return .failure(RecordProblem(expected: "_undated only on a total (kind aggregate)", found: "\(id), a \(row.kind.rawValue)"))
            }
            guard base == "count" || Catalog.casualtyColumns.contains(base) else {
                return .failure(RecordProblem(expected: "count_undated or <casualty column>_undated", found: "'\(field)'"))
            }
            guard let rest = catalog.undated(row, field: base) else {
                return .failure(RecordProblem(expected: "a total whose \(base) and whose contained rows' \(base) are documented",
                                              found: "an unknown \(base) in \(id) or a row it contains"))
            }
            return .success(rest)
        }
        switch field {
        case "count":
            if row.kind == .incident { return .success(.exactly(1)) }
            guard let n = row.count else { return .failure(unknown(field, id)) }
            return .success(n)
        case "days":
            guard let span = row.span else {
                return .failure(RecordProblem(expected: "a row whose first day is documented", found: "\(id), dated only 'by' \(row.date.iso)"))
            }
            return .success(.exactly(Double(span)))
        case "day", "day_end":
            guard let start else {
                return .failure(RecordProblem(expected: "a scenario start: date to count days from", found: "none"))
            }
            if field == "day" && !row.startKnown {
                return .failure(RecordProblem(expected: "a row whose first day is documented", found: "\(id), dated only 'by' \(row.date.iso)"))
            }
            return .success(.exactly(Double(start.days(until: field == "day" ? row.date : row.end))))
        case "rung":
            guard let r = row.rung else { return .failure(unknown(field, id)) }
            return .success(.exactly(Double(r)))
        default:
            guard Catalog.casualtyColumns.contains(field) else {
                return .failure(RecordProblem(expected: "a field of the record (\(Self.fields.joined(separator: ", ")), or <field>_undated)",
                                              found: "'\(field)'", hint: Suggestions.hint(for: field, in: Self.fields)))
            }
            guard let n = row.casualties[field] else { return .failure(unknown(field, id)) }
            return .success(n)
        }
    }

    private func unknown(_ field: String, _ id: String) -> RecordProblem {
        RecordProblem(expected: "a documented \(field)", found: "none in \(id) (empty means unknown, not 0)")
    }

    /// A formula's value: `documented`, the interval the record allows; `figure`, the formula
    /// applied to each reference's figure (the low end of a documented range, as in any other
    /// expression); `rows`, the references read.
    struct Derived {
        let documented: Documented
        let figure: Double
        let rows: [String]
    }

    /// The documented value of a formula of record references, numbers and `+ - * /`, as an
    /// interval and as a figure; `at_least(x)` keeps only x's low end (for a list of dated rows
    /// the record does not claim is complete). `parameter` gives the values of named numbers it
    /// may use. Refuses a formula that counts one event twice (a total beside a row the total
    /// contains, directly or through a total within it, or two totals that share a row), and one
    /// whose figure is not a finite number.
    func evaluate(_ text: String, parameter: (String) -> Double?) -> Result<Derived, ExpressionProblem> {
        let tree: ExpressionSyntax
        do { tree = try ExpressionParser.parse(text) } catch { return .failure(error) }
        var rows: [(id: String, field: String, at: Int)] = []
        func walk(_ node: ExpressionSyntax) throws(ExpressionProblem) -> (Documented, Double) {
            switch node {
            case .number(let v, _):
                return (.exactly(v), v)
            case .record(let id, let field, let at):
                switch value(id, field) {
                case .success(let d):
                    rows.append((id, field, at))
                    return (d, d.figure)
                case .failure(let p):
                    throw ExpressionProblem(offset: at, expected: p.expected, found: p.found, hint: p.hint)
                }
            case .name(let name, let at):
                guard let v = parameter(name) else {
                    throw ExpressionProblem(offset: at, expected: "a record reference (@row.field), a number or a parameter", found: "'\(name)'")
                }
                return (.exactly(v), v)
            case .unary("-", let inner, _):
                let (d, f) = try walk(inner)
                return (-d, -f)
            case .call("at_least", let arguments, let at):
                guard arguments.count == 1 else {
                    throw ExpressionProblem(offset: at, expected: "at_least(<one value>)", found: "\(arguments.count) arguments")
                }
                let (d, f) = try walk(arguments[0])
                return (Documented(low: d.low, high: .infinity), f)
            case .binary(let op, let left, let right, let at) where ["+", "-", "*", "/"].contains(op):
                let (a, fa) = try walk(left), (b, fb) = try walk(right)
                switch op {
                case "+": return (a + b, fa + fb)
                case "-": return (a - b, fa - fb)
                case "*": return (a * b, fa * fb)
                default:
                    guard let q = a / b, fb != 0 else {
                        throw ExpressionProblem(offset: at, expected: "a divisor that cannot be 0", found: "\(b)")
                    }
                    return (q, fa / fb)
                }
            default:
                throw ExpressionProblem(offset: node.offset, expected: "record references, numbers and + - * / only",
                                        found: "another kind of expression")
            }
        }
        let result: (Documented, Double)
        do { result = try walk(tree) } catch { return .failure(error) }
        if let problem = doubleCount(rows) { return .failure(problem) }
        guard result.1.isFinite else {
            return .failure(ExpressionProblem(offset: 0, expected: "a formula whose figure is a finite number",
                                              found: "\(result.1) (the record gives \(result.0.words))",
                                              hint: "a floor such as 25+ has no upper end: use it where more is better, or at_least()"))
        }
        return .success(Derived(documented: result.0, figure: result.1, rows: rows.map { "@\($0.id).\($0.field)" }))
    }

    /// Two references to the same field that would count some event twice: a total and a row it
    /// contains (directly or through a total inside it), a total's `_undated` part beside the
    /// total itself, or two totals that contain a row in common.
    private func doubleCount(_ rows: [(id: String, field: String, at: Int)]) -> ExpressionProblem? {
        func base(_ field: String) -> String { field.hasSuffix("_undated") ? String(field.dropLast("_undated".count)) : field }
        for (i, a) in rows.enumerated() {
            for b in rows[(i + 1)...] where base(a.field) == base(b.field) {
                let undated = a.field != base(a.field) || b.field != base(b.field)
                if a.id == b.id {
                    guard undated else { continue }   // the same number twice is arithmetic, not a double count
                    return ExpressionProblem(offset: b.at, expected: "each documented event counted once",
                                             found: "@\(a.id).\(base(a.field)) and its undated part together")
                }
                // What a total leaves undated excludes every row inside it, so it may sit beside them.
                let aUndated = a.field != base(a.field), bUndated = b.field != base(b.field)
                let inA = catalog.closure(of: a.id), inB = catalog.closure(of: b.id)
                for (outer, outerUndated, inner, inside) in [(a, aUndated, b, inA), (b, bUndated, a, inB)]
                where !outerUndated && inside.contains(inner.id) {
                    return ExpressionProblem(
                        offset: outer.at, expected: "each documented event counted once",
                        found: "\(outer.id), which contains \(inner.id), beside \(inner.id) itself",
                        hint: "use @\(outer.id).\(base(outer.field))_undated for what the total leaves undated")
                }
                let shared = inA.intersection(inB)
                if !aUndated && !bUndated && !shared.isEmpty {
                    return ExpressionProblem(offset: b.at, expected: "each documented event counted once",
                                             found: "\(a.id) and \(b.id), which both contain \(shared.sorted().joined(separator: ", "))")
                }
            }
        }
        return nil
    }
}

struct RecordProblem: Error {
    let expected: String
    let found: String
    var hint: String? = nil
}
