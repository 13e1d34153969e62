import Experiments
import Foundation
import TestSupport
import Testing

/// Hostile input and faults: each test reproduces a defect found by fuzzing or fault injection
/// and checks the exit code, the message, and that nothing else was touched. Every file these
/// tests make is in their own temporary folder.
@Suite struct HardeningTests {
    let flagship = "Scenarios/taji-2020.yaml"

    /// A small scenario with one expression (`rate`) that tests can replace.
    static func scenario(rate: String = "0.2", extra: String = "") -> String {
        """
        title: hardening
        horizon: 60
        actors: {us: {name: US}, kh: {name: KH}}
        actions:
          rockets: {actor: kh, target: us, rung: 4, casualties: {us_killed: {poisson: {mean: "\(rate)"}}}}
        processes: {harass: {action: rockets, rate: 0.3}}
        \(extra)
        """
    }

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// A file in `dir` to take a command's standard output.
    func sink(in dir: URL) throws -> FileHandle {
        let path = dir.appendingPathComponent("stdout-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        return FileHandle(forWritingAtPath: path)!
    }

    func listing(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    // MARK: Limits on input

    @Test func deepExpressionsAreRefusedNotACrash() throws {
        let dir = try temporaryDirectory()
        let minus = try runEscalation(["validate", try write(Self.scenario(rate: String(repeating: "-", count: 50_000) + "1"), "minus.yaml", in: dir)])
        #expect(minus.status == 65)
        #expect(minus.stderr.contains("expected an expression of at most 4000 characters, found 50001 characters"))
        let nested = "(" + String(repeating: "-(", count: 70) + "1" + String(repeating: ")", count: 71)
        let parens = try runEscalation(["validate", try write(Self.scenario(rate: nested), "parens.yaml", in: dir)])
        #expect(parens.status == 65)
        #expect(parens.stderr.contains("expected at most 64 levels of nesting"))
        let chain = try runEscalation(["validate", try write(Self.scenario(rate: Array(repeating: "1", count: 600).joined(separator: "+")), "chain.yaml", in: dir)])
        #expect(chain.status == 65)
        #expect(chain.stderr.contains("expected at most 500 operators in one expression"))
        // Within the limits, deep is fine.
        let fine = "(" + String(repeating: "-(", count: 30) + "1" + String(repeating: ")", count: 31) + " + 0.5"
        #expect(try runEscalation(["validate", try write(Self.scenario(rate: fine), "fine.yaml", in: dir)]).status == 0)
    }

    @Test func aliasBombsBigFilesAndBadBytesAreRefusedAtOnce() throws {
        let dir = try temporaryDirectory()
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let clock = Date()
        let bombed = try runEscalation(["validate", try write(bomb + "title: bomb\n", "bomb.yaml", in: dir)])
        #expect(bombed.status == 65)
        #expect(bombed.stderr.contains("expected at most 100000 values once aliases (*name) are expanded"))
        // Aliases in a key: Yams' composer would hash the expansion whole to find repeated keys.
        // Every way of writing a key that is not a scalar is refused where it starts; after the
        // whole bomb the values run out first, after a small one the key is what is refused.
        var small = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...3 { small += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let keys = ["*a3: 1", "m: {*a3: 1}", "? *a3\n: 1", "[*a3, *a3]: 1", "x: [[*a3]: 1]", "x: {[*a3]: 1}",
                    "&k [*a3]: 1", "!!seq [*a3]: 1", "x: [{*a3 : 1}]", "? [x,\n   *a3]\n: 1", "? {y: *a3}\n: 1"]
        for key in keys {
            let keyed = try runEscalation(["validate", try write(small + key + "\ntitle: bomb\n", "key.yaml", in: dir)])
            #expect(keyed.status == 65, "\(key)")
            #expect(keyed.stderr.contains("key.yaml:5:"), "\(key): \(keyed.stderr)")
            #expect(keyed.stderr.contains("expected a plain name as each key"), "\(key): \(keyed.stderr)")
            let bombedKey = try runEscalation(["validate", try write(bomb + key.replacingOccurrences(of: "a3", with: "a9") + "\ntitle: bomb\n",
                                                                   "key.yaml", in: dir)])
            #expect(bombedKey.status == 65, "\(key)")
        }
        #expect(Date().timeIntervalSince(clock) < 20)
        let fifo = dir.appendingPathComponent("scenario-fifo.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let fromFIFO = try runEscalation(["validate", fifo])
        #expect(fromFIFO.status == 74)
        #expect(fromFIFO.stderr == "error: cannot read '\(fifo)': it is not a regular file\n")
        let big = try runEscalation(["validate", try write(Self.scenario() + "\n#" + String(repeating: "x", count: 1 << 20), "big.yaml", in: dir)])
        #expect(big.status == 65)
        #expect(big.stderr.contains("big.yaml:1:1: error: expected a scenario file of at most 1048576 bytes"))
        let path = dir.appendingPathComponent("latin1.yaml").path
        try Data("title: ok\nsummary: \"caf".utf8 + [0xE9] + Data(" here\"\n".utf8)).write(to: URL(fileURLWithPath: path))
        let latin1 = try runEscalation(["validate", path])
        #expect(latin1.status == 65)
        #expect(latin1.stderr.hasPrefix("\(path):2:14: error: expected UTF-8 text, found the byte 0xE9"))
        var deep = "title: deep\nx: "
        for _ in 0..<70 { deep += "[" }
        deep += "1" + String(repeating: "]", count: 70) + "\n"
        let nested = try runEscalation(["validate", try write(deep, "deep.yaml", in: dir)])
        #expect(nested.status == 65)
        #expect(nested.stderr.contains("expected mappings and lists nested at most 64 deep"))
    }

    @Test func countMeansBeyondTheSamplerAreRefusedAndRunTimeInfinitiesEndAsInvalid() throws {
        let scratch = try temporaryDirectory()
        let tooBig = try runEscalation(["run", "Scenarios/soleimani-2020.yaml", "--seed", "1", "--set",
                                        "actions.us_strikes_kh_sites.casualties.militia_killed.negative_binomial.mean=1e12"],
                                       stdout: try sink(in: scratch), timeout: 60)
        #expect(tooBig.status == 65)
        #expect(tooBig.stderr.contains("expected negative_binomial with mean of at most 1000000, found 1000000000000"))
        let dir = try temporaryDirectory()
        // A mean that only the run can compute: infinite from the first attack on.
        let infinite = try write(Self.scenario(rate: "1 / (day - day)"), "infinite.yaml", in: dir)
        let out = dir.appendingPathComponent("runs.csv").path
        let batch = try runEscalation(["batch", infinite, "--runs", "50", "--out", out, "--quiet"])
        #expect(batch.status == 0)
        #expect(batch.stderr.contains("warning: 50 runs ended invalid"))
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 50 && rows.allSatisfy { $0.split(separator: ",")[2] == "invalid" })
        let story = try runEscalation(["run", infinite, "--seed", "3"])
        #expect(story.status == 0)
        #expect(story.stdout.contains("Outcome: invalid (a value was infinite, NaN or beyond its sampler)"))
        // A mean the parameters allow but a negative binomial's gamma mixing carries past the
        // sampler: invalid too, never a hang.
        let mixed = try write(Self.scenario(rate: "1").replacingOccurrences(of: "{poisson: {mean: \"1\"}}",
                                                                             with: "{negative_binomial: {mean: 900000, dispersion: 0.001}}"),
                              "mixed.yaml", in: dir)
        let mixedRuns = try runEscalation(["batch", mixed, "--runs", "200", "--quiet"], stdout: try sink(in: scratch), timeout: 60)
        #expect(mixedRuns.status == 0)
        #expect(mixedRuns.stderr.contains("ended invalid"))
        let cap = try runEscalation(["validate", try write(Self.scenario(extra: "max_events: 5000000"), "cap.yaml", in: dir)])
        #expect(cap.status == 65)
        #expect(cap.stderr.contains("expected a whole number of events from 1 to 1000000"))
    }

    // MARK: Standard output is an output

    @Test func aStandardOutputThatCannotBeWrittenIsExit74AndAClosedPipeIsQuiet() throws {
        let dir = try temporaryDirectory()
        let readOnly = dir.appendingPathComponent("read-only").path
        #expect(FileManager.default.createFile(atPath: readOnly, contents: Data()))
        let commands: [[String]] = [
            ["run", flagship], ["run", flagship, "--trace", "jsonl"], ["validate", flagship], ["ladder", flagship],
            ["incidents"], ["backtest", flagship, "--runs", "50"], ["batch", flagship, "--runs", "50"],
            ["sweep", flagship, "--vary", "parameters.kh_control.value=0:1:0.5", "--runs", "20"],
            ["sources", flagship], ["compare", flagship, "--set", "parameters.kh_control.value=0.5", "--runs", "20"],
            ["paths", flagship],
        ]
        for command in commands {
            let result = try runEscalation(command, stdout: FileHandle(forReadingAtPath: readOnly)!)
            #expect(result.status == 74, "\(command): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("cannot write 'standard output'"), "\(command): \(result.stderr)")
        }
        for command in commands {
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            let result = try runEscalation(command, stdout: pipe.fileHandleForWriting)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(command): \(result.status) \(result.stderr)")
        }
        // The reader gone, the command still writes its files and keeps its own exit code.
        let report = dir.appendingPathComponent("sweep.html").path
        let gone = Pipe()
        try gone.fileHandleForReading.close()
        let sweep = try runEscalation(["sweep", flagship, "--vary", "parameters.kh_control.value=0:1:0.5", "--runs", "20",
                                       "--report", report], stdout: gone.fileHandleForWriting)
        #expect(sweep.status == 0 && FileManager.default.fileExists(atPath: report))
        let summary = dir.appendingPathComponent("summary.csv").path
        let batch = try runEscalation(["batch", flagship, "--runs", "50", "--summary", summary], stdout: gone.fileHandleForWriting)
        #expect(batch.status == 74)
        #expect(batch.stderr.contains("the reader closed the pipe before the batch finished, so the summary \(summary) was not written"))
        #expect(try listing(dir) == ["read-only", "sweep.html"])
    }

    /// An unknown command is a usage error, with or without `--help` after it.
    @Test func anUnknownCommandIsAUsageError() throws {
        for arguments in [["nosuch"], ["nosuch", "--help"], ["check-calibration", "--help"], ["nosuch", "-h"]] {
            let r = try runEscalation(arguments)
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("unknown command '\(arguments[0])'; the commands are run, batch, merge"), "\(arguments)")
        }
        // Help itself still works, and exits 0.
        for arguments in [["--help"], ["help"], ["help", "batch"], ["batch", "--help"], ["--version"]] {
            #expect(try runEscalation(arguments).status == 0, "\(arguments)")
        }
    }

    /// `escalation serve` is the classroom's own program, built beside this one, with every
    /// argument passed on; where it is not built, the message says how to build it.
    @Test func serveStartsTheClassroomProgramBesideIt() throws {
        let help = try runEscalation(["serve", "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: escalation-serve [--host <host>] [--port <port>]"), "\(help.stdout)")
        let bad = try runEscalation(["serve", "--port", "eighty"])
        #expect(bad.status == 64 && bad.stderr.contains("eighty"), "\(bad.stderr)")
        #expect(try runEscalation(["--help"]).stdout.contains("serve"))
        // A copy of this program alone in a folder has no classroom beside it.
        let dir = try temporaryDirectory()
        let alone = dir.appendingPathComponent("escalation").path
        try FileManager.default.copyItem(atPath: escalationExecutable, toPath: alone)
        let missing = try runProgram(alone, ["serve"])
        #expect(missing.status == 74, "\(missing.stderr)")
        #expect(missing.stderr.contains("the classroom is the program escalation-serve, which is not built beside \(alone): run `make serve`"))
    }

    @Test func writeErrorsSayWhatTheSystemSaid() {
        #expect(WriteError(path: "x", errno: ENOSPC).description == "cannot write 'x': no space left on the device (the disk is full)")
        #expect(WriteError(path: "x", errno: EACCES).description == "cannot write 'x': permission denied")
        #expect(WriteError(path: "x", errno: EROFS).description == "cannot write 'x': the file system is read-only")
        #expect(WriteError(path: "x", errno: EPIPE).description == "cannot write 'x': the reader closed the pipe")
    }

    // MARK: Outputs that cannot hurt

    @Test func outputsThatAreNotRegularFilesAreRefusedAndLeftAlone() throws {
        let dir = try temporaryDirectory()
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let target = dir.appendingPathComponent("target.txt").path
        try "keep".write(toFile: target, atomically: false, encoding: .utf8)
        let link = dir.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let folder = dir.appendingPathComponent("folder.csv").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for (path, kind) in [(fifo, "a FIFO"), (link, "a symbolic link"), (folder, "a folder")] {
            for command in [["run", flagship, "--out", path], ["batch", flagship, "--runs", "10", "--out", path, "--quiet"],
                            ["batch", flagship, "--runs", "10", "--summary", path, "--quiet"]] {
                let result = try runEscalation(command)
                #expect(result.status == 74, "\(command)")
                #expect(result.stderr == "error: cannot write '\(path)': it is \(kind), not a regular file; escalation replaces only "
                        + "regular files (name a new file, or remove it first)\n")
            }
        }
        #expect(try listing(dir) == ["fifo", "folder.csv", "link.csv", "target.txt"])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
    }

    @Test func aSecondWriterIsRefusedAndTheFirstOnesFilesStayWhole() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("runs.csv").path
        // Another process holds the output, as a running batch does.
        let lock = open(dir.appendingPathComponent(".runs.csv.lock").path, O_RDWR | O_CREAT, 0o644)
        #expect(lock >= 0 && flock(lock, LOCK_EX) == 0)
        _ = "4242\n".withCString { pwrite(lock, $0, 5, 0) }
        for command in [["batch", flagship, "--runs", "20", "--out", out, "--quiet"],
                        ["batch", flagship, "--runs", "20", "--out", out, "--quiet", "--resume"],
                        ["run", flagship, "--out", out]] {
            let result = try runEscalation(command)
            #expect(result.status == 74)
            #expect(result.stderr == "error: cannot write '\(out)': another process (pid 4242) is writing it; wait for it to finish "
                    + "or choose another output\n")
        }
        #expect(try listing(dir) == [".runs.csv.lock"])
        close(lock)
        // Released: the batch runs, and takes its lock file away with it.
        #expect(try runEscalation(["batch", flagship, "--runs", "20", "--out", out, "--quiet"]).status == 0)
        #expect(try listing(dir) == ["runs.csv", "runs.manifest.json"])
    }

    @Test func temporaryFilesOfAKilledProcessAreCleanedByTheNextRun() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("m.csv").path
        for name in [".m.csv.tmp-999999", ".m.manifest.json.tmp-31337", ".m.csv.lock", ".other.csv.tmp-5"] {
            #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data("half".utf8)))
        }
        let shard = dir.appendingPathComponent("s.csv").path
        #expect(try runEscalation(["batch", flagship, "--runs", "30", "--out", shard, "--quiet"]).status == 0)
        let merged = try runEscalation(["merge", shard, "--out", out])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try listing(dir) == [".other.csv.tmp-5", "m.csv", "m.manifest.json", "s.csv", "s.manifest.json"])
    }

    @Test func aCommandWithSeveralOutputsWritesAllOrNone() throws {
        let dir = try temporaryDirectory()
        let out = dir.appendingPathComponent("sweep.csv").path
        let report = dir.appendingPathComponent("no-such-folder/sweep.html").path
        let sweep = try runEscalation(["sweep", flagship, "--vary", "parameters.kh_control.value=0:1:0.5", "--runs", "20",
                                       "--out", out, "--report", report, "--quiet"])
        #expect(sweep.status == 74)
        #expect(sweep.stderr.contains("cannot write '\(report)': no such folder"))
        let sensitivity = try runEscalation(["sensitivity", flagship, "--runs", "20", "--only", "parameters.kh_control.value",
                                             "--out", out, "--report", report, "--quiet"])
        #expect(sensitivity.status == 74)
        let same = try runEscalation(["batch", flagship, "--runs", "10", "--out", out, "--summary", out, "--quiet"])
        #expect(same.status == 74)
        #expect(same.stderr.contains("it is named for two outputs of the same command"))
        #expect(try listing(dir).isEmpty)
    }

    // MARK: merge and resume check the rows

    @Test func mergeAndResumeRefuseForeignOrEditedRows() throws {
        let dir = try temporaryDirectory()
        let p = { (n: String) in dir.appendingPathComponent(n).path }
        for (i, seed) in [(1, "1"), (2, "1"), (2, "2")] {
            let name = seed == "1" ? "s\(i).csv" : "foreign.csv"
            #expect(try runEscalation(["batch", flagship, "--runs", "60", "--seed", seed, "--shard", "\(i)/2", "--out", p(name), "--quiet"]).status == 0)
        }
        // Rows of seed 2 under the manifest of seed 1.
        try FileManager.default.removeItem(atPath: p("foreign.manifest.json"))
        try FileManager.default.copyItem(atPath: p("s2.manifest.json"), toPath: p("foreign.manifest.json"))
        let foreign = try runEscalation(["merge", p("s1.csv"), p("foreign.csv"), "--out", p("m.csv")])
        #expect(foreign.status == 65)
        #expect(foreign.stderr.contains("\(p("foreign.csv")): run 30 has seed "))
        #expect(foreign.stderr.contains("the rows come from another batch"))

        let original = try String(contentsOfFile: p("s2.csv"), encoding: .utf8)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func edited(_ column: Int, _ value: String, row: Int = 5) throws -> CommandResult {
            var copy = lines
            var fields = copy[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[column] = value
            copy[row] = fields.joined(separator: ",")
            try copy.joined(separator: "\n").write(toFile: p("s2.csv"), atomically: false, encoding: .utf8)
            return try runEscalation(["merge", p("s1.csv"), p("s2.csv"), "--out", p("m.csv")])
        }
        let header = lines[0].split(separator: ",").map(String.init)
        let events = try edited(header.firstIndex(of: "events")!, "999")
        #expect(events.status == 65)
        #expect(events.stderr.contains("\(p("s2.csv")): the row of run 34 is not what the scenario gives"))
        let day = try edited(header.firstIndex(of: "outcome_day")!, "1.5")
        #expect(day.status == 65 && day.stderr.contains("the row of run 34 is not what the scenario gives"))
        let seed = try edited(1, "12345")
        #expect(seed.status == 65 && seed.stderr.contains("run 34 has seed 12345 in its row"))
        try original.write(toFile: p("s2.csv"), atomically: false, encoding: .utf8)
        #expect(try runEscalation(["merge", p("s1.csv"), p("s2.csv"), "--out", p("m.csv")]).status == 0)
        // An output that is one of the inputs is refused, the shard left whole.
        let clash = try runEscalation(["merge", p("s1.csv"), p("s2.csv"), "--out", p("n.csv"), "--summary", p("s1.csv")])
        #expect(clash.status == 65 && clash.stderr.contains("is a shard or a shard's manifest as well as an output"))
        #expect(try runEscalation(["merge", p("s1.csv"), p("s2.csv"), "--out", p("m2.csv")]).status == 0)

        // A partial file with an edited row is not resumed.
        let out = p("r.csv")
        #expect(try runEscalation(["batch", flagship, "--runs", "40", "--out", out, "--quiet"]).status == 0)
        try FileManager.default.moveItem(atPath: out, toPath: out + ".partial")
        try FileManager.default.moveItem(atPath: p("r.manifest.json"), toPath: out + ".partial.json")
        lines = try String(contentsOfFile: out + ".partial", encoding: .utf8).split(separator: "\n").map(String.init)
        var fields = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[header.firstIndex(of: "max_rung")!] = "9"
        lines[3] = fields.joined(separator: ",")
        try (lines.prefix(10).joined(separator: "\n") + "\n").write(toFile: out + ".partial", atomically: false, encoding: .utf8)
        let resumed = try runEscalation(["batch", flagship, "--runs", "40", "--out", out, "--quiet", "--resume"])
        #expect(resumed.status == 65)
        #expect(resumed.stderr.contains("cannot resume: \(out).partial: the row of run 2 is not what the scenario gives"))
    }

    // MARK: The fuzzing corpus

    /// Every input that ever crashed, hung or blew up (Tests/fuzz-corpus/) is refused with a
    /// message, or loads and runs, through the command line, within a time limit.
    @Test func everyInputFuzzingCaughtEndsCleanly() throws {
        let scratch = try temporaryDirectory()
        let folder = repositoryPath("Tests/fuzz-corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count >= 11)
        for file in files {
            let path = folder + "/" + file
            let validate = try runEscalation(["validate", path], stdout: try sink(in: scratch), timeout: 60)
            #expect([0, 65].contains(validate.status), "\(file): exit \(validate.status) \(validate.stderr.prefix(300))")
            if validate.status == 0 {
                let run = try runEscalation(["run", path, "--seed", "1"], stdout: try sink(in: scratch), timeout: 60)
                #expect(run.status == 0, "\(file): run exit \(run.status) \(run.stderr.prefix(300))")
            } else {
                #expect(validate.stderr.contains("\(path):"), "\(file): the message names no position: \(validate.stderr.prefix(300))")
            }
        }
    }

    // MARK: Messages

    @Test func messagesNameTheProblemAndStayShort() throws {
        let dir = try temporaryDirectory()
        let negative = try runEscalation(["batch", flagship, "--runs", "-1"])
        #expect(negative.status == 64)
        #expect(negative.stderr.hasPrefix("Error: --runs must be 1 or more"))
        #expect(try runEscalation(["sweep", flagship, "--vary", "parameters.kh_control.value=0:1:0.5", "--runs", "-5"]).status == 64)

        let shard = dir.appendingPathComponent("s.csv").path
        #expect(try runEscalation(["batch", flagship, "--runs", "10", "--out", shard, "--quiet"]).status == 0)
        try "{\"seed\": 1}".write(toFile: dir.appendingPathComponent("s.manifest.json").path, atomically: false, encoding: .utf8)
        let corrupt = try runEscalation(["merge", shard, "--out", dir.appendingPathComponent("m.csv").path])
        #expect(corrupt.status == 65)
        #expect(corrupt.stderr.hasPrefix("error: \(dir.path)/s.manifest.json is not a manifest escalation wrote: field '"))
        #expect(!corrupt.stderr.contains("DecodingError") && !corrupt.stderr.contains("CodingKeys"))

        let huge = String(repeating: "z", count: 100_000)
        for arguments in [["run", flagship, "--set", "actions.kh_rockets.rung=" + huge], ["run", flagship, "--set", huge + "=1"]] {
            let result = try runEscalation(arguments)
            #expect(result.status == 64 || result.status == 65)
            #expect(result.stderr.count < 1_000, "\(result.stderr.count) characters of message")
            #expect(result.stderr.contains("characters)"))
        }
    }
}
