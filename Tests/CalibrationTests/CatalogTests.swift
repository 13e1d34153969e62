import Calibration
import EscalationModel
import Foundation
import TestSupport
import Testing

/// The bundled catalog: every row loads, every source resolves, every documented incident of
/// the facts list is there; and a broken catalog is described by file, line and column.
struct CatalogTests {
    func load() throws -> Catalog {
        try Catalog.load(incidents: repositoryPath("seeds/incidents.csv"), sources: repositoryPath("seeds/sources.csv"))
    }

    @Test func everyRowLoadsAndEverySourceResolves() throws {
        let catalog = try load()
        let rows = try String(contentsOfFile: repositoryPath("seeds/incidents.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1
        #expect(catalog.incidents.count == rows)
        for incident in catalog.incidents {
            #expect(!incident.sources.isEmpty)
            for source in incident.sources { #expect(catalog.source(source) != nil, "\(incident.id): \(source)") }
            if let cause = incident.answerTo { #expect(catalog.incident(cause) != nil) }
        }
    }

    /// The incidents FACTS.md lists, by date (or month, or range start) and what must be there.
    @Test(arguments: [
        ("2011-06-06", "kh", "iram_attack", "us_killed", 5),
        ("2011-06-29", "militias", "iram_attack", "us_killed", 3),
        ("2011-07-07", "militias", "efp_attack", "us_killed", 2),
        ("2019-12-27", "kh", "rocket_attack", "us_killed", 1),
        ("2019-12-29", "us", "airstrike", "militia_killed", 25),
        ("2020-01-03", "us", "drone_strike", "iran_killed", 1),
        ("2020-01-08", "iran", "ballistic_missiles", "us_wounded", 109),
        ("2020-03-11", "kh", "rocket_attack", "us_killed", 2),
        ("2020-03-12", "us", "airstrike", "isf_killed", 5),
        ("2020-03-14", "kh", "rocket_attack", "us_wounded", 3),
    ])
    func documentedIncidentsArePresent(date: String, actor: String, action: String, counter: String, value: Int) throws {
        let catalog = try load()
        let match = catalog.incidents.first { $0.date.iso == date && $0.actor == actor && $0.action == action && $0.kind == .incident }
        #expect(match?.casualties[counter] == value, "\(date) \(actor) \(action)")
    }

    @Test func documentedEventsWithoutCasualtiesAndTotalsArePresent() throws {
        let catalog = try load()
        func has(_ from: String, _ kind: Catalog.Kind, _ action: String?, month: Bool = false) -> Bool {
            catalog.incidents.contains { ($0.date.iso.hasPrefix(from)) && $0.kind == kind && (action == nil || $0.action == action) }
        }
        #expect(has("2020-03-17", .incident, "rocket_attack"))                    // Taji again
        #expect(has("2020-03-26", .incident, "rocket_attack"))                    // near the embassy
        #expect(has("2011-06-20", .incident, "crackdown"))                        // Maysan, 2,000 police and soldiers
        #expect(has("2011-07", .incident, "warning"))                             // Panetta's threat
        #expect(has("2019-05", .aggregate, "tanker_attack"))                      // mid-2019 tankers
        #expect(has("2019-06", .incident, "ship_seizure"))                        // the British tanker
        #expect(has("2019-06", .incident, "drone_shootdown"))                     // the US drone
        #expect(has("2019-10", .aggregate, "rocket_attack"))                      // late-2019 attacks on bases
        #expect(has("2020-01", .incident, "parliament_vote"))                     // the parliament's resolution
        #expect(has("2020-03-12", .incident, "threat"))                           // 122 targets
        #expect(has("2020-01-09", .measure, "deployment"))                        // Patriot and C-RAM
        #expect(has("2020-03-01", .measure, "base_handover"))                     // half the bases
        let totals = catalog.incidents.filter { $0.kind == .aggregate }
        #expect(totals.contains { $0.date.iso == "2011-06-01" && $0.casualties["us_killed"] == 15 })  // June 2011
        #expect(totals.contains { $0.casualties["us_killed"] == 12 && $0.actor == "militias" })
        #expect(totals.contains { $0.count == 12 && $0.actor == "kh" })             // about a dozen in six months
        #expect(totals.contains { $0.count == 24 })                                  // more than two dozen
        #expect(totals.contains { $0.count == 7 && $0.date.iso == "2020-01-01" })    // at least seven, Jan–Feb
    }

    @Test func answersPointBackToWhatTheyAnswer() throws {
        let catalog = try load()
        #expect(catalog.incident("2020-03-12-depot-strikes")?.answerTo == "2020-03-11-taji")
        #expect(catalog.incident("2020-03-14-taji")?.answerTo == "2020-03-12-depot-strikes")
        #expect(catalog.incident("2020-01-08-missiles")?.answerTo == "2020-01-03-soleimani")
    }

    @Test func aBrokenCatalogIsDescribedRowByRow() throws {
        let header = Catalog.columns.joined(separator: ",")
        let sources = "id,outlet,author,title,date,note\ns1,Outlet,,Title,2020-03,\n"
        let rows = [
            "a,2020-3-11,day,,incident,kh,us,rocket_attack,4,rockets,Taji,2,,,,,,,,,,,,,,s1,",
            "b,2020-03-12,day,,incident,kh,usa,rocket_attack,11,rockets,Taji,-1,,,,,,,,,,,,,,s2,",
            "c,2020-03-13,day,,incident,kh,us,rocket_attack,4,rockets,Taji,,,,,,,,,,,,,,nothing,s1,",
            "d,2020-03,range,2020-02-01,incident,kh,us,rocket_attack,4,rockets,\"Taji, again\",,,,,,,,,,,,,,,s1,",
        ]
        let text = header + "\n" + rows.joined(separator: "\n") + "\n"
        do {
            _ = try Catalog.parse(incidents: CSVTable(text: text, path: "incidents.csv"),
                                  sources: CSVTable(text: sources, path: "sources.csv"))
            Issue.record("expected problems")
        } catch let problems as Catalog.Problems {
            #expect(problems.messages == [
                "incidents.csv:2:3: error: date: expected YYYY-MM-DD (precision day), found '2020-3-11'",
                "incidents.csv:3:31: error: target: expected an actor (us, iran, kh, aah, pdb, militias, iraq, uk, shipping), found 'usa'",
                "incidents.csv:3:49: error: rung: expected an integer from 0 to 9, found '11'",
                "incidents.csv:3:65: error: us_killed: expected a whole number of people, 0 or more, or nothing if unknown, found '-1'",
                "incidents.csv:3:81: error: sources: expected ids from sources.csv, found 's2'",
                "incidents.csv:4:76: error: answer_to: expected the id of an incident listed above, found 'nothing'",
                "incidents.csv:5:3: error: date: expected YYYY-MM-DD (precision range), found '2020-03'",
            ])
        }
    }

    @Test func csvSyntaxErrorsNameTheirPlace() {
        #expect(throws: CSVTable.SyntaxError.self) { try CSVTable(text: "a,b\n1,\"open\n", path: "x.csv") }
        do {
            _ = try CSVTable(text: "a,b\n1,x\"y\n", path: "x.csv")
        } catch {
            #expect(error.description == "x.csv:2:4: error: expected a quote only at the start of a field, found one inside it")
        }
    }
}
