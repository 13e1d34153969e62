import EscalationModel
import Foundation
import Record

/// The incident catalog for people (a dated table) and for programs (CSV, JSON).
public enum IncidentTable {
    public static func when(_ i: Catalog.Incident) -> String {
        switch i.precision {
        case .day: i.date.iso
        case .month: String(i.date.iso.prefix(7))
        case .range: "\(i.date.iso)…\(i.end.iso)"
        case .by: "by \(i.date.iso)"
        }
    }

    static func casualties(_ i: Catalog.Incident) -> String {
        var parts: [String] = []
        for kind in ["killed", "wounded"] {
            let bits = Catalog.casualtyColumns.filter { $0.hasSuffix("_" + kind) }.compactMap { column -> String? in
                guard let n = i.casualties[column] else { return nil }
                return "\(n) \(column.dropLast(kind.count + 1))"
            }
            if !bits.isEmpty { parts.append(bits.joined(separator: ", ") + " " + kind) }
        }
        return parts.joined(separator: "; ")
    }

    public static func render(_ incidents: [Catalog.Incident], catalog: Catalog) -> String {
        var rows = [["date", "kind", "actor → target", "action (rung)", "place", "casualties", "sources"]]
        var notes: [String] = []
        for i in incidents {
            let who = (i.actor ?? "any") + " → " + (i.target ?? "—")
            var what = i.action ?? "all"
            if let r = i.rung { what += " (\(r))" }
            if let n = i.count { what += " ×\(n)" }
            rows.append([when(i), i.kind.rawValue, who, what, i.place, casualties(i), i.sources.joined(separator: "; ")])
            if !i.contains.isEmpty {
                var parts = ["\(i.id) contains \(i.contains.joined(separator: ", "))"]
                if let rest = catalog.undated(i, field: "count") { parts.append("leaves \(rest) of its count undated") }
                for c in Catalog.casualtyColumns where i.casualties[c] != nil {
                    if let rest = catalog.undated(i, field: c) { parts.append("\(rest) of its \(c) undated") }
                }
                notes.append(parts.joined(separator: "; "))
            }
        }
        let widths = rows[0].indices.map { c in min(rows.map { $0[c].count }.max()!, c == 4 ? 44 : 60) }
        var out = ""
        for (r, row) in rows.enumerated() {
            var line = ""
            for (c, cell) in row.enumerated() {
                let text = cell.count > widths[c] ? String(cell.prefix(widths[c] - 1)) + "…" : cell
                line += c == row.count - 1 ? text : text.padding(toLength: widths[c], withPad: " ", startingAt: 0) + "  "
            }
            out += line.trimmingTrailingSpaces() + "\n"
            if r == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        out += "\(incidents.count) rows (\(incidents.filter { $0.kind == .incident }.count) incidents, "
            + "\(incidents.filter { $0.kind == .aggregate }.count) totals, \(incidents.filter { $0.kind == .measure }.count) measures)\n"
        if !notes.isEmpty {
            out += "\nTotals and the dated rows they contain (counted once):\n" + notes.map { "  " + $0 + "\n" }.joined()
        }
        out += "Numbers: N exactly, N+ at least N, A-B from A to B (a source's \"about\", or sources that disagree); empty: unknown.\n"
        return out
    }

    public static func csv(_ incidents: [Catalog.Incident]) -> String {
        var out = Catalog.columns.joined(separator: ",") + "\n"
        for i in incidents {
            var fields = [i.id, i.precision == .month ? String(i.date.iso.prefix(7)) : i.date.iso, i.precision.rawValue,
                          i.precision == .range ? i.end.iso : "", i.kind.rawValue, i.actor ?? "", i.target ?? "",
                          i.action ?? "", i.rung.map(String.init) ?? "", i.weapon ?? "", i.place]
            fields += Catalog.casualtyColumns.map { i.casualties[$0]?.description ?? "" }
            fields += [i.count?.description ?? "", i.contains.joined(separator: ";"), i.answerTo ?? "", i.sources.joined(separator: ";"), i.note]
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ incidents: [Catalog.Incident], catalog: Catalog) -> String {
        let objects = incidents.map { i -> String in
            var fields = [
                "\"id\":\(jsonString(i.id))", "\"date\":\(jsonString(i.date.iso))", "\"date_end\":\(jsonString(i.end.iso))",
                "\"precision\":\(jsonString(i.precision.rawValue))", "\"kind\":\(jsonString(i.kind.rawValue))",
                "\"actor\":\(i.actor.map(jsonString) ?? "null")", "\"target\":\(i.target.map(jsonString) ?? "null")",
                "\"action\":\(i.action.map(jsonString) ?? "null")", "\"rung\":\(i.rung.map(String.init) ?? "null")",
                "\"weapon\":\(i.weapon.map(jsonString) ?? "null")", "\"place\":\(jsonString(i.place))",
            ]
            func documented(_ d: Documented) -> String {
                "{\"low\":\(jsonNumber(d.low)),\"high\":\(d.isFloor ? "null" : jsonNumber(d.high)),\"text\":\(jsonString(d.description))}"
            }
            let casualties = Catalog.casualtyColumns.compactMap { c in i.casualties[c].map { "\(jsonString(c)):\(documented($0))" } }
            fields.append("\"casualties\":{" + casualties.joined(separator: ",") + "}")
            fields.append("\"count\":\(i.count.map(documented) ?? "null")")
            fields.append("\"contains\":[" + i.contains.map(jsonString).joined(separator: ",") + "]")
            fields.append("\"answer_to\":\(i.answerTo.map(jsonString) ?? "null")")
            let sources = i.sources.map { id -> String in
                guard let s = catalog.source(id) else { return jsonString(id) }
                return "{\"id\":\(jsonString(s.id)),\"outlet\":\(jsonString(s.outlet)),\"author\":\(jsonString(s.author)),"
                    + "\"title\":\(jsonString(s.title)),\"date\":\(jsonString(s.date)),\"url\":\(jsonString(s.url))}"
            }
            fields.append("\"sources\":[" + sources.joined(separator: ",") + "]")
            fields.append("\"note\":\(jsonString(i.note))")
            return "  {" + fields.joined(separator: ",") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }
}
