import Foundation
import TestSupport
import Testing

/// `escalation incidents`, `calibrate` and `backtest` end to end.
@Suite(.serialized)
struct RecordCommandTests {
    @Test func incidentsPrintsTheCatalogInThreeForms() throws {
        let table = try runEscalation(["incidents", "--from", "2020-03-11", "--to", "2020-03-17", "--actor", "kh"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines[0].hasPrefix("date"))
        #expect(lines.contains { $0.hasPrefix("2020-03-11") && $0.contains("kh → us") && $0.contains("2 us, 1 coalition killed") })
        #expect(lines.last!.hasSuffix("rows (5 incidents, 1 totals, 0 measures)"))

        let csv = try runEscalation(["incidents", "--format", "csv", "--actor", "iran"])
        #expect(csv.stdout.hasPrefix("id,date,precision,date_end,kind,actor,target,action,rung,"))
        #expect(csv.stdout.contains("2020-01-08-missiles,2020-01-08,day,,incident,iran,us,ballistic_missiles,7,"))

        let json = try runEscalation(["incidents", "--format", "json", "--from", "2020-01-08", "--to", "2020-01-08"])
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        let missiles = try #require(objects.first { $0["id"] as? String == "2020-01-08-missiles" })
        #expect((missiles["casualties"] as? [String: Int])?["us_wounded"] == 109)
        #expect(((missiles["sources"] as? [[String: Any]])?.first?["outlet"] as? String) == "UPI")
    }

    @Test func incidentsReportsABrokenCatalogWithLineNumbers() throws {
        let dir = try temporaryDirectory()
        var text = try String(contentsOfFile: repositoryPath("seeds/incidents.csv"), encoding: .utf8)
        text = text.replacingOccurrences(of: "2020-03-14-taji,2020-03-14,day,", with: "2020-03-14-taji,2020-03-41,day,")
        let path = dir.appendingPathComponent("incidents.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runEscalation(["incidents", "--incidents", path])
        #expect(result.status == 65)
        let line = text.components(separatedBy: "\n").firstIndex { $0.hasPrefix("2020-03-14-taji") }! + 1
        #expect(result.stderr == "\(path):\(line):17: error: date: expected YYYY-MM-DD (precision day), found '2020-03-41'\n")
        #expect(try runEscalation(["incidents", "--incidents", "/no/such.csv"]).status == 74)
        #expect(try runEscalation(["incidents", "--from", "March"]).status == 64)
    }

    @Test func calibratePrintsTheFitAndWritesAnIncludableParameterFile() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("params.yaml").path
        let result = try runEscalation(["calibrate", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        for phrase in ["Multivariate Hawkes model over militias, us, iran", "spectral radius of the branching matrix",
                       "standard error", "time-rescaling check", "One-type model", "Lewis, Mohler, Brantingham & Bertozzi",
                       "Answer delays (gamma)", "Killed per incident, by weapon"] {
            #expect(result.stdout.contains(phrase), "\(phrase)")
        }
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.contains("constants:\n  hawkes_decay: "))
        // The bundled parameter file is what calibrate writes today.
        let bundled = try String(contentsOfFile: repositoryPath("Scenarios/params/fitted.yaml"), encoding: .utf8)
        #expect(written == bundled)
        // A scenario includes it and uses its names.
        let scenario = dir.appendingPathComponent("uses.yaml").path
        try """
            extends: \(repositoryPath("Scenarios/taji-2020.yaml"))
            include: params.yaml
            processes:
              kh_harassment: {rate: hawkes_background_militias, max_rate: ~}
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        #expect(try runEscalation(["validate", scenario]).status == 0)
    }

    @Test func backtestPrintsPercentilesAndFlags() throws {
        let result = try runEscalation(["backtest", "Scenarios/taji-2020.yaml", "--runs", "2000"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Backtest of Camp Taji, March 2020 against the documented record — 2000 runs, seed 1"))
        #expect(result.stdout.contains("days from Taji to the US strikes"))
        #expect(result.stdout.contains("Every documented value lies within the central 90% of the simulated runs."))
        let none = try runEscalation(["backtest", "Scenarios/bench/toy.yaml", "--runs", "10"])
        #expect(none.status == 65)
        #expect(none.stderr.contains("has no observations with a documented value"))
    }
}
