import Foundation
import TestSupport
import Testing

/// Bad command lines and input files found by probing the less-travelled commands: each is
/// refused with its exit code and a message naming what is wrong, never a crash, never a
/// runaway allocation, and never a file written over. Every file is in the test's own folder.
@Suite struct InputSafetyTests {
    let toy = repositoryPath("Scenarios/bench/toy.yaml")
    let flagship = repositoryPath("Scenarios/taji-2020.yaml")

    func copy(_ source: String, to name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: source, toPath: path)
        return path
    }

    func listing(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    /// Foundation on Linux crashed on the folder of a one-character path: a scenario named `T`,
    /// or extending one, loads like any other.
    @Test func aScenarioWithAOneCharacterNameLoads() throws {
        let dir = try temporaryDirectory()
        _ = try copy(toy, to: "T", in: dir)
        try "extends: T\ntitle: child\n".write(to: dir.appendingPathComponent("c"), atomically: true, encoding: .utf8)
        for arguments in [["validate", "T"], ["validate", "c"], ["run", "T", "--seed", "1"], ["compare", "T", "c", "--runs", "20"]] {
            let r = try runEscalation(arguments, in: dir.path)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("crashed"), "\(arguments)")
        }
        #expect(try listing(dir) == ["T", "c"])
    }

    /// An output named like a file the command reads (however the path is spelled) is refused
    /// before anything runs, and the input is left as it was.
    @Test func anOutputThatIsAnInputIsRefusedAndTheInputKept() throws {
        let dir = try temporaryDirectory()
        let scenario = try copy(toy, to: "toy.yaml", in: dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: scenario))
        let batch = try runEscalation(["batch", "toy.yaml", "--runs", "20", "--out", "runs.csv", "--quiet"], in: dir.path)
        #expect(batch.status == 0, "\(batch.stderr)")
        let runs = try Data(contentsOf: dir.appendingPathComponent("runs.csv"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("seeds"), withIntermediateDirectories: false)
        let incidents = try copy(repositoryPath("seeds/incidents.csv"), to: "seeds/incidents.csv", in: dir)
        _ = try copy(repositoryPath("seeds/sources.csv"), to: "seeds/sources.csv", in: dir)
        let catalog = try Data(contentsOf: URL(fileURLWithPath: incidents))
        let cases: [[String]] = [
            ["run", "toy.yaml", "--out", "toy.yaml"],
            ["run", "toy.yaml", "--out", "./toy.yaml"],
            ["batch", "toy.yaml", "--runs", "10", "--out", "x.csv", "--summary", "toy.yaml"],
            ["report", "toy.yaml", "--runs", "10", "--out", "toy.yaml"],
            ["report", "runs.csv", "--out", "runs.csv"],
            ["report", "runs.csv", "--out", "runs.manifest.json"],
            // The scenario a batch CSV was made from is read too.
            ["report", "runs.csv", "--out", "toy.yaml"],
            ["merge", "runs.csv", "--out", "toy.yaml"],
            ["compare", "toy.yaml", "--set-b", "processes.attacks.rate=0.3", "--runs", "10", "--report", "toy.yaml"],
            ["sweep", "toy.yaml", "--vary", "processes.attacks.rate=0.1:0.2:0.1", "--runs", "10", "--out", "toy.yaml"],
            ["sensitivity", "toy.yaml", "--runs", "10", "--out", "toy.yaml"],
            ["fit-hawkes", "--out", "seeds/incidents.csv"],
        ]
        for arguments in cases {
            let r = try runEscalation(arguments, in: dir.path)
            #expect(r.status == 74, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("it is an input of this command"), "\(arguments): \(r.stderr)")
        }
        // Refused before any run: a billion would take hours.
        let elsewhere = try temporaryDirectory().appendingPathComponent("stdout").path
        #expect(FileManager.default.createFile(atPath: elsewhere, contents: nil))
        for arguments in [["report", scenario, "--runs", "1000000000", "--out", scenario],
                          ["sweep", scenario, "--vary", "processes.attacks.rate=0.1:0.2:0.1", "--runs", "1000000000", "--out", scenario]] {
            let quick = try runEscalation(arguments, stdout: try #require(FileHandle(forWritingAtPath: elsewhere)), timeout: 60)
            #expect(quick.status == 74 && quick.stderr.contains("it is an input of this command"), "\(arguments): \(quick.stderr)")
        }
        // A link to the scenario is the same file.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.yaml").path, withDestinationPath: scenario)
        let linked = try runEscalation(["run", "link.yaml", "--out", "toy.yaml"], in: dir.path)
        #expect(linked.status == 74 && linked.stderr.contains("it is an input of this command (link.yaml)"), "\(linked.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: scenario)) == original)
        #expect(try Data(contentsOf: dir.appendingPathComponent("runs.csv")) == runs)
        #expect(try Data(contentsOf: URL(fileURLWithPath: incidents)) == catalog)
        #expect(try listing(dir) == ["link.yaml", "runs.csv", "runs.manifest.json", "seeds", "toy.yaml"])
    }

    /// Counts past what 64-bit arithmetic or memory can hold are usage errors, before any work,
    /// with nothing left behind.
    @Test func countsBeyondTheLimitsAreUsageErrors() throws {
        let dir = try temporaryDirectory()
        let huge = String(Int.max)
        let cases: [([String], String)] = [
            (["batch", toy, "--runs", huge, "--out", "big.csv"], "--runs: expected at most 1000000000000"),
            (["compare", toy, toy, "--runs", huge], "--runs: expected at most 1000000000000"),
            (["report", toy, "--runs", huge, "--out", "r.html"], "--runs: expected at most 1000000000000"),
            (["sweep", toy, "--vary", "processes.attacks.rate=0.1:0.2:0.1", "--runs", huge], "--runs: expected at most"),
            (["sensitivity", toy, "--runs", huge], "--runs: expected at most"),
            (["backtest", flagship, "--runs", "1000001"], "--runs: expected at most 1000000"),
            (["hindcast", flagship, "--runs", huge], "--runs: expected at most 1000000"),
            (["calibrate", flagship, "--particles", huge], "--particles: expected at most 1000000"),
            (["hindcast", flagship, "--particles", huge], "--particles: expected at most 1000000"),
            (["sbc", flagship, "--particles", huge], "--particles: expected at most 1000000"),
            (["sbc", flagship, "--sets", huge], "--sets: expected at most 100000"),
            (["sbc", flagship, "--simulations", "0"], "--simulations: expected 1000 or more"),
            (["sensitivity", toy, "--method", "sobol", "--only", "processes.attacks.rate",
              "--range", "processes.attacks.rate=0.1:0.3", "--samples", huge], "--samples: expected at most 100000"),
            (["sweep", toy, "--runs", "5", "--vary", "processes.attacks.rate=0:1:1e-300"], "1e+300 values is too many (at most 10000)"),
            (["sweep", toy, "--runs", "5", "--vary", "processes.attacks.rate=0:1:0.5", "--vary", "processes.attacks.rate=0:1:0.5"],
             "expected each path once"),
            (["sensitivity", toy, "--runs", "5", "--only", "processes.attacks.rate", "--only", "processes.attacks.rate"],
             "--only processes.attacks.rate: expected each path once"),
            (["incidents", "--from", "2024-01-01", "--to", "2020-01-01"], "--from 2024-01-01 is after --to 2020-01-01"),
            (["calibrate", flagship, "--kernel-scale", "-1"], "--kernel-scale: expected a number above 0 and at most 10, found -1.0"),
            (["paths", toy, "--set", "nosuch=1"], "no key 'nosuch' at the top of the scenario"),
            (["run", toy, "--set", "hoirzon=1"], "no key 'hoirzon' at the top of the scenario (did you mean 'horizon'?)"),
            (["run", toy, "--posterior", "nosuch.csv"], "--posterior nosuch.csv: \(toy) has no calibrated parameters"),
        ]
        for (arguments, message) in cases {
            let r = try runEscalation(arguments, in: dir.path)
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("crashed") && !r.stderr.contains("Fatal error"), "\(arguments)")
        }
        #expect(try listing(dir).isEmpty)
    }

    /// Text reaches terminals, HTML and pasted commands: control characters are refused where
    /// they are read (a name holds no line break either), messages show them escaped, and
    /// commands shown in a report are shell-quoted.
    @Test func textIsInertInEveryOutput() throws {
        let dir = try temporaryDirectory()
        func scenario(_ extra: String) -> String {
            "title: inert\nhorizon: 30\nactors: {kh: {name: KH}, us: {name: US}}\n"
                + "actions:\n  attack: {actor: kh, target: us, rung: 4, narrative: \(extra)}\n"
                + "processes: {raids: {action: attack, rate: 0.2}}\n"
        }
        let cases: [(String, String)] = [
            (#""\u001b[2Jcleared""#, "actions.attack.narrative: expected text without control characters, found the control character U+001B"),
            (#""over\rwrite""#, "found the control character U+000D"),
            (#""ok\nsecond line""#, ""),
        ]
        for (k, (narrative, message)) in cases.enumerated() {
            let path = dir.appendingPathComponent("n\(k).yaml").path
            try scenario(narrative).write(toFile: path, atomically: true, encoding: .utf8)
            let r = try runEscalation(["validate", path])
            #expect(r.status == (message.isEmpty ? 0 : 65), "\(narrative): \(r.stderr)")
            if !message.isEmpty { #expect(r.stderr.contains(message), "\(narrative): \(r.stderr)") }
            #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\r"))
        }
        let label = dir.appendingPathComponent("label.yaml").path
        try scenario("fine").replacingOccurrences(of: "name: KH", with: #"name: "K\nH""#).write(toFile: label, atomically: true, encoding: .utf8)
        let broken = try runEscalation(["validate", label])
        #expect(broken.status == 65 && broken.stderr.contains("actors.kh.name: expected text on one line, without control characters, found a line break"),
                "\(broken.stderr)")
        // A value echoed in a message shows its control characters.
        let rung = dir.appendingPathComponent("rung.yaml").path
        try scenario("fine").replacingOccurrences(of: "rung: 4", with: #"rung: "\u001b]0;title\u0007 12""#)
            .write(toFile: rung, atomically: true, encoding: .utf8)
        let echoed = try runEscalation(["validate", rung])
        #expect(echoed.status == 65 && echoed.stderr.contains(#"\u{1B}]0;title\u{7} 12"#), "\(echoed.stderr)")
        #expect(!echoed.stderr.contains("\u{1B}") && !echoed.stderr.contains("\u{7}"))
        // The record's CSVs too.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rec"), withIntermediateDirectories: false)
        var incidents = try String(contentsOfFile: repositoryPath("seeds/incidents.csv"), encoding: .utf8)
        let lines = incidents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        incidents = ([lines[0], lines[1].replacingOccurrences(of: ",Iraq,", with: ",Ir\u{1B}[31maq,")] + lines.dropFirst(2)).joined(separator: "\n")
        try incidents.write(to: dir.appendingPathComponent("rec/incidents.csv"), atomically: true, encoding: .utf8)
        let catalog = try runEscalation(["incidents", "--incidents", dir.appendingPathComponent("rec/incidents.csv").path])
        #expect(catalog.status == 65 && catalog.stderr.contains("rec/incidents.csv:2:"), "\(catalog.stderr)")
        #expect(catalog.stderr.contains("expected text without control characters, found U+001B"), "\(catalog.stderr)")
        // A report's commands paste as one word each.
        let page = dir.appendingPathComponent("r.html").path
        let report = try runEscalation(["report", toy, "--runs", "20", "--out", page, "--set", #"title=x $(touch pwned) `id`; echo "q""#])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("--set &#39;title=x $(touch pwned) `id`; echo &quot;q&quot;&#39;")
                || html.contains("--set 'title=x $(touch pwned) `id`; echo &quot;q&quot;'"), "the report's commands quote the --set")
    }

    /// Two names that make the same CSV column (side `count`'s `count_killed` and action
    /// `killed`'s count; an outcome `day` and the column `outcome_day`) are refused, naming both.
    @Test func namesThatMakeTheSameColumnAreRefused() throws {
        let dir = try temporaryDirectory()
        let text = """
            title: collide
            horizon: 30
            sides: {count: Counters, us: Americans}
            actors: {kh: {name: KH}, us: {name: US}}
            actions:
              killed: {actor: kh, target: us, rung: 4}
            processes: {raids: {action: killed, rate: 0.2}}
            outcomes:
              day: {label: a day, when: count(killed) >= 3}
            """
        let path = dir.appendingPathComponent("collide.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try runEscalation(["validate", path])
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("collide.yaml:6:11: error: actions.killed: expected an id whose column count_killed no other name makes, "
                                  + "found side count (its killed) makes it too"), "\(r.stderr)")
        #expect(r.stderr.contains("outcomes.day: expected an id whose column outcome_day no other name makes, found a column every "
                                  + "batch has makes it too"), "\(r.stderr)")
    }

    /// A calibration refuses, before it runs, a posterior larger than the 256 MiB that every
    /// command reads back: 11 parameters make rows of up to 309 bytes.
    @Test func aCalibrationWritesNoPosteriorTooLargeToReadBack() throws {
        let dir = try temporaryDirectory()
        let parameters = (1...11).map { "  p\($0): {label: push \($0), prior: {uniform: [0.2, 1.2]}}" }.joined(separator: "\n")
        let rate = (1...11).map { "p\($0)" }.joined(separator: " + ")
        let text = [
            "title: eleven", "horizon: 20", "parameters:", parameters,
            "actors: {militia: {name: Militia}, us: {name: United States}}",
            "actions: {attack: {actor: militia, target: us, rung: 4}}",
            "processes: {attacks: {action: attack, rate: 0.05 * (\(rate))}}",
            "observations:", "  attacks: {at: 20, value: count(attack), documented: 14}",
        ].joined(separator: "\n") + "\n"
        try text.write(to: dir.appendingPathComponent("eleven.yaml"), atomically: true, encoding: .utf8)
        let r = try runEscalation(["calibrate", "eleven.yaml", "--particles", "900000", "--out", "post.csv"], in: dir.path)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr == "error: --particles 900000: with 11 parameters the posterior could be larger than the 256 MiB any "
                + "command reads back; expected at most \(268_435_456 / 309)\n")
        #expect(try listing(dir) == ["eleven.yaml"])
    }

    /// `--posterior` goes to the arms of a comparison that draw from one; only when neither does
    /// is it a mistake, and then the message says why, --set included.
    @Test func aComparisonTakesAPosteriorForTheArmsThatDrawFromOne() throws {
        let posterior = repositoryPath("Scenarios/params/taji-2020.csv")
        let mixed = try runEscalation(["compare", flagship, toy, "--runs", "20", "--posterior", posterior])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        let neither = try runEscalation(["compare", toy, toy, "--runs", "20", "--posterior", posterior])
        #expect(neither.status == 64 && neither.stderr.contains("has no calibrated parameters to draw from a posterior"), "\(neither.stderr)")
        let pins = ["kh_attack_rate", "rocket_lethality", "us_strike_p", "kh_counter_p", "iran_answer_p", "iraq_vote_p"]
            .flatMap { ["--set", "parameters.\($0).value=0.1"] }
        let pinned = try runEscalation(["run", flagship, "--posterior", posterior] + pins)
        #expect(pinned.status == 64 && pinned.stderr.contains("\(flagship) with its --set values has no calibrated parameters"),
                "\(pinned.stderr)")
    }

    /// A CSV read whole (a posterior, the incident catalog) that is cut short, compressed, not
    /// text or not a file says so, by line and column where it has them.
    @Test func damagedCSVInputsSayWhatIsWrong() throws {
        let dir = try temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let posterior = try Data(contentsOf: URL(fileURLWithPath: repositoryPath("Scenarios/params/taji-2020.csv")))
        try posterior.prefix(500).write(to: URL(fileURLWithPath: path("cut.csv")))
        try FileManager.default.createDirectory(atPath: path("folder.csv"), withIntermediateDirectories: false)
        var incidents = try String(contentsOfFile: repositoryPath("seeds/incidents.csv"), encoding: .utf8)
        incidents = incidents.replacingOccurrences(of: ",Iraq,", with: ",Ir\u{FFFD}aq,")
        var bytes = Data(incidents.utf8)
        let mark = try #require(bytes.firstRange(of: Data("\u{FFFD}".utf8)))
        bytes.replaceSubrange(mark, with: [0xFF])
        try bytes.write(to: URL(fileURLWithPath: path("latin.csv")))
        let gzip = try runProgram("/bin/sh", ["-c", "gzip -c \(repositoryPath("Scenarios/params/taji-2020.csv")) > \(path("p.csv.gz"))"])
        #expect(gzip.status == 0)
        let line = bytes.prefix(upTo: mark.lowerBound).filter { $0 == UInt8(ascii: "\n") }.count + 1
        let cases: [([String], Int32, String)] = [
            (["backtest", flagship, "--runs", "50", "--posterior", path("cut.csv")], 65,
             "expected a newline after the last row (a file written by escalation calibrate), found the end of the file"),
            (["backtest", flagship, "--runs", "50", "--posterior", path("folder.csv")], 74, "it is a folder, not a CSV file"),
            (["backtest", flagship, "--runs", "50", "--posterior", path("p.csv.gz")], 65, "found gzip-compressed bytes"),
            (["incidents", "--incidents", path("latin.csv"), "--format", "csv"], 65,
             "\(path("latin.csv")):\(line):"),
            (["incidents", "--incidents", path("latin.csv")], 65, "expected UTF-8 text, found the byte 0xFF"),
            (["fit-hawkes", "--incidents", path("folder.csv")], 74, "cannot read '\(path("folder.csv"))': it is a folder"),
        ]
        for (arguments, status, message) in cases {
            let r = try runEscalation(arguments, in: dir.path)
            #expect(r.status == status, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
    }

    /// A batch CSV that is empty, and a manifest whose numbers do not fit, are named as such.
    @Test func emptyBatchFilesAndOutsizedManifestsSayWhatIsWrong() throws {
        let dir = try temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let batch = try runEscalation(["batch", toy, "--runs", "20", "--out", path("runs.csv"), "--quiet"])
        #expect(batch.status == 0, "\(batch.stderr)")
        // A header cut short is not an empty file.
        try Data("run,seed,outc".utf8).write(to: URL(fileURLWithPath: path("runs.csv")))
        let cut = try runEscalation(["report", path("runs.csv"), "--out", path("r.html")])
        #expect(cut.status == 65 && cut.stderr.contains("its columns are not those of"), "\(cut.stderr)")
        try Data().write(to: URL(fileURLWithPath: path("runs.csv")))
        let report = try runEscalation(["report", path("runs.csv"), "--out", path("r.html")])
        #expect(report.status == 65 && report.stderr.contains("runs.csv is empty (not even a header)"), "\(report.stderr)")
        let merge = try runEscalation(["merge", path("runs.csv"), "--out", path("m.csv")])
        #expect(merge.status == 65 && merge.stderr.contains("runs.csv is empty (not even a header)"), "\(merge.stderr)")
        let manifest = try String(contentsOfFile: path("runs.manifest.json"), encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"runs\" : 20", with: "\"runs\" : 1e30")
            .write(toFile: path("runs.manifest.json"), atomically: true, encoding: .utf8)
        #expect(try String(contentsOfFile: path("runs.manifest.json"), encoding: .utf8).contains("1e30"))
        let outsized = try runEscalation(["report", path("runs.csv"), "--out", path("r.html")])
        #expect(outsized.status == 65 && outsized.stderr.contains("a value does not fit its field"), "\(outsized.stderr)")
        #expect(try listing(dir) == ["runs.csv", "runs.manifest.json"])
    }
}
