import EscalationModel
import Foundation
import Record

/// The posterior sample file `escalation calibrate` writes and batches draw from: CSV with a
/// header `draw,weight,<parameter>...` and one row a draw.
public enum PosteriorFile {
    /// The file's text. Numbers are written in their shortest form that reads back exactly.
    public static func text(_ posterior: Posterior) -> String {
        var out = (["draw", "weight"] + posterior.names).joined(separator: ",") + "\n"
        for d in 0..<posterior.count {
            out += String(d) + "," + number(posterior.weights[d])
            for v in posterior.draw(d) { out += "," + number(v) }
            out += "\n"
        }
        return out
    }

    static func number(_ x: Double) -> String {
        x == x.rounded(.towardZero) && abs(x) < 9e15 ? String(Int64(x)) : x.description
    }

    /// Reads a posterior for the parameters `names`, in that order, each value inside its
    /// prior's `supports` when given. Columns for `ignored` parameters (calibrated, but pinned to a
    /// value here) are skipped.
    /// Whether the file's last byte is a newline.
    static func endsWithNewline(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd(), end > 0, (try? handle.seek(toOffset: end - 1)) != nil else { return false }
        return (try? handle.read(upToCount: 1)) == Data([UInt8(ascii: "\n")])
    }

    public static func read(path: String, names: [String], supports: [ClosedRange<Double>]? = nil,
                            ignored: Set<String> = []) throws -> Posterior {
        let table = try CSVTable(readingFrom: path)
        // `calibrate` ends every row with a newline: a file without one after its last row was
        // cut short, and its last number may be a cut one ("0.9" read as "0.").
        if let last = table.rows.last?.last ?? table.header.last, !endsWithNewline(path) {
            throw ScenarioError([Diagnostic(SourceLocation(file: table.path, line: last.line, column: last.column + last.text.count),
                                            path: "", expected: "a newline after the last row (a file written by escalation calibrate)",
                                            found: "the end of the file: it may have been cut short")])
        }
        var problems: [Diagnostic] = []
        func problem(_ f: CSVTable.Field, _ path: String, expected: String, found: String) {
            problems.append(Diagnostic(SourceLocation(file: table.path, line: f.line, column: f.column), path: path,
                                       expected: expected, found: found))
        }
        let header = table.header.map(\.text)
        guard header.count >= 2, header[0] == "draw", header[1] == "weight" else {
            throw ScenarioError([Diagnostic(SourceLocation(file: table.path, line: 1, column: 1), path: "header",
                                            expected: "columns draw,weight,<parameter>... (a file written by escalation calibrate)",
                                            found: header.joined(separator: ","))])
        }
        let columns = Array(header.dropFirst(2))
        for (i, c) in columns.enumerated() where !names.contains(c) && !ignored.contains(c) {
            problem(table.header[i + 2], "header", expected: "a calibrated parameter of the scenario (\(names.joined(separator: ", ")))",
                    found: "'\(c)'")
        }
        for n in names where !columns.contains(n) {
            problem(table.header[0], "header", expected: "a column for every calibrated parameter", found: "none for '\(n)'")
        }
        if !problems.isEmpty { throw ScenarioError(problems) }
        let index = names.map { columns.firstIndex(of: $0)! + 2 }
        var values: [Double] = []
        var weights: [Double] = []
        values.reserveCapacity(table.rows.count * names.count)
        for (r, row) in table.rows.enumerated() {
            guard row.count == header.count else {
                problem(row[0], "row \(r + 1)", expected: "\(header.count) fields", found: "\(row.count)")
                continue
            }
            if problems.count >= 20 { break }   // enough to show what is wrong with the file
            if Int(row[0].text) != r { problem(row[0], "draw", expected: "draws numbered 0, 1, 2, ... in order", found: "'\(row[0].text)'") }
            if let w = Double(row[1].text), w.isFinite, w >= 0 { weights.append(w) } else {
                problem(row[1], "weight", expected: "a weight of 0 or more", found: "'\(row[1].text)'")
            }
            for (k, i) in index.enumerated() {
                guard let v = Double(row[i].text), v.isFinite else {
                    problem(row[i], names[k], expected: "a finite number", found: "'\(row[i].text)'")
                    continue
                }
                if let support = supports?[k], !support.contains(v) {
                    problem(row[i], names[k], expected: "a value its prior allows (\(number(support.lowerBound)) to "
                            + "\(support.upperBound == .infinity ? "∞" : number(support.upperBound)))", found: "'\(row[i].text)'")
                }
                values.append(v)
            }
        }
        if table.rows.isEmpty {
            problems.append(Diagnostic(SourceLocation(file: table.path, line: 1, column: 1), path: "", expected: "at least one draw", found: "none"))
        } else if problems.isEmpty && weights.reduce(0, +) <= 0 {
            problems.append(Diagnostic(SourceLocation(file: table.path, line: 2, column: 1), path: "weight",
                                       expected: "weights with a positive sum", found: "all 0"))
        }
        if !problems.isEmpty { throw ScenarioError(problems) }
        return Posterior(names: names, values: values, weights: weights)
    }
}
