import Foundation
import TestSupport
import Testing

/// Faults found by probing the commands that write files: a name taken while a batch runs, a
/// line break or a byte that is not UTF-8 in a name, a closed standard output, a rename that
/// fails part way through a commit, Ctrl-C, a plan whose merge would fail, and inputs that are
/// FIFOs. Each is refused or undone, with its exit code and a message, and leaves only what it
/// should. Every file is in the test's own folder.
@Suite struct FaultSafetyTests {
    let toy = repositoryPath("Scenarios/bench/toy.yaml")

    func listing(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }

    /// Whether this process ignores `signal` (its children then start ignoring it too).
    static func ignored(_ signal: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0 else { return false }
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Runs `script` in `sh -c` in `dir`, with `$E` the escalation executable and `$T` the toy.
    func shell(_ script: String, in dir: URL) throws -> CommandResult {
        try runProgram("/bin/sh", ["-c", "E=\"$0\"; T=\"$1\"; " + script, escalationExecutable, toy], in: dir.path)
    }

    struct NotStarted: Error {}

    /// Starts a batch of the toy into `dir/runs.csv` and returns once it holds its locks and its
    /// partial file holds rows (standard error to `errors`, if given).
    func startBatch(in dir: URL, runs: String = "100000000", extra: [String] = [], errors: Pipe? = nil) throws -> Process {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: escalationExecutable)
        child.arguments = ["batch", toy, "--runs", runs, "--out", "runs.csv", "--quiet", "--threads", "1"] + extra
        child.currentDirectoryURL = dir
        if let errors { child.standardError = errors }
        try child.run()
        let partial = dir.appendingPathComponent("runs.csv.partial").path
        let lock = dir.appendingPathComponent(".runs.csv.partial.lock").path
        let started = Date()
        while Date().timeIntervalSince(started) < 30 {
            if FileManager.default.fileExists(atPath: lock),
               ((try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0) > 10_000 { return child }
            usleep(2000)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        throw NotStarted()
    }

    /// Waits up to 20 s for `process` to end; kills it (and returns false) if it has not.
    func waitOrKill(_ process: Process) -> Bool {
        let started = Date()
        while process.isRunning && Date().timeIntervalSince(started) < 20 { usleep(10_000) }
        if !process.isRunning { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    /// A batch's partial file and plan are claimed as its outputs are: no output of the same
    /// command may be named for them, and no other command may write them while it runs. A
    /// batch stopped by Ctrl-C or SIGTERM leaves its partial file and plan, for --resume, and
    /// no lock.
    @Test func aBatchsPartialFileIsItsOwnAndCtrlCLeavesOnlyIt() throws {
        let dir = try temporaryDirectory()
        for (summary, what) in [("r.csv.partial", "it is the partial file of r.csv"),
                                ("r.csv.partial.json", "it is the plan of r.csv.partial")] {
            let r = try runEscalation(["batch", toy, "--runs", "10", "--quiet", "--out", "r.csv", "--summary", summary], in: dir.path)
            #expect(r.status == 74 && r.stderr.contains(what), "\(r.stderr)")
        }
        #expect(try listing(dir) == [])
        // A signal ignored where the tests run (nohup, a background job) stays ignored in the batch,
        // on purpose, as for any command started so: those are left out.
        for signal in [SIGINT, SIGTERM, SIGHUP] where !Self.ignored(signal) {
            for name in try listing(dir) { try FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
            let batch = try startBatch(in: dir)
            let other = try runEscalation(["run", toy, "--out", "runs.csv.partial"], in: dir.path)
            #expect(other.status == 74 && other.stderr.contains("another process (pid \(batch.processIdentifier)) is writing it"),
                    "\(other.stderr)")
            kill(batch.processIdentifier, signal)
            #expect(waitOrKill(batch), "the batch ended on the signal")
            #expect(batch.terminationReason == .uncaughtSignal && batch.terminationStatus == signal)
            #expect(try listing(dir) == ["runs.csv.partial", "runs.csv.partial.json"])
        }
        let resumed = try runEscalation(["batch", toy, "--runs", "100000000", "--out", "runs.csv", "--quiet", "--resume",
                                         "--shard", "1/2"], in: dir.path)
        #expect(resumed.status == 65, "a different shard is refused, the partial file kept: \(resumed.stderr)")
        #expect(try listing(dir) == ["runs.csv.partial", "runs.csv.partial.json"])
        // A lock file that is a folder or a symbolic link is named as such, and left alone.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".story.txt.lock"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(".tale.txt.lock").path, withDestinationPath: "elsewhere")
        for (name, what) in [("story.txt", "a folder"), ("tale.txt", "a symbolic link")] {
            let r = try runEscalation(["run", toy, "--out", name], in: dir.path)
            #expect(r.status == 74 && r.stderr.contains("its lock file") && r.stderr.contains(".\(name).lock is \(what); remove it"),
                    "\(r.stderr)")
        }
        #expect(try listing(dir) == [".story.txt.lock", ".tale.txt.lock", "runs.csv.partial", "runs.csv.partial.json"])
    }

    /// A line break in an output's name would have run the rest of the name as a command in a
    /// plan's script; every output name with a control character is refused, and messages show
    /// such characters escaped.
    @Test func aControlCharacterInAnOutputNameIsRefused() throws {
        let dir = try temporaryDirectory()
        let plan = try runEscalation(["batch", toy, "--runs", "10", "--plan", "shell", "--shards", "2",
                                      "--out", "x\ntouch PWNED\n.csv"], in: dir.path)
        #expect(plan.status == 74 && plan.stderr.contains("its name holds the control character U+000A"), "\(plan.stderr)")
        #expect(plan.stderr.contains("x\\u{A}touch PWNED\\u{A}"), "\(plan.stderr)")
        let title = try runEscalation(["run", toy, "--out", "a\u{1B}]0;T\u{07}.txt"], in: dir.path)
        #expect(title.status == 74 && title.stderr.contains("a\\u{1B}]0;T\\u{7}.txt"), "\(title.stderr)")
        #expect(!title.stderr.contains("\u{1B}") && !title.stderr.contains("\u{07}"))
        let missing = try runEscalation(["run", toy, "--out", "no\u{1B}[2J/x.txt"], in: dir.path)
        #expect(missing.status == 74 && !missing.stderr.contains("\u{1B}"), "\(missing.stderr)")
        #expect(try listing(dir) == [])
    }

    /// Swift would have replaced a byte that is not UTF-8 with U+FFFD, and written another file
    /// (one that exists, here): such an argument is a usage error.
    @Test func anArgumentThatIsNotUTF8IsRefused() throws {
        let dir = try temporaryDirectory()
        let other = dir.appendingPathComponent("bad\u{FFFD}name.txt")
        try "precious\n".write(to: other, atomically: true, encoding: .utf8)
        let r = try shell("exec \"$E\" run \"$T\" --out \"$(printf 'bad\\377name.txt')\"", in: dir)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("argument 4 is not UTF-8 text (byte 0xFF at 'bad\\xFFname.txt')"), "\(r.stderr)")
        #expect(try String(contentsOf: other, encoding: .utf8) == "precious\n")
        #expect(try listing(dir) == ["bad\u{FFFD}name.txt"])
    }

    /// With standard output closed, the first file the batch opened (a lock) took its place and
    /// the rows went into it: the batch now fails as standard output is not open, and writes
    /// nothing.
    @Test func aClosedStandardOutputIsNotWrittenThroughAFile() throws {
        let dir = try temporaryDirectory()
        let r = try shell("exec \"$E\" batch \"$T\" --runs 200 --quiet --summary s.csv >&-", in: dir)
        #expect(r.status == 74 && r.stderr.contains("'standard output': it is not open for writing"), "\(r.stderr)")
        #expect(try listing(dir) == [])
    }

    /// A commit renames its outputs one after another; when one fails (here the partial file was
    /// removed while the batch ran), those already renamed get their old files back, and one that
    /// was new is removed. The message says what happened, not "no such directory".
    @Test func aFailedRenameRestoresTheOutputsAlreadyReplaced() throws {
        let dir = try temporaryDirectory()
        try "old summary\n".write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let errors = Pipe()
        let batch = try startBatch(in: dir, runs: "300000", extra: ["--summary", "s.csv"], errors: errors)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("runs.csv.partial"))
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(waitOrKill(batch))
        #expect(batch.terminationStatus == 74)
        #expect(message.contains("cannot write 'runs.csv': its file runs.csv.partial was removed while the command ran; "
                                 + "the outputs already in place were put back as they were"), "\(message)")
        #expect(try String(contentsOf: dir.appendingPathComponent("s.csv"), encoding: .utf8) == "old summary\n")
        #expect(try listing(dir) == ["runs.csv.partial.json", "s.csv"])
    }

    /// `batch --plan` checks what its merge will write before it writes anything: a folder, a
    /// file the batch reads, or a name given twice (`--summary runs.sh` beside a shell plan's
    /// `runs.sh`) is refused at once, and no folder is left behind.
    @Test func aPlanChecksItsMergesOutputsFirst() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder.csv"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("e/q.sh"), withIntermediateDirectories: true)
        let scenario = dir.appendingPathComponent("toy.yaml").path
        try FileManager.default.copyItem(atPath: toy, toPath: scenario)
        let cases: [([String], String)] = [
            (["--out", "folder.csv"], "it is a folder"),
            (["--out", "p.csv", "--summary", "p.sh"], "it is named for two outputs of the same command"),
            (["--out", "toy.yaml"], "it is an input of this command"),
            (["--out", "e/q.csv"], "it is a folder"),
            (["--out", "new/r.csv", "--summary", "new/r.sh"], "it is named for two outputs"),
            (["--out", String(repeating: "b", count: 239) + ".csv"], "its name is 243 bytes long; it may have at most 242"),
            // The shards' manifests are named longer than the output.
            (["--out", String(repeating: "b", count: 220) + ".csv"], "-0001-of-0002.manifest.json': its name is 247 bytes long"),
        ]
        for (arguments, message) in cases {
            let r = try runEscalation(["batch", "toy.yaml", "--runs", "10", "--plan", "shell", "--shards", "2"] + arguments,
                                      in: dir.path)
            #expect(r.status == 74 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
        #expect(try listing(dir) == ["e", "folder.csv", "toy.yaml"])
        #expect(try listing(dir.appendingPathComponent("e")) == ["q.sh"])
    }

    /// A name too long for the hidden files beside it is refused before the batch runs (it
    /// failed once every run was done, leaving its partial file).
    @Test func aNameTooLongIsRefusedBeforeAnyRun() throws {
        let dir = try temporaryDirectory()
        let name = String(repeating: "b", count: 239) + ".csv"
        let r = try runEscalation(["batch", toy, "--runs", "1000000000000", "--out", "r.csv", "--summary", name, "--quiet"],
                                  in: dir.path)
        #expect(r.status == 74 && r.stderr.contains("its name is 243 bytes long"), "\(r.stderr)")
        #expect(try listing(dir) == [])
        // One byte shorter is accepted.
        let fits = try runEscalation(["batch", toy, "--runs", "5", "--out", "r.csv", "--summary", String(name.dropFirst()),
                                      "--quiet"], in: dir.path)
        #expect(fits.status == 0, "\(fits.stderr)")
    }

    /// A batch CSV or a game record that is a FIFO waited forever for a writer: it is refused
    /// at once, as a FIFO scenario or posterior already was.
    @Test func aFIFOInputIsRefusedNotWaitedOn() throws {
        let dir = try temporaryDirectory()
        let made = try runEscalation(["batch", toy, "--runs", "20", "--out", "real.csv", "--quiet"], in: dir.path)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(mkfifo(dir.appendingPathComponent("fifo.csv").path, 0o644) == 0)
        #expect(mkfifo(dir.appendingPathComponent("moves.json").path, 0o644) == 0)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("real.manifest.json"),
                                         to: dir.appendingPathComponent("fifo.manifest.json"))
        let sink = dir.appendingPathComponent("stdout").path
        #expect(FileManager.default.createFile(atPath: sink, contents: nil))
        let fifo = dir.appendingPathComponent("fifo.csv").path
        for arguments in [["report", fifo, "--out", dir.appendingPathComponent("r.html").path],
                          ["merge", fifo, "--out", dir.appendingPathComponent("m.csv").path],
                          ["run", "--from", fifo, "--row", "3"],
                          ["run", toy, "--moves", dir.appendingPathComponent("moves.json").path]] {
            let r = try runEscalation(arguments, stdout: try #require(FileHandle(forWritingAtPath: sink)), timeout: 30)
            #expect(r.status == 74, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("not a regular file"), "\(arguments): \(r.stderr)")
        }
        #expect(try listing(dir) == ["fifo.csv", "fifo.manifest.json", "moves.json", "real.csv", "real.manifest.json", "stdout"])
        // A manifest that is a FIFO is named as one (it read as "no manifest"); one far larger
        // than any escalation writes is not read whole.
        try FileManager.default.copyItem(at: dir.appendingPathComponent("real.csv"), to: dir.appendingPathComponent("piped.csv"))
        #expect(mkfifo(dir.appendingPathComponent("piped.manifest.json").path, 0o644) == 0)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("real.csv"), to: dir.appendingPathComponent("huge.csv"))
        #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent("huge.manifest.json").path,
                                               contents: Data(repeating: 0x20, count: 3 << 20)))
        for (csv, status, message) in [("piped.csv", Int32(74), "piped.manifest.json': it is a FIFO, not a regular file"),
                                       ("huge.csv", 65, "huge.manifest.json is not a manifest escalation wrote: it is larger than 1 MiB")] {
            let r = try runEscalation(["report", dir.appendingPathComponent(csv).path, "--out", dir.appendingPathComponent("r.html").path],
                                      stdout: try #require(FileHandle(forWritingAtPath: sink)), timeout: 30)
            #expect(r.status == status && r.stderr.contains(message), "\(csv): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.html").path))
    }
}

/// Manifests compared by what the batch is, not how a path was written: shards made from two
/// folders (the posterior named relative to one, absolute from the other) merge, from a folder
/// where only one of them names the scenario by a path that leads to it; and a report of one
/// shard reproduces that shard.
@Suite struct ManifestSpellingTests {
    @Test func shardsFromTwoFoldersMergeAndAShardsReportReproducesIt() throws {
        let dir = try temporaryDirectory()
        let runs = "401"
        let whole = try runEscalation(["batch", "Scenarios/taji-2020.yaml", "--runs", runs, "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let first = try runEscalation(["batch", "Scenarios/taji-2020.yaml", "--runs", runs, "--shard", "1/2", "--quiet",
                                       "--out", dir.appendingPathComponent("r-0001-of-0002.csv").path])
        let second = try runEscalation(["batch", repositoryPath("Scenarios/taji-2020.yaml"), "--runs", runs, "--shard", "2/2",
                                        "--quiet", "--out", "r-0002-of-0002.csv"], in: dir.path)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        // Run in the shards' folder, the first shard's scenario path (relative to the repository)
        // does not lead to it: the merge loads it as the second shard names it.
        let merged = try runEscalation(["merge", ".", "--out", "m.csv"], in: dir.path)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("m.csv").path) == whole.stdoutData)

        let report = try runEscalation(["report", "r-0002-of-0002.csv", "--out", "r.html", "--quiet"], in: dir.path)
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(page.contains("--runs \(runs) --seed 1 --shard 2/2 "), "the Reproduce line names the shard")
    }
}
