import EscalationModel
import Foundation
import Record
import TestSupport
import Testing

/// The bundled record: every row loads and is cited by a publication; the documented incidents
/// carry the documented numbers; totals say which dated rows they contain and what they leave
/// undated; and a broken catalog is described by file, line and column.
struct CatalogTests {
    func load() throws -> Catalog { try Catalog.load(folder: repositoryPath("seeds")) }

    @Test func everyRowLoadsAndIsCitedByAPublication() throws {
        let catalog = try load()
        let rows = try String(contentsOfFile: repositoryPath("seeds/incidents.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1
        #expect(catalog.incidents.count == rows)
        for source in catalog.sources {
            #expect(!source.outlet.isEmpty && !source.title.isEmpty && !source.date.isEmpty, "\(source.id)")
        }
        for incident in catalog.incidents {
            #expect(!incident.sources.isEmpty)
            for source in incident.sources { #expect(catalog.source(source) != nil, "\(incident.id): \(source)") }
            if let cause = incident.answerTo { #expect(catalog.incident(cause) != nil) }
        }
        // The ids of the earlier catalog that named no publication are gone.
        for id in ["guardian-wapo-2011-06", "reuters-2019-12", "csis-2020", "upi-2020-02", "thenational-2020-01", "axios-2020-03-14"] {
            #expect(catalog.source(id) == nil, "\(id)")
        }
    }

    @Test(arguments: [
        ("2011-06-06", "kh", "iram_attack", "us_killed", "5-6"),
        ("2011-06-29", "militias", "iram_attack", "us_killed", "3"),
        ("2011-07-07", "militias", "efp_attack", "us_killed", "2"),
        ("2019-12-27", "kh", "rocket_attack", "us_killed", "1"),
        ("2019-12-29", "us", "airstrike", "militia_killed", "25+"),
        ("2020-01-03", "us", "drone_strike", "iran_killed", "1+"),
        ("2020-01-08", "iran", "ballistic_missiles", "us_wounded", "109"),
        ("2020-03-11", "kh", "rocket_attack", "us_killed", "2"),
        ("2020-03-12", "us", "airstrike", "isf_killed", "5"),
        ("2020-03-14", "kh", "rocket_attack", "us_wounded", "3"),
    ])
    func documentedIncidentsCarryTheirNumbers(date: String, actor: String, action: String, counter: String, value: String) throws {
        let catalog = try load()
        let match = catalog.incidents.first { $0.date.iso == date && $0.actor == actor && $0.action == action && $0.kind == .incident }
        #expect(match?.casualties[counter]?.description == value, "\(date) \(actor) \(action)")
    }

    /// Each total with the rows it contains, and what it leaves undated: the same events are
    /// never counted twice.
    @Test(arguments: [
        ("2011-06-hostile-deaths", "us_killed", "5-6"),
        ("2011-06-us-deaths", "us_killed", "1"),
        ("2020-04-01-militia-toll", "us_killed", "0"),
        ("2020-03-kh-dozen-attacks", "count", "8-12"),
        ("2020-two-dozen-attacks", "count", "21+"),
    ])
    func totalsLeaveWhatTheirDatedRowsDoNotAccountFor(total: String, field: String, undated: String) throws {
        let catalog = try load()
        let row = try #require(catalog.incident(total))
        #expect(!row.contains.isEmpty)
        #expect(catalog.undated(row, field: field)?.description == undated)
    }

    @Test func answersPointBackToWhatTheyAnswer() throws {
        let catalog = try load()
        #expect(catalog.incident("2019-12-29-kh-strikes")?.answerTo == "2019-12-27-k1")
        #expect(catalog.incident("2020-03-12-depot-strikes")?.answerTo == "2020-03-11-taji")
        #expect(catalog.incident("2020-03-14-taji")?.answerTo == "2020-03-12-depot-strikes")
        #expect(catalog.incident("2020-01-08-missiles")?.answerTo == "2020-01-03-soleimani")
    }

    @Test func documentedNumbersReadAsIntervals() {
        #expect(Documented(parsing: "5") == .exactly(5))
        #expect(Documented(parsing: "25+") == Documented(low: 25, high: .infinity))
        #expect(Documented(parsing: "10-14") == Documented(low: 10, high: 14))
        for bad in ["-1", "14-10", "~12", "a", "1.5", ""] { #expect(Documented(parsing: bad) == nil, "\(bad)") }
        let sum = Documented(parsing: "5-6")! + .exactly(3)
        #expect(sum == Documented(low: 8, high: 9))
        #expect((Documented.exactly(14) - sum).nonNegative == Documented(low: 5, high: 6))
        #expect(Documented(parsing: "25+")!.words == "at least 25")
        #expect(Documented(parsing: "10-14")!.figure == 10)
    }

    static let header = Catalog.columns.joined(separator: ",")
    static let sources = "id,outlet,title,author,date,url,note\ns1,Outlet,Title,,2020-03,,\n"

    /// A row: 11 descriptive fields, the 12 casualty columns, then count, contains, answer_to,
    /// sources and note.
    static func row(_ id: String, date: String = "2020-03-11", precision: String = "day", kind: String = "incident",
                    actor: String = "kh", usKilled: String = "", count: String = "", contains: String = "",
                    sources: String = "s1") -> String {
        let action = kind == "incident" ? "rocket_attack" : ""
        let rung = kind == "incident" ? "4" : ""
        let end = precision == "range" ? "2020-03-31" : ""
        return "\(id),\(date),\(precision),\(end),\(kind),\(actor),us,\(action),\(rung),rockets,Taji,\(usKilled),,,,,,,,,,,,\(count),\(contains),,\(sources),"
    }

    func problems(_ rows: [String]) -> [String] {
        do {
            _ = try Catalog.parse(incidents: CSVTable(text: Self.header + "\n" + rows.joined(separator: "\n") + "\n", path: "incidents.csv"),
                                  sources: CSVTable(text: Self.sources, path: "sources.csv"))
            return []
        } catch let problems as Catalog.Problems {
            return problems.messages
        } catch {
            return ["unexpected: \(error)"]
        }
    }

    @Test func aBrokenCatalogIsDescribedRowByRow() {
        #expect(problems([
            Self.row("a", date: "2020-3-11"),
            Self.row("b", usKilled: "-1", sources: "s2"),
            Self.row("c", usKilled: "~2"),
            Self.row("d", count: "3"),
        ]) == [
            "incidents.csv:2:3: error: date: expected YYYY-MM-DD (precision day), found '2020-3-11'",
            "incidents.csv:3:63: error: us_killed: expected a whole number (5), a floor (25+) or a range (10-14), or nothing if unknown, found '-1'",
            "incidents.csv:3:80: error: sources: expected ids from sources.csv, found 's2'",
            "incidents.csv:4:63: error: us_killed: expected a whole number (5), a floor (25+) or a range (10-14), or nothing if unknown, found '~2'",
            "incidents.csv:5:75: error: count: expected a count only on a total (kind aggregate), found '3'",
        ])
    }

    /// A row reachable from a total in two ways would be taken away from it twice.
    @Test func aRowInsideTwoOfATotalsRowsIsRefused() {
        let messages = problems([
            Self.row("a", usKilled: "1"),
            Self.row("sub", date: "2020-03-01", precision: "range", kind: "aggregate", actor: "", usKilled: "2", contains: "a"),
            Self.row("total", date: "2020-03-01", precision: "range", kind: "aggregate", actor: "", usKilled: "5", contains: "a;sub"),
        ])
        #expect(messages.count == 1)
        #expect(messages.first?.hasSuffix("error: contains: expected each row once, directly or through a total inside it, "
                                          + "found 'a' inside both 'a' and 'sub'") == true)
    }

    @Test func aTotalSmallerThanTheRowsItContainsIsRefused() {
        let messages = problems([
            Self.row("a", usKilled: "5-6"),
            Self.row("b", date: "2020-03-14", usKilled: "3"),
            Self.row("total", date: "2020-03-01", precision: "range", kind: "aggregate", actor: "", usKilled: "7", contains: "a;b"),
        ])
        #expect(messages == ["incidents.csv:4:64: error: us_killed: expected a total no smaller than its contained rows (at least 8), found '7'"])
    }

    @Test func aTotalContainsOnlyRowsThatExistWithinItsDates() {
        let messages = problems([
            Self.row("early", date: "2020-02-01"),
            Self.row("total", date: "2020-03-01", precision: "range", kind: "aggregate", actor: "", count: "4", contains: "early;ghost"),
        ])
        #expect(messages.count == 2)
        #expect(messages[0].contains("contains: expected rows dated within the total's dates, found 'early'"))
        #expect(messages[1].contains("contains: expected ids of rows in this file, found 'ghost'"))
    }
}
