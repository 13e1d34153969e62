import EscalationModel
import Foundation

/// The documented record: incidents (and aggregates, and measures) with their sources, as in
/// `seeds/incidents.csv` and `seeds/sources.csv`.
public struct Catalog: Sendable {
    public struct Source: Sendable, Equatable {
        public let id: String
        public let outlet: String
        public let author: String
        public let title: String
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        public let date: String
        public let note: String
    }

    public enum Precision: String, Sendable, CaseIterable { case day, month, range }

    public enum Kind: String, Sendable, CaseIterable {
        /// Something that happened.
        case incident
        /// A total over a period ("15 US killed in June 2011", "about a dozen attacks in six
        /// months"): a constraint for calibration, not an event.
        case aggregate
        /// A change of posture: a deployment, a base handed over.
        case measure
    }

    public struct Incident: Sendable {
        public let id: String
        /// First day the incident may have happened on.
        public let date: CivilDate
        public let precision: Precision
        /// Last day it may have happened on (the date itself for day precision).
        public let end: CivilDate
        public let kind: Kind
        public let actor: String?
        public let target: String?
        public let action: String?
        public let rung: Int?
        public let weapon: String?
        public let place: String
        /// Ledger counter name → documented number; a counter absent here is unknown, not 0.
        public let casualties: [String: Int]
        /// For aggregates: the number of events.
        public let count: Int?
        public let answerTo: String?
        public let sources: [String]
        public let note: String
        /// Line in the file, for messages.
        public let line: Int

        /// Days covered: 1 for a day, the month's length, or the range.
        public var span: Int { date.days(until: end) + 1 }
    }

    public let incidents: [Incident]
    public let sources: [Source]

    public static let columns = [
        "id", "date", "precision", "date_end", "kind", "actor", "target", "action", "rung", "weapon", "place",
        "us_killed", "us_wounded", "coalition_killed", "coalition_wounded", "militia_killed", "militia_wounded",
        "isf_killed", "isf_wounded", "civilian_killed", "civilian_wounded", "iran_killed", "iran_wounded",
        "count", "answer_to", "sources", "note",
    ]
    public static let sourceColumns = ["id", "outlet", "author", "title", "date", "note"]
    public static let casualtyColumns = Array(columns[11...22])

    /// Actors the catalog may name; `militias` is an Iran-backed militia the sources do not name.
    public static let actors = ["us", "iran", "kh", "aah", "pdb", "militias", "iraq", "uk", "shipping"]
    /// Actors counted as militias by calibration.
    public static let militiaActors: Set<String> = ["kh", "aah", "pdb", "militias"]
    public static let actions = [
        "accusation", "warning", "threat", "sanctions", "parliament_vote", "crackdown", "tanker_attack", "ship_seizure",
        "drone_shootdown", "rocket_attack", "iram_attack", "efp_attack", "mortar_attack", "airstrike", "drone_strike",
        "ballistic_missiles", "deployment", "base_handover",
    ]

    /// A catalog file that cannot be used: every problem, with file, line and column.
    public struct Problems: Error, CustomStringConvertible {
        public let messages: [String]
        public var description: String { messages.joined(separator: "\n") }
    }

    public static func load(incidents incidentsPath: String, sources sourcesPath: String) throws -> Catalog {
        func read(_ path: String) throws -> CSVTable {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CatalogReadError(path: path)
            }
            return try CSVTable(text: String(decoding: data, as: UTF8.self), path: path)
        }
        return try parse(incidents: try read(incidentsPath), sources: try read(sourcesPath))
    }

    public static func parse(incidents table: CSVTable, sources sourceTable: CSVTable) throws -> Catalog {
        var problems: [String] = []
        func problem(_ table: CSVTable, _ field: CSVTable.Field, _ column: String, expected: String, found: String) {
            problems.append("\(table.path):\(field.line):\(field.column): error: \(column): expected \(expected), found \(found)")
        }
        func checkHeader(_ table: CSVTable, _ expected: [String]) -> Bool {
            let names = table.header.map(\.text)
            if names == expected { return true }
            let first = Array(zip(names, expected)).firstIndex { $0 != $1 } ?? min(names.count, expected.count)
            let field = first < table.header.count ? table.header[first] : table.header.last!
            problems.append("\(table.path):\(field.line):\(field.column): error: header: expected the columns "
                            + "\(expected.joined(separator: ",")), found \(names.joined(separator: ","))")
            return false
        }
        guard checkHeader(sourceTable, sourceColumns), checkHeader(table, columns) else { throw Problems(messages: problems) }

        var sources: [Source] = []
        for row in sourceTable.rows {
            guard row.count == sourceColumns.count else {
                problems.append("\(sourceTable.path):\(row[0].line):1: error: expected \(sourceColumns.count) fields, found \(row.count)")
                continue
            }
            if sources.contains(where: { $0.id == row[0].text }) {
                problem(sourceTable, row[0], "id", expected: "a source id used once", found: "'\(row[0].text)' again")
            }
            if !isPartialDate(row[4].text) {
                problem(sourceTable, row[4], "date", expected: "YYYY, YYYY-MM or YYYY-MM-DD", found: "'\(row[4].text)'")
            }
            sources.append(Source(id: row[0].text, outlet: row[1].text, author: row[2].text, title: row[3].text,
                                  date: row[4].text, note: row[5].text))
        }
        let sourceIDs = Set(sources.map(\.id))

        var incidents: [Incident] = []
        var seen: [String: CivilDate] = [:]
        for row in table.rows {
            guard row.count == columns.count else {
                problems.append("\(table.path):\(row[0].line):1: error: expected \(columns.count) fields, found \(row.count)")
                continue
            }
            func field(_ name: String) -> CSVTable.Field { row[columns.firstIndex(of: name)!] }
            var ok = true
            func fail(_ name: String, expected: String, found: String) {
                problem(table, field(name), name, expected: expected, found: found)
                ok = false
            }
            let id = field("id").text
            if id.isEmpty || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                fail("id", expected: "an id of letters, digits, - and _", found: "'\(id)'")
            } else if seen[id] != nil {
                fail("id", expected: "an id used once", found: "'\(id)' again")
            }
            guard let precision = Precision(rawValue: field("precision").text) else {
                fail("precision", expected: "day, month or range", found: "'\(field("precision").text)'")
                continue
            }
            var date: CivilDate?, end: CivilDate?
            let dateText = field("date").text, endText = field("date_end").text
            switch precision {
            case .day:
                date = CivilDate(iso: dateText)
                end = date
                if date == nil { fail("date", expected: "YYYY-MM-DD (precision day)", found: "'\(dateText)'") }
                if !endText.isEmpty { fail("date_end", expected: "nothing (precision day)", found: "'\(endText)'") }
            case .month:
                date = CivilDate(iso: dateText + "-01")
                if date == nil || dateText.count != 7 {
                    date = nil
                    fail("date", expected: "YYYY-MM (precision month)", found: "'\(dateText)'")
                }
                end = date.map { CivilDate(year: $0.year, month: $0.month, day: 1)!.adding(days: daysInMonth($0) - 1) }
                if !endText.isEmpty { fail("date_end", expected: "nothing (precision month)", found: "'\(endText)'") }
            case .range:
                date = CivilDate(iso: dateText)
                end = CivilDate(iso: endText)
                if date == nil { fail("date", expected: "YYYY-MM-DD (precision range)", found: "'\(dateText)'") }
                if end == nil { fail("date_end", expected: "YYYY-MM-DD (precision range)", found: "'\(endText)'") }
                if let d = date, let e = end, e < d {
                    fail("date_end", expected: "a date on or after \(d.iso)", found: "'\(endText)'")
                }
            }
            let kindText = field("kind").text
            guard let kind = Kind(rawValue: kindText) else {
                fail("kind", expected: "incident, aggregate or measure", found: "'\(kindText)'")
                continue
            }
            func optional(_ name: String, in vocabulary: [String], what: String) -> String? {
                let text = field(name).text
                if text.isEmpty { return nil }
                if !vocabulary.contains(text) {
                    fail(name, expected: "\(what) (\(vocabulary.joined(separator: ", ")))", found: "'\(text)'")
                }
                return text
            }
            let actor = optional("actor", in: actors, what: "an actor")
            let target = optional("target", in: actors, what: "an actor")
            let action = optional("action", in: actions, what: "an action")
            if kind == .incident {
                if actor == nil { fail("actor", expected: "an actor for an incident", found: "nothing") }
                if action == nil { fail("action", expected: "an action for an incident", found: "nothing") }
            }
            var rung: Int?
            if !field("rung").text.isEmpty {
                rung = Int(field("rung").text)
                if rung == nil || !Ladder.rungs.contains(rung!) {
                    fail("rung", expected: "an integer from 0 to 9", found: "'\(field("rung").text)'")
                }
            } else if kind == .incident {
                fail("rung", expected: "a rung for an incident", found: "nothing")
            }
            var casualties: [String: Int] = [:]
            for name in casualtyColumns where !field(name).text.isEmpty {
                if let n = Int(field(name).text), n >= 0 { casualties[name] = n } else {
                    fail(name, expected: "a whole number of people, 0 or more, or nothing if unknown",
                         found: "'\(field(name).text)'")
                }
            }
            var count: Int?
            if !field("count").text.isEmpty {
                count = Int(field("count").text)
                if count == nil || count! < 1 { fail("count", expected: "a whole number of events, 1 or more", found: "'\(field("count").text)'") }
            }
            let answerTo = field("answer_to").text.isEmpty ? nil : field("answer_to").text
            if let answerTo {
                if let earlier = seen[answerTo] {
                    if let d = end, d < earlier {
                        fail("answer_to", expected: "an incident no later than this one", found: "'\(answerTo)' of \(earlier.iso)")
                    }
                } else {
                    fail("answer_to", expected: "the id of an incident listed above", found: "'\(answerTo)'")
                }
            }
            let sourceList = field("sources").text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            if sourceList.isEmpty { fail("sources", expected: "at least one source id", found: "nothing") }
            for s in sourceList where !sourceIDs.contains(s) {
                fail("sources", expected: "ids from \((sourceTable.path as NSString).lastPathComponent)", found: "'\(s)'")
            }
            guard ok, let date, let end else { continue }
            seen[id] = date
            incidents.append(Incident(
                id: id, date: date, precision: precision, end: end, kind: kind, actor: actor, target: target,
                action: action, rung: rung, weapon: field("weapon").text.isEmpty ? nil : field("weapon").text,
                place: field("place").text, casualties: casualties, count: count, answerTo: answerTo,
                sources: sourceList, note: field("note").text, line: field("id").line))
        }
        if !problems.isEmpty { throw Problems(messages: problems) }
        return Catalog(incidents: incidents, sources: sources)
    }

    static func isPartialDate(_ s: String) -> Bool {
        switch s.count {
        case 4: return Int(s) != nil
        case 7: return CivilDate(iso: s + "-01") != nil
        default: return CivilDate(iso: s) != nil
        }
    }

    static func daysInMonth(_ d: CivilDate) -> Int {
        let first = CivilDate(year: d.year, month: d.month, day: 1)!
        let next = d.month == 12 ? CivilDate(year: d.year + 1, month: 1, day: 1)! : CivilDate(year: d.year, month: d.month + 1, day: 1)!
        return first.days(until: next)
    }

    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }
    public func incident(_ id: String) -> Incident? { incidents.first { $0.id == id } }
}

/// A catalog file that cannot be read at all (exit 74).
public struct CatalogReadError: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "cannot read '\(path)': no such file" }
}
