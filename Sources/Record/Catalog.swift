import EscalationModel
import Foundation

/// The documented record: incidents, totals and measures with the publications they come from,
/// as in `seeds/incidents.csv` and `seeds/sources.csv` (see seeds/README.md).
public struct Catalog: Sendable {
    public struct Source: Sendable, Equatable {
        public let id: String
        public let outlet: String
        public let author: String
        public let title: String
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        public let date: String
        public let url: String
        public let note: String
    }

    public enum Precision: String, Sendable, CaseIterable {
        /// Known to the day.
        case day
        /// Some day of a month.
        case month
        /// Some day (or, for a total, the span) from `date` to `date_end`.
        case range
        /// On or before `date`; when it began is not documented (a total "by spring 2020").
        case by
    }

    public enum Kind: String, Sendable, CaseIterable {
        /// Something that happened.
        case incident
        /// A documented total over a period ("14 US hostile deaths in June 2011", "about a dozen
        /// attacks in six months"), which may contain dated rows (`contains`).
        case aggregate
        /// A change of posture: a deployment, a base handed over, an announced withdrawal.
        case measure
    }

    public struct Incident: Sendable {
        public let id: String
        /// First day it may have happened on; for precision `by`, the day it was documented by.
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
        public let casualties: [String: Documented]
        /// For totals: the number of events.
        public let count: Documented?
        /// For totals: the rows (dated incidents or smaller totals) this total includes.
        public let contains: [String]
        public let answerTo: String?
        public let sources: [String]
        public let note: String
        /// Line in the file, for messages.
        public let line: Int

        /// Whether the first day is documented (not for precision `by`).
        public var startKnown: Bool { precision != .by }

        /// Days covered: 1 for a day, the month's length, or the range; nil when the start is not
        /// documented.
        public var span: Int? { startKnown ? date.days(until: end) + 1 : nil }
    }

    public let incidents: [Incident]
    public let sources: [Source]

    public static let columns = [
        "id", "date", "precision", "date_end", "kind", "actor", "target", "action", "rung", "weapon", "place",
        "us_killed", "us_wounded", "coalition_killed", "coalition_wounded", "militia_killed", "militia_wounded",
        "isf_killed", "isf_wounded", "civilian_killed", "civilian_wounded", "iran_killed", "iran_wounded",
        "count", "contains", "answer_to", "sources", "note",
    ]
    /// The title comes before the author so that no author and title run together as a source
    /// document's citation of them does.
    public static let sourceColumns = ["id", "outlet", "title", "author", "date", "url", "note"]
    public static let casualtyColumns = Array(columns[11...22])

    /// Actors the catalog may name; `militias` is an Iran-backed militia the sources do not name.
    public static let actors = ["us", "iran", "kh", "aah", "pdb", "militias", "iraq", "uk", "shipping"]
    /// Actors counted as militias by the Hawkes fit.
    public static let militiaActors: Set<String> = ["kh", "aah", "pdb", "militias"]
    public static let actions = [
        "accusation", "warning", "threat", "sanctions", "parliament_vote", "crackdown", "tanker_attack", "ship_seizure",
        "drone_shootdown", "rocket_attack", "iram_attack", "efp_attack", "mortar_attack", "airstrike", "drone_strike",
        "strike", "ballistic_missiles", "deployment", "base_handover", "drawdown", "announcement",
    ]

    /// A catalog file that cannot be used: every problem, with file, line and column.
    public struct Problems: Error, CustomStringConvertible {
        public let messages: [String]
        public var description: String { messages.joined(separator: "\n") }
    }

    /// Reads `incidents.csv` and `sources.csv` from a folder.
    public static func load(folder: String) throws -> Catalog {
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        return try load(incidents: base + "incidents.csv", sources: base + "sources.csv")
    }

    public static func load(incidents incidentsPath: String, sources sourcesPath: String) throws -> Catalog {
        try parse(incidents: try CSVTable(readingFrom: incidentsPath), sources: try CSVTable(readingFrom: sourcesPath))
    }

    public static func parse(incidents table: CSVTable, sources sourceTable: CSVTable) throws -> Catalog {
        var parser = CatalogParser(table: table, sourceTable: sourceTable)
        return try parser.parse()
    }

    static func isPartialDate(_ s: String) -> Bool {
        switch s.count {
        case 4: return Int(s) != nil
        case 7: return CivilDate(iso: s + "-01") != nil
        default: return CivilDate(iso: s) != nil
        }
    }

    static func lastDayOfMonth(_ d: CivilDate) -> CivilDate {
        let next = d.month == 12 ? CivilDate(year: d.year + 1, month: 1, day: 1)! : CivilDate(year: d.year, month: d.month + 1, day: 1)!
        return next.adding(days: -1)
    }

    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }
    public func incident(_ id: String) -> Incident? { incidents.first { $0.id == id } }

    /// The totals that list `id` in `contains`.
    public func totals(containing id: String) -> [Incident] { incidents.filter { $0.contains.contains(id) } }

    /// Every row a total contains, directly or through totals inside it (empty for an incident).
    public func closure(of id: String) -> Set<String> {
        var found = Set<String>(), stack = incident(id)?.contains ?? []
        while let next = stack.popLast() {
            guard found.insert(next).inserted else { continue }
            stack += incident(next)?.contains ?? []
        }
        return found
    }

    /// How many events a row stands for: 1 for an incident, its count for a total, nil if a total
    /// gives no count.
    public func events(in row: Incident) -> Documented? {
        row.kind == .aggregate ? row.count : .exactly(1)
    }

    /// What a total leaves undated: its count (or a casualty figure) minus what the rows it
    /// contains account for, never below 0. Nil when the total or a contained row leaves the
    /// number unknown.
    public func undated(_ total: Incident, field: String) -> Documented? {
        let whole = field == "count" ? total.count : total.casualties[field]
        guard var rest = whole else { return nil }
        for id in total.contains {
            guard let row = incident(id) else { return nil }
            let part = field == "count" ? events(in: row) : row.casualties[field]
            guard let part else { return nil }
            rest = rest - part
        }
        return rest.nonNegative
    }
}

extension CSVTable {
    /// The largest CSV file read whole (a catalog, a posterior): 256 MiB. The bundled ones are
    /// under 1 MB; a posterior of the most particles a calibration allows (1,000,000) is about
    /// 200 MB.
    public static let maximumBytes = 256 << 20

    /// Reads a CSV file: a regular file of at most `maximumBytes`, UTF-8 text (the first byte
    /// that is not is a `SyntaxError` at its line and column, and gzip-compressed bytes are named
    /// as such). A file that cannot be read is a `CatalogReadError` saying why.
    public init(readingFrom path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CatalogReadError(path: path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw CatalogReadError(path: path, reason: "it is a folder, not a CSV file")
        default: throw CatalogReadError(path: path, reason: "it is not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CatalogReadError(path: path, reason: "not readable") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: Self.maximumBytes + 1) ?? Data()
        } catch {
            throw CatalogReadError(path: path, reason: "not readable (\(error.localizedDescription))")
        }
        if data.count > Self.maximumBytes {
            throw SyntaxError(path: path, line: 1, column: 1,
                              message: "expected a CSV file of at most \(Self.maximumBytes) bytes (256 MiB), found a larger file")
        }
        if data.starts(with: [0x1F, 0x8B]) {
            throw SyntaxError(path: path, line: 1, column: 1,
                              message: "expected CSV text, found gzip-compressed bytes (this file is read as plain text: gunzip it)")
        }
        if let (line, column, byte) = firstNonUTF8(in: data) {
            throw SyntaxError(path: path, line: line, column: column,
                              message: "expected UTF-8 text, found the byte " + String(format: "0x%02X", byte))
        }
        try self.init(text: String(decoding: data, as: UTF8.self), path: path)
    }
}

/// A CSV file that cannot be read at all (exit 74), and why.
public struct CatalogReadError: Error, CustomStringConvertible {
    public let path: String
    public var reason = "no such file"
    public var description: String { "cannot read '\(path)': \(reason)" }
}

/// Checks both files row by row, collecting every problem before giving up.
private struct CatalogParser {
    let table: CSVTable
    let sourceTable: CSVTable
    var problems: [String] = []

    init(table: CSVTable, sourceTable: CSVTable) {
        self.table = table
        self.sourceTable = sourceTable
    }

    mutating func problem(_ table: CSVTable, _ field: CSVTable.Field, _ column: String, expected: String, found: String) {
        problems.append("\(table.path):\(field.line):\(field.column): error: \(column): expected \(expected), found \(found)")
    }

    mutating func checkHeader(_ table: CSVTable, _ expected: [String]) -> Bool {
        let names = table.header.map(\.text)
        if names == expected { return true }
        let first = Array(zip(names, expected)).firstIndex { $0 != $1 } ?? min(names.count, expected.count)
        let field = first < table.header.count ? table.header[first] : table.header.last!
        problems.append("\(table.path):\(field.line):\(field.column): error: header: expected the columns "
                        + "\(expected.joined(separator: ",")), found \(names.joined(separator: ","))")
        return false
    }

    mutating func parse() throws -> Catalog {
        guard checkHeader(sourceTable, Catalog.sourceColumns), checkHeader(table, Catalog.columns) else {
            throw Catalog.Problems(messages: problems)
        }
        let sources = parseSources()
        let sourceIDs = Set(sources.map(\.id))
        var incidents: [Catalog.Incident] = []
        var fieldsByID: [String: [CSVTable.Field]] = [:]
        for row in table.rows {
            guard row.count == Catalog.columns.count else {
                problems.append("\(table.path):\(row[0].line):1: error: expected \(Catalog.columns.count) fields, found \(row.count)")
                continue
            }
            if let incident = parseRow(row, sourceIDs: sourceIDs, earlier: incidents) {
                incidents.append(incident)
                fieldsByID[incident.id] = row
            }
        }
        checkTotals(incidents, fieldsByID)
        if !problems.isEmpty { throw Catalog.Problems(messages: problems) }
        return Catalog(incidents: incidents, sources: sources)
    }

    mutating func parseSources() -> [Catalog.Source] {
        var sources: [Catalog.Source] = []
        for row in sourceTable.rows {
            guard row.count == Catalog.sourceColumns.count else {
                problems.append("\(sourceTable.path):\(row[0].line):1: error: expected \(Catalog.sourceColumns.count) fields, found \(row.count)")
                continue
            }
            func field(_ name: String) -> CSVTable.Field { row[Catalog.sourceColumns.firstIndex(of: name)!] }
            let id = field("id"), outlet = field("outlet"), title = field("title"), date = field("date"), url = field("url")
            if sources.contains(where: { $0.id == id.text }) {
                problem(sourceTable, id, "id", expected: "a source id used once", found: "'\(id.text)' again")
            }
            if outlet.text.isEmpty { problem(sourceTable, outlet, "outlet", expected: "the outlet that published it", found: "nothing") }
            if title.text.isEmpty { problem(sourceTable, title, "title", expected: "the publication's title", found: "nothing") }
            if !Catalog.isPartialDate(date.text) {
                problem(sourceTable, date, "date", expected: "YYYY, YYYY-MM or YYYY-MM-DD", found: "'\(date.text)'")
            }
            if !url.text.isEmpty && !(url.text.hasPrefix("https://") || url.text.hasPrefix("http://")) {
                problem(sourceTable, url, "url", expected: "nothing or an http(s) address", found: "'\(url.text)'")
            }
            sources.append(Catalog.Source(id: id.text, outlet: outlet.text, author: field("author").text, title: title.text,
                                          date: date.text, url: url.text, note: field("note").text))
        }
        return sources
    }

    mutating func parseRow(_ row: [CSVTable.Field], sourceIDs: Set<String>, earlier: [Catalog.Incident]) -> Catalog.Incident? {
        func field(_ name: String) -> CSVTable.Field { row[Catalog.columns.firstIndex(of: name)!] }
        var ok = true
        func fail(_ name: String, expected: String, found: String) {
            problem(table, field(name), name, expected: expected, found: found)
            ok = false
        }
        let id = field("id").text
        if id.isEmpty || !id.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" || $0 == "_" }) {
            fail("id", expected: "an id of lowercase letters, digits, - and _", found: "'\(id)'")
        } else if earlier.contains(where: { $0.id == id }) {
            fail("id", expected: "an id used once", found: "'\(id)' again")
        }
        guard let precision = Catalog.Precision(rawValue: field("precision").text) else {
            fail("precision", expected: "day, month, range or by", found: "'\(field("precision").text)'")
            return nil
        }
        var date: CivilDate?, end: CivilDate?
        let dateText = field("date").text, endText = field("date_end").text
        switch precision {
        case .day, .by:
            date = CivilDate(iso: dateText)
            end = date
            if date == nil { fail("date", expected: "YYYY-MM-DD (precision \(precision.rawValue))", found: "'\(dateText)'") }
            if !endText.isEmpty { fail("date_end", expected: "nothing (precision \(precision.rawValue))", found: "'\(endText)'") }
        case .month:
            date = dateText.count == 7 ? CivilDate(iso: dateText + "-01") : nil
            if date == nil { fail("date", expected: "YYYY-MM (precision month)", found: "'\(dateText)'") }
            end = date.map(Catalog.lastDayOfMonth)
            if !endText.isEmpty { fail("date_end", expected: "nothing (precision month)", found: "'\(endText)'") }
        case .range:
            date = CivilDate(iso: dateText)
            end = CivilDate(iso: endText)
            if date == nil { fail("date", expected: "YYYY-MM-DD (precision range)", found: "'\(dateText)'") }
            if end == nil { fail("date_end", expected: "YYYY-MM-DD (precision range)", found: "'\(endText)'") }
            if let d = date, let e = end, e < d { fail("date_end", expected: "a date on or after \(d.iso)", found: "'\(endText)'") }
        }
        let kindText = field("kind").text
        guard let kind = Catalog.Kind(rawValue: kindText) else {
            fail("kind", expected: "incident, aggregate or measure", found: "'\(kindText)'")
            return nil
        }
        func optional(_ name: String, in vocabulary: [String], what: String) -> String? {
            let text = field(name).text
            if text.isEmpty { return nil }
            if !vocabulary.contains(text) { fail(name, expected: "\(what) (\(vocabulary.joined(separator: ", ")))", found: "'\(text)'") }
            return text
        }
        let actor = optional("actor", in: Catalog.actors, what: "an actor")
        let target = optional("target", in: Catalog.actors, what: "an actor")
        let action = optional("action", in: Catalog.actions, what: "an action")
        if kind == .incident {
            if actor == nil { fail("actor", expected: "an actor for an incident", found: "nothing") }
            if action == nil { fail("action", expected: "an action for an incident", found: "nothing") }
        }
        var rung: Int?
        if !field("rung").text.isEmpty {
            rung = Int(field("rung").text)
            if rung == nil || !Ladder.rungs.contains(rung!) { fail("rung", expected: "an integer from 0 to 9", found: "'\(field("rung").text)'") }
        } else if kind == .incident {
            fail("rung", expected: "a rung for an incident", found: "nothing")
        }
        let numberForms = "a whole number (5), a floor (25+) or a range (10-14), or nothing if unknown"
        var casualties: [String: Documented] = [:]
        for name in Catalog.casualtyColumns where !field(name).text.isEmpty {
            if let n = Documented(parsing: field(name).text) { casualties[name] = n } else {
                fail(name, expected: numberForms, found: "'\(field(name).text)'")
            }
        }
        var count: Documented?
        if !field("count").text.isEmpty {
            count = Documented(parsing: field("count").text)
            if count == nil { fail("count", expected: numberForms, found: "'\(field("count").text)'") }
            if kind != .aggregate { fail("count", expected: "a count only on a total (kind aggregate)", found: "'\(field("count").text)'") }
        }
        let contains = field("contains").text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        if !contains.isEmpty && kind != .aggregate {
            fail("contains", expected: "contained rows only on a total (kind aggregate)", found: "'\(field("contains").text)'")
        }
        let answerTo = field("answer_to").text.isEmpty ? nil : field("answer_to").text
        if let answerTo {
            if let cause = earlier.first(where: { $0.id == answerTo }) {
                if let e = end, e < cause.date {
                    fail("answer_to", expected: "an incident no later than this one", found: "'\(answerTo)' of \(cause.date.iso)")
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
        guard ok, let date, let end else { return nil }
        return Catalog.Incident(
            id: id, date: date, precision: precision, end: end, kind: kind, actor: actor, target: target,
            action: action, rung: rung, weapon: field("weapon").text.isEmpty ? nil : field("weapon").text,
            place: field("place").text, casualties: casualties, count: count, contains: contains, answerTo: answerTo,
            sources: sourceList, note: field("note").text, line: field("id").line)
    }

    /// A total's contained rows exist, lie inside its dates, are not contained twice, and do not
    /// add up to more than the total says.
    mutating func checkTotals(_ incidents: [Catalog.Incident], _ fields: [String: [CSVTable.Field]]) {
        let byID = Dictionary(incidents.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let catalog = Catalog(incidents: incidents, sources: [])
        for total in incidents where !total.contains.isEmpty {
            let cell = fields[total.id]![Catalog.columns.firstIndex(of: "contains")!]
            var seen = Set<String>()
            for id in total.contains {
                guard let row = byID[id] else {
                    problem(table, cell, "contains", expected: "ids of rows in this file", found: "'\(id)'")
                    continue
                }
                if !seen.insert(id).inserted { problem(table, cell, "contains", expected: "each row once", found: "'\(id)' twice") }
                if id == total.id || catalog.closure(of: id).contains(total.id) {
                    problem(table, cell, "contains", expected: "rows other than the total itself (or a total inside it)", found: "'\(id)'")
                }
                let inside = row.end <= total.end && (!total.startKnown || (row.startKnown && row.date >= total.date))
                if !inside {
                    problem(table, cell, "contains", expected: "rows dated within the total's dates",
                            found: "'\(id)' (\(row.date.iso)…\(row.end.iso))")
                }
            }
            // A row inside two of the rows a total lists would be taken away twice.
            var reachedThrough: [String: String] = [:]
            for id in Array(Set(total.contains)).sorted() where byID[id] != nil {
                for inner in catalog.closure(of: id).union([id]).sorted() {
                    if let other = reachedThrough[inner], other != id {
                        problem(table, cell, "contains", expected: "each row once, directly or through a total inside it",
                                found: "'\(inner)' inside both '\(other)' and '\(id)'")
                    } else {
                        reachedThrough[inner] = id
                    }
                }
            }
            for name in ["count"] + Catalog.casualtyColumns {
                let whole = name == "count" ? total.count : total.casualties[name]
                guard let whole else { continue }
                var sum = Documented.exactly(0)
                for id in total.contains {
                    guard let row = byID[id] else { continue }
                    let part = name == "count" ? catalog.events(in: row) : row.casualties[name]
                    if let part { sum = sum + Documented(low: part.low, high: part.low) }
                }
                if sum.low > whole.high {
                    let column = fields[total.id]![Catalog.columns.firstIndex(of: name)!]
                    problem(table, column, name, expected: "a total no smaller than its contained rows (at least \(Documented.exactly(sum.low)))",
                            found: "'\(whole)'")
                }
            }
        }
    }
}
