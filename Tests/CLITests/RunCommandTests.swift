import Foundation
import TestSupport
import Testing

/// `escalation run`, `validate` and `ladder` end to end: the built executable, its bytes and its
/// exit codes.
@Suite(.serialized)
struct RunCommandTests {
    @Test func theSameSeedGivesTheSameBytes() throws {
        for trace in ["narrative", "jsonl", "csv"] {
            let first = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "7", "--trace", trace])
            let second = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "7", "--trace", trace])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdoutData == second.stdoutData, "\(trace)")
            #expect(!first.stdoutData.isEmpty)
        }
        let other = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "8"])
        let seven = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "7"])
        #expect(other.stdout != seven.stdout)
    }

    @Test func theFlagshipNarrativeMatchesTheGoldenText() throws {
        for (arguments, golden) in [(["--seed", "1"], "taji-2020-seed1.txt"),
                                    (["--seed", "1", "--explain"], "taji-2020-seed1-explain.txt")] {
            let result = try runEscalation(["run", "Scenarios/taji-2020.yaml"] + arguments)
            let expected = try String(contentsOfFile: repositoryPath("Tests/Golden/\(golden)"), encoding: .utf8)
            #expect(result.status == 0)
            #expect(result.stdout == expected, "differs from Tests/Golden/\(golden); run `make golden` after a deliberate change")
        }
    }

    @Test func theNarrativeIsADatedChronologyWithASummary() throws {
        let result = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "1"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Camp Taji, March 2020 — seed 1")
        #expect(lines.contains { $0.hasPrefix("11 Mar 2020 — Kataib Hezbollah rockets strike Camp Taji (rung 4): 2 US, 1 coalition killed") })
        #expect(lines.contains { $0.hasPrefix("Outcome: ") })
        #expect(lines[1].hasPrefix("From 11 Mar 2020, for 180 days. Calibrated parameters: posterior draw "))
        #expect(lines.contains { $0.hasPrefix("Ledger: US ") && $0.contains(" killed") })
    }

    @Test func jsonLinesCarryOneObjectPerEventWithEveryField() throws {
        let result = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "1", "--trace", "jsonl"])
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.first?["type"] as? String == "run")
        #expect(objects.last?["type"] as? String == "outcome")
        let first = try #require(objects.first { $0["type"] as? String == "action" })
        for key in ["n", "day", "date", "action", "actor", "target", "rung", "intercepted", "casualties", "cause",
                    "decisions", "state"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        #expect(first["date"] as? String == "2020-03-11")
        #expect((first["casualties"] as? [String: Any])?["us_killed"] as? Int == 2)
    }

    @Test func csvTracesHaveOneRowPerEntryAndAStableHeader() throws {
        let result = try runEscalation(["run", "Scenarios/bench/toy.yaml", "--seed", "3", "--trace", "csv"])
        let rows = result.stdout.split(separator: "\n")
        #expect(rows[0].hasPrefix("n,day,date,type,name,actor,target,rung,intercepted,cause,parent,policy,rule,probability,delay,us_killed,us_wounded"))
        let columns = rows[0].split(separator: ",", omittingEmptySubsequences: false).count
        #expect(rows.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
    }

    @Test func outWritesTheFileAndNothingToStandardOutput() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("run.txt").path
        let result = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "1", "--out", path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8)
                == runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "1"]).stdout)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["run.txt"])
    }

    @Test func overridesChangeTheRunAndAreChecked() throws {
        let strict = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "7",
                                        "--set", "policies.us_limited.rules.2.probability=1"])
        #expect(strict.status == 0)
        // Seed 7 draws the 10% no-answer after Taji; with the probability set to 1 the strike comes.
        #expect(!(try runEscalation(["run", "Scenarios/taji-2020.yaml", "--seed", "7"]).stdout.contains("weapons depots")))
        #expect(["11", "12", "13"].contains {
            strict.stdout.contains("\($0) Mar 2020 — US aircraft strike five Kataib Hezbollah weapons depots")
        })
        let bad = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--set", "actions.kh_rockets.rung=12"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("--set actions.kh_rockets.rung:1:1: error: actions.kh_rockets.rung: expected an integer rung from 0 to 9, found '12'"))
        let missing = try runEscalation(["run", "Scenarios/taji-2020.yaml", "--set", "actions.kh_rokets.rung=3"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("no key 'kh_rokets' under actions (did you mean 'kh_rockets'?)"))
    }

    @Test func validateNamesFileLineAndColumnOfABrokenCopyAndExits65() throws {
        // The copy sits beside a link to the record, as the scenario's record: ../seeds expects.
        let dir = try temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("seeds").path, withDestinationPath: repositoryPath("seeds"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        let broken = dir.appendingPathComponent("scenarios/taji-broken.yaml").path
        var text = try String(contentsOfFile: repositoryPath("Scenarios/taji-2020.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "    rung: 5\n    narrative: US aircraft strike five",
                                         with: "    rung: 15\n    narrative: US aircraft strike five")
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try runEscalation(["validate", broken])
        #expect(result.status == 65)
        let line = text.components(separatedBy: "\n").firstIndex { $0 == "    rung: 15" }! + 1
        #expect(result.stderr.contains("\(broken):\(line):11: error: actions.us_depot_strikes.rung: expected an integer rung from 0 to 9, found '15'"))
        #expect(result.stderr.contains("1 error in \(broken)"))

        let good = try runEscalation(["validate", "Scenarios/taji-2020.yaml", "Scenarios/withdrawal-2011.yaml"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("ok Scenarios/taji-2020.yaml: Camp Taji, March 2020"))
    }

    @Test func exitCodesFollowTheContract() throws {
        #expect(try runEscalation(["run", "no-such-file.yaml"]).status == 74)
        #expect(try runEscalation(["run", "Scenarios/taji-2020.yaml", "--trace", "xml"]).status == 64)
        #expect(try runEscalation(["run", "Scenarios/taji-2020.yaml", "--trace", "csv", "--explain"]).status == 64)
        #expect(try runEscalation(["run", "Scenarios/taji-2020.yaml", "--out", "/no/such/dir/x.txt"]).status == 74)
        #expect(try runEscalation(["frobnicate"]).status == 64)
    }

    @Test func ladderListsEveryRungAndItsActions() throws {
        let result = try runEscalation(["ladder", "Scenarios/taji-2020.yaml"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines[0].hasPrefix("rung  action"))
        // Each rung on a line with its name, its actions under it.
        let top = try #require(lines.firstIndex { $0 == "9     open US–Iran war" })
        #expect(lines[top + 1].hasPrefix("      us_war") && lines[top + 1].contains("us → iran"))
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines.contains { $0.contains("us_depot_strikes") && $0.contains("us → kh") && $0.contains("militia_killed 8") })
    }
}
