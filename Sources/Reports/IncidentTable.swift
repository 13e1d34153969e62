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

    /// A dated table for a terminal, no line wider than `width`: a line an incident (date, kind,
    /// who, action, casualties), then its place and sources indented beneath it.
    public static func render(_ incidents: [Catalog.Incident], catalog: Catalog, width: Int = TerminalText.width) -> String {
        var rows: [[String]] = []
        var notes: [String] = []
        for i in incidents {
            let who = (i.actor ?? "any") + " → " + (i.target ?? "—")
            var what = i.action ?? "all"
            if let r = i.rung { what += " (\(r))" }
            if let n = i.count { what += " ×\(n)" }
            rows.append([when(i), i.kind.rawValue, who, what, casualties(i)])
            if !i.contains.isEmpty {
                var parts = ["\(i.id) contains \(i.contains.joined(separator: ", "))"]
                if let rest = catalog.undated(i, field: "count") { parts.append("leaves \(rest) of its count undated") }
                for c in Catalog.casualtyColumns where i.casualties[c] != nil {
                    if let rest = catalog.undated(i, field: c) { parts.append("\(rest) of its \(c) undated") }
                }
                notes.append(parts.joined(separator: "; "))
            }
        }
        let table = TextTable([.init("date"), .init("kind"), .init("actor → target"), .init("action (rung)"),
                               .init("casualties", wraps: true)], rows: rows, rule: true)
        var (header, lines) = table.layout(width: width)
        header.insert(contentsOf: TerminalText.wrap("place — sources", width: width, first: "    "), at: header.count - 1)
        var out = header
        for (i, incident) in incidents.enumerated() {
            out += lines[i]
            out += TerminalText.wrap(incident.place + " — " + incident.sources.joined(separator: ", "), width: width,
                                     first: "    ", rest: "      ")
        }
        out.append("\(incidents.count) rows (\(incidents.filter { $0.kind == .incident }.count) incidents, "
            + "\(incidents.filter { $0.kind == .aggregate }.count) totals, \(incidents.filter { $0.kind == .measure }.count) measures)")
        if !notes.isEmpty {
            out += ["", "Totals and the dated rows they contain (counted once):"]
            for note in notes { out += TerminalText.wrap(note, width: width, first: "  ", rest: "    ") }
        }
        out += TerminalText.wrap("Numbers: N exactly, N+ at least N, A-B from A to B (a source's \"about\", or sources that disagree); "
                                 + "empty: unknown.", width: width)
        return out.joined(separator: "\n") + "\n"
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
