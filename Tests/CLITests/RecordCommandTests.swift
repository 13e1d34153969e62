import Foundation
import TestSupport
import Testing

/// `escalation incidents`, `fit-hawkes`, `sources`, `validate --strict`, `calibrate`,
/// `hindcast` and `backtest` end to end.
@Suite(.serialized)
struct RecordCommandTests {
    @Test func incidentsPrintsTheCatalogInThreeForms() throws {
        let table = try runEscalation(["incidents", "--from", "2020-03-11", "--to", "2020-03-17", "--actor", "kh"])
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines[0].hasPrefix("date"))
        #expect(lines.contains { $0.hasPrefix("2020-03-11") && $0.contains("kh → us") && $0.contains("2 us, 1 coalition killed") })
        #expect(lines.contains { $0.hasSuffix("rows (5 incidents, 1 totals, 0 measures)") })
        #expect(lines.contains { $0.contains("2020-03-kh-dozen-attacks contains 2019-12-27-k1, 2020-03-11-taji; leaves 8-12 of its count undated") })

        let csv = try runEscalation(["incidents", "--format", "csv", "--actor", "iran"])
        #expect(csv.stdout.hasPrefix("id,date,precision,date_end,kind,actor,target,action,rung,"))
        #expect(csv.stdout.contains("2020-01-08-missiles,2020-01-08,day,,incident,iran,us,ballistic_missiles,7,"))

        let json = try runEscalation(["incidents", "--format", "json", "--from", "2019-12-29", "--to", "2020-01-08"])
        let objects = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        let missiles = try #require(objects.first { $0["id"] as? String == "2020-01-08-missiles" })
        let wounded = try #require((missiles["casualties"] as? [String: Any])?["us_wounded"] as? [String: Any])
        #expect(wounded["low"] as? Double == 109 && wounded["high"] as? Double == 109)
        #expect(((missiles["sources"] as? [[String: Any]])?.first?["outlet"] as? String) == "United Press International")
        // A floor keeps its open top: "at least 25" killed.
        let strikes = try #require(objects.first { $0["id"] as? String == "2019-12-29-kh-strikes" })
        let killed = try #require((strikes["casualties"] as? [String: Any])?["militia_killed"] as? [String: Any])
        #expect(killed["low"] as? Double == 25 && killed["high"] is NSNull && killed["text"] as? String == "25+")
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
        // The row with a bad date is dropped, so the rows that answer it are reported too.
        #expect(result.stderr.hasPrefix("\(path):\(line):17: error: date: expected YYYY-MM-DD (precision day), found '2020-03-41'\n"))
        #expect(try runEscalation(["incidents", "--incidents", "/no/such.csv"]).status == 74)
        #expect(try runEscalation(["incidents", "--from", "March"]).status == 64)
    }

    @Test func fitHawkesDescribesTheDatedRecordAndWritesTheBundledFile() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("fitted.yaml").path
        let result = try runEscalation(["fit-hawkes", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        for phrase in ["Two-type model", "spectral radius of the branching matrix", "standard error", "time-rescaling check",
                       "One-type model with independent marks (the same events and types)", "AIC difference",
                       "Lewis, Mohler, Brantingham & Bertozzi", "Completeness of the dated record", "Answer delays (gamma)",
                       "Killed per incident, by weapon", "the search converged"] {
            #expect(result.stdout.contains(phrase), "\(phrase)")
        }
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.contains("\nconverged: true\n"))
        // The bundled file is what fit-hawkes writes today.
        #expect(written == (try String(contentsOfFile: repositoryPath("Scenarios/params/fitted.yaml"), encoding: .utf8)))
    }

    @Test func sourcesListsEveryNumberWithItsOrigin() throws {
        let result = try runEscalation(["sources", "Scenarios/taji-2020.yaml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(" without an origin\n"))
        #expect(result.stdout.contains(", 0 without an origin"))
        #expect(result.stdout.contains("Every number has an origin."))
        #expect(result.stdout.contains("@2020-03-11-taji.us_killed = 2 [The New York Times, 2020-03-27"))
        #expect(result.stdout.contains("drawn per replication from"))
        #expect(result.stdout.contains("us_strike_p"))
        let csv = try runEscalation(["sources", "Scenarios/withdrawal-2011.yaml", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("parameter,value,unit,origin,low,high,detail,label,used_at\n"))
        // A calibrated parameter's range is its 90% posterior interval, as the summary file prints it.
        let attack = csv.stdout.split(separator: "\n").first { $0.hasPrefix("attack_rate,") }!.split(separator: ",").map(String.init)
        #expect(attack[3] == "calibrated")
        #expect(abs(Double(attack[4])! - 0.0685) < 0.0005 && abs(Double(attack[5])! - 0.584) < 0.0005)
    }

    @Test func strictValidationRefusesANumberWithoutAnOrigin() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("bare.yaml").path
        try """
            horizon: 30
            parameters:
              rate: {label: attacks a day, value: 0.2, assumption: [0.1, 0.4], why: a judgement}
              lethality: {label: deaths an attack, value: 0.5}
            actors: {militia: {name: M}, us: {name: US}}
            actions: {attack: {actor: militia, target: us, rung: 4, casualties: {us_killed: {poisson: lethality}}}}
            processes: {attacks: {action: attack, rate: rate * 2}}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try runEscalation(["validate", path]).status == 0)
        let strict = try runEscalation(["validate", "--strict", path])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("\(path):4:14: error: parameters.lethality: expected an origin: a record formula as value:, "
                                       + "assumption: [low, high] with why:, or prior:, found the bare number 0.5"))
        #expect(strict.stderr.contains("\(path):7:52: error: processes.attacks.rate: expected a parameter's name, a record reference "
                                       + "(\"@row.field\"), 0 or 1, found the unlabelled number 2 in 'rate * 2'"))
        let bundled = try runEscalation(["validate", "--strict"] + [
            "taji-2020", "soleimani-2020", "withdrawal-2011", "red-line-122", "strict-us", "generous-us", "no-decapitation",
            "humanitarian-offramp", "air-defense-early", "full-withdrawal",
        ].map { "Scenarios/\($0).yaml" })
        #expect(bundled.status == 0, "\(bundled.stderr)")
    }

    @Test func calibrateWritesAPosteriorAndItsSummaryAndSaysWhenItCannot() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("posterior.csv").path
        let result = try runEscalation(["calibrate", "Scenarios/withdrawal-2011.yaml", "--particles", "200", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("90% interval"))
        #expect(result.stdout.contains("Converged: the last generation matches every documented value exactly (tolerance 0)."))
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        #expect(csv.hasPrefix("draw,weight,attack_rate,us_strike_p,crackdown_p\n"))
        #expect(csv.split(separator: "\n").count == 201)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("posterior.summary.txt").path))
        // The same seed gives the same bytes on one thread.
        let again = dir.appendingPathComponent("again.csv").path
        #expect(try runEscalation(["calibrate", "Scenarios/withdrawal-2011.yaml", "--particles", "200", "--threads", "1",
                                   "--out", again, "--quiet"]).status == 0)
        #expect(try String(contentsOfFile: again, encoding: .utf8) == csv)
        // Too small a budget: it says so and exits 65, after writing what it has.
        let starved = try runEscalation(["calibrate", "Scenarios/withdrawal-2011.yaml", "--particles", "100", "--simulations", "1000"])
        #expect(starved.status == 65)
        #expect(starved.stdout.contains("DID NOT CONVERGE: the simulation budget (1000) ran out"))
        // A scenario with nothing to calibrate.
        let none = try runEscalation(["calibrate", "Scenarios/bench/toy.yaml"])
        #expect(none.status == 65)
        #expect(none.stderr.contains("has no calibrated parameters"))
    }

    @Test func hindcastScoresTheEpisodeAgainstTheBaseline() throws {
        let result = try runEscalation(["hindcast", "Scenarios/withdrawal-2011.yaml", "--runs", "500"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = unwrapped(result.stdout)
        #expect(text.contains("Hindcast of The 2011 withdrawal campaign from 1 Jun 2011"))
        #expect(text.contains("a prior predictive check"))
        #expect(text.contains("not injected (after the start): 6 Jun 2011: kh_iram (camp_loyalty)"))
        // The table's first column wraps: the row starts on a line with the documented 14 deaths.
        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("  Americans killed in ") && $0.contains(" 14 ") })
        #expect(text.contains("log score (sum, higher is better): model "))
    }

    /// A hindcast whose calibration did not converge prints its whole report, says so, and exits
    /// 65, as `calibrate` does: its scores rest on a posterior that is not the record's.
    @Test func aHindcastOnACalibrationThatDidNotConvergeExits65() throws {
        let result = try runEscalation(["hindcast", "Scenarios/taji-2020.yaml", "--runs", "100", "--particles", "50", "--quiet"])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stdout.contains("DID NOT CONVERGE"))
        #expect(result.stdout.contains("log score (sum, higher is better): model "))
        #expect(result.stderr.hasSuffix("error: the calibration of Scenarios/taji-2020.yaml did not converge (see DID NOT CONVERGE "
                                        + "above): its scores rest on a posterior that is not the record's; raise --particles\n"))
    }

    @Test func backtestPrintsPercentilesFlagsAndWhatIsInjected() throws {
        let result = try runEscalation(["backtest", "Scenarios/withdrawal-2011.yaml", "--runs", "2000"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Backtest of The 2011 withdrawal campaign against the documented record — 2000 runs, seed 1"))
        #expect(unwrapped(result.stdout).contains("us_killed_june: @2011-06-hostile-deaths.us_killed; reads what injections feed: "
                                                  + "us_killed, 8 of it injected (camp_loyalty 5, wasit 3)"))
        let none = try runEscalation(["backtest", "Scenarios/bench/toy.yaml", "--runs", "10"])
        #expect(none.status == 65)
        #expect(none.stderr.contains("has no observations with a documented value"))
    }
}

/// A calibration whose simulation budget runs out before the tolerance reaches 0 says so and
/// exits 65, so a script never takes an unconverged posterior for a fit.
@Suite struct CalibrationExitTests {
    @Test func aCalibrationThatDidNotConvergeExits65() throws {
        let dir = try temporaryDirectory()
        let r = try runEscalation(["calibrate", repositoryPath("Scenarios/withdrawal-2011.yaml"), "--simulations", "2000",
                                   "--particles", "200", "--out", dir.appendingPathComponent("p.csv").path, "--quiet"])
        #expect(r.status == 65)
        #expect(r.stdout.contains("DID NOT CONVERGE"))
    }
}

/// Text as printed for a terminal with its wrapped lines joined again: each line break and the
/// indent after it become one space.
func unwrapped(_ text: String) -> String {
    text.split(separator: "\n").map { $0.drop { $0 == " " } }.joined(separator: " ")
}
