import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// A batch as the command line asks for it.
public struct BatchRequest {
    public var loaded: LoadedScenario
    public var masterSeed: UInt64
    public var runs: Int
    public var shard: Shard = .whole
    public var threads: Int
    /// The per-run CSV; nil writes it to standard output.
    public var out: String?
    public var summary: String?
    public var resume = false
    public var quiet = false

    public init(loaded: LoadedScenario, masterSeed: UInt64, runs: Int, threads: Int) {
        self.loaded = loaded
        self.masterSeed = masterSeed
        self.runs = runs
        self.threads = threads
    }
}

/// What a finished batch came to.
public struct BatchResult {
    public let summary: BatchSummary
    public let manifest: Manifest
    /// Runs computed now (fewer than the shard's when resumed).
    public let computed: Int
    public let kernelEvents: Int
    public let seconds: Double
    /// Whether a state-dependent rate went above its `max_rate` in any run known to the batch:
    /// how many is in its manifest (`maxRateExceeded`).
    public var rateExceeded: Bool { (manifest.maxRateExceeded?.runs ?? 0) > 0 }
    /// `--resume` found the output finished (its manifest matches and every row checks), so
    /// nothing ran and the files were left as they were.
    public var alreadyFinished = false
    /// `--resume` found the output finished by its manifest, but its rows did not check (why):
    /// the batch ran again and replaced it.
    public var replacedBroken: String?
}

/// Runs a batch to its outputs. With a file for output, rows go to `<out>.partial` as they are
/// made and the plan to `<out>.partial.json`; only a complete batch is renamed to `<out>` (or,
/// for a `.gz` output, compressed into it), with its summary and manifest written beside it.
/// `resume` continues a partial file from its last complete row, so a batch killed at any
/// moment finishes with the bytes of one never killed.
public enum BatchJob {
    public static func run(_ request: BatchRequest) throws -> BatchResult {
        let scenario = request.loaded.scenario
        let table = RunTable(scenario)
        let range = request.shard.range(ofRuns: request.runs)
        let started = Manifest.timestamp()
        var manifest = Manifest(
            version: ProgramVersion.string, scenario: request.loaded.path, title: scenario.title,
            scenarioHash: Manifest.scenarioHash(request.loaded), overrides: request.loaded.overrides.map(\.description),
            seed: String(request.masterSeed), runs: request.runs,
            shard: .init(index: request.shard.index, count: request.shard.count, first: range.lowerBound,
                         end: range.upperBound),
            threads: request.threads, columns: ["run", "seed"] + table.metricColumns, outcomes: table.outcomeNames,
            started: started, finished: "")
        manifest.record(request.loaded.posterior)
        manifest.math = MathFingerprint.current
        if let out = request.out { try manifest.checkSize(forCSV: out, of: scenario) }
        var summary = BatchSummary(table: table)
        var start = range.lowerBound
        // Runs above max_rate, of the runs known: all those simulated, and on --resume the rows
        // of the partial file simulated again to check them.
        var rateCount = Manifest.RateCount(runs: 0, checked: 0)
        var rateExcess: [Double] = []
        var replacedBroken: String?
        let sink: OutputSink
        // Every output is claimed (checked and locked) before anything runs.
        // So are the partial file and its plan, which no other output may be named for, and no
        // other command may write while the batch runs.
        let workFiles = request.out.map { out in
            [(out + ".partial", "the partial file of \(out)"), (out + ".partial.json", "the plan of \(out).partial")]
        } ?? []
        let outputs = try OutputFiles([request.out, request.out.map(Manifest.path(forCSV:)), request.summary].compactMap { $0 },
                                      workFiles: workFiles)
        // None may be a file the scenario was read from.
        try outputs.protect(request.loaded.files.map(\.path))

        if let out = request.out {
            let partial = out + ".partial", plan = out + ".partial.json"
            let file = FileManager.default
            if request.resume && !file.fileExists(atPath: partial) {
                // A scheduler that runs a finished shard again (a requeue, a retried array task)
                // costs a read of the file, not the shard's simulation; one cut short or damaged
                // is made again, as `merge` advises.
                switch try finishedAlready(out, as: manifest, scenario: scenario, masterSeed: request.masterSeed, table: table) {
                case .finished(let finishedSummary, let finishedManifest):
                    if let summaryPath = request.summary { try outputs.stage(finishedSummary.csv(), for: summaryPath) }
                    try outputs.commit()
                    var result = BatchResult(summary: finishedSummary, manifest: finishedManifest, computed: 0,
                                             kernelEvents: 0, seconds: 0)
                    result.alreadyFinished = true
                    return result
                case .broken(let why): replacedBroken = why
                case .notThisBatch: break
                }
            }
            if request.resume && file.fileExists(atPath: partial) {
                let previous = try Manifest.read(plan)
                let differences = manifest.differences(from: previous)
                    + (previous.shard.index == manifest.shard.index ? [] : ["shard (\(previous.shard.index) against \(manifest.shard.index))"])
                if !differences.isEmpty {
                    throw BatchError("cannot resume \(partial): it was made with a different "
                                     + differences.joined(separator: ", ") + "; run without --resume to start over")
                }
                if let math = previous.math, math != manifest.math {
                    throw BatchError("cannot resume \(partial): it was made on a machine whose math library's fingerprint is "
                                     + "\(math), and this one's is \(MathFingerprint.current): \(Manifest.mathDifference); "
                                     + "resume it on a machine with fingerprint \(math), or run without --resume to start over")
                }
                // Rows made under a fingerprint not recorded: the batch's is not known either.
                if previous.math == nil { manifest.math = nil }
                let verifier = RowVerifier(scenario: scenario, masterSeed: request.masterSeed, range: range)
                start = try recover(partial: partial, table: table, range: range, verifier: verifier, into: &summary)
                rateCount = .init(runs: verifier.rateExceededRuns, checked: verifier.rateCheckedRuns)
                rateExcess = verifier.rateExcess
            } else {
                // The plan first: a partial file never exists without the plan that made it.
                unlink(partial)
                unlink(plan)
                do {
                    let planWriter = try FileWriter.create(plan, reportedAs: out)
                    do { try planWriter.write(manifest.encoded()) } catch { planWriter.abandon(); throw error }
                    try planWriter.finish()
                    let header = try FileWriter.create(partial, reportedAs: out)
                    do { try header.write(table.header) } catch { header.abandon(); throw error }
                    try header.finish()
                } catch {
                    // Nothing to resume from yet (a full disk at the start): leave nothing.
                    unlink(partial)
                    unlink(plan)
                    throw error
                }
            }
            sink = try OutputSink(appendingTo: partial, reportedAs: out)
        } else {
            if request.resume { throw BatchError("--resume needs --out: a batch written to standard output cannot be resumed") }
            sink = OutputSink.standardOutput()
            do {
                try sink.write(table.header)
            } catch is ClosedPipe where request.summary != nil {
                throw Self.closedBeforeSummary(request.summary!)
            }
        }

        let progress = ProgressReporter(total: range.count, quiet: request.quiet)
        let clock = Date()
        var kernelEvents = 0
        var done = start - range.lowerBound
        let engine = BatchEngine(scenario: scenario)
        do {
        try engine.run(range: start..<range.upperBound, masterSeed: request.masterSeed, threads: request.threads,
                       rows: table) { chunk in
            try sink.write(chunk.rows)
            for i in 0..<chunk.count { chunk.withRecord(i, width: table.layout.width) { summary.add($0) } }
            kernelEvents += chunk.kernelEvents
            rateCount.runs += chunk.rateExceededRuns
            rateCount.checked += chunk.count
            rateExcess = higherRateExcess(rateExcess, chunk.rateExcess)
            done += chunk.count
            progress.update(done: done)
        }
        } catch is ClosedPipe where request.summary != nil {
            // Rows to a reader that has gone: stop, and say that the summary was not written.
            progress.finish()
            throw Self.closedBeforeSummary(request.summary!)
        }
        let seconds = Date().timeIntervalSince(clock)
        progress.finish()
        try sink.finish()
        manifest.finished = Manifest.timestamp()
        manifest.maxRateExceeded = .init(runs: rateCount.runs, checked: rateCount.checked, excess: rateExcess, of: scenario)

        // All outputs or none: the summary and manifest are staged beside their targets, then
        // everything is renamed into place together.
        if let summaryPath = request.summary { try outputs.stage(summary.csv(), for: summaryPath) }
        if let out = request.out {
            try outputs.stage(manifest.encoded(), for: Manifest.path(forCSV: out))
            if Gzip.isNamed(out) {
                // The partial file stays plain CSV, so --resume reads and truncates it as ever;
                // the commit compresses it into the staged target, then removes it.
                try outputs.stage(copyOf: out + ".partial", for: out)
                outputs.removeOnCommit(out + ".partial")
            } else {
                outputs.adopt(out + ".partial", for: out, keep: true)
            }
            // The plan goes once the batch is in place, before the lock is let go.
            outputs.removeOnCommit(out + ".partial.json")
        }
        try outputs.commit()
        var result = BatchResult(summary: summary, manifest: manifest, computed: range.upperBound - start,
                                 kernelEvents: kernelEvents, seconds: seconds)
        result.replacedBroken = replacedBroken
        return result
    }

    /// Rows to a reader that has gone: the batch stops, and says its summary was not written.
    static func closedBeforeSummary(_ summary: String) -> WriteError {
        WriteError(path: "standard output", reason: "the reader closed the pipe before the batch finished, "
                   + "so the summary \(summary) was not written", code: EPIPE)
    }

    /// What `--resume` finds at a batch's output when there is no partial file.
    enum Finished {
        /// This batch, finished: its manifest says so and matches (scenario, overrides,
        /// posterior, seed, runs, shard and its runs), and its rows check as `merge` checks a
        /// shard (every run and seed, every field read as a number into the summary, about 100
        /// rows simulated again and compared byte for byte; a value changed in a row outside
        /// that sample is not seen, as by `merge`).
        case finished(BatchSummary, Manifest)
        /// Finished by its manifest, but its rows do not check (why).
        case broken(String)
        /// No output, no manifest, an unfinished one, or another batch's: the batch runs.
        case notThisBatch
    }

    static func finishedAlready(_ out: String, as manifest: Manifest, scenario: Scenario, masterSeed: UInt64,
                                table: RunTable) throws -> Finished {
        let manifestPath = Manifest.path(forCSV: out)
        guard FileManager.default.fileExists(atPath: out), FileManager.default.fileExists(atPath: manifestPath),
              let previous = try? Manifest.read(manifestPath), !previous.finished.isEmpty,
              previous.shard.index == manifest.shard.index, previous.shard.first == manifest.shard.first,
              previous.shard.end == manifest.shard.end, manifest.differences(from: previous).isEmpty else { return .notThisBatch }
        // Rows this machine may not give: made again here, as merge advises for a mix.
        if let math = previous.math, math != MathFingerprint.current {
            return .broken("it was made on a machine whose math library's fingerprint is \(math), and this one's is "
                           + "\(MathFingerprint.current) (\(Manifest.mathDifference))")
        }
        let pass = MergePass(inputs: [.init(path: out, manifest: previous)], header: String(table.header.dropLast()),
                             load: { scenario }, masterSeed: masterSeed, table: table)
        let summary: BatchSummary?, failures: [MergePass.Failure]
        do {
            (summary, failures) = try pass.run(output: nil, summarise: true, stopAtFirst: true)
        } catch let error as SourceReadError {
            // Unreadable (permissions, an I/O error): made again, as a missing file would be.
            return .broken(error.description)
        }
        if let failure = failures.first { return .broken(failure.message) }
        guard let summary else { return .broken("\(out) could not be read back") }
        return .finished(summary, previous)
    }

    /// Reads the complete rows of a partial file back into the summary, cuts off a row the kill
    /// left half written, and returns the replication to continue from.
    static func recover(partial: String, table: RunTable, range: Range<Int>, verifier: RowVerifier,
                        into summary: inout BatchSummary) throws -> Int {
        var reader = try LineReader(path: partial)
        defer { reader.close() }
        guard let header = try reader.next() else {
            // Killed before the header was complete: start the file again.
            guard truncate(partial, 0) == 0 else { throw WriteError(path: partial, errno: errno) }
            let writer = try FileWriter.append(partial, reportedAs: partial)
            do { try writer.write(table.header) } catch { writer.abandon(); throw error }
            try writer.finish()
            return range.lowerBound
        }
        guard header + "\n" == table.header else {
            throw BatchError("cannot resume \(partial): its columns are not this scenario's; run without --resume")
        }
        let parser = RowParser(table)
        var record = [Double](repeating: 0, count: table.layout.width)
        var next = range.lowerBound
        var last: (run: Int, seed: UInt64)?
        var lastLine: [UInt8] = []
        while let line = try reader.nextLine() {
            guard let (run, seed) = record.withUnsafeMutableBufferPointer({ parser.parse(line, into: $0) }), run == next else {
                throw BatchError("cannot resume \(partial): line \(next - range.lowerBound + 2) should be run \(next)'s row, but "
                                 + parser.problem(line, run: next, columns: table.columns) + "; run without --resume")
            }
            do {
                try verifier.check(run: run, seed: seed, line: line, file: partial)
            } catch let error as BatchError {
                throw BatchError("cannot resume: \(error.description); run without --resume to start over")
            }
            last = (run, seed)
            lastLine.removeAll(keepingCapacity: true)
            lastLine.append(contentsOf: line)
            summary.add(record)
            next += 1
        }
        // The last complete row is where the batch continues from: always simulated again.
        if let last {
            do {
                try lastLine.withUnsafeBufferPointer {
                    try verifier.check(run: last.run, seed: last.seed, line: $0, file: partial, always: true)
                }
            } catch let error as BatchError {
                throw BatchError("cannot resume: \(error.description); run without --resume to start over")
            }
        }
        guard truncate(partial, off_t(reader.offset)) == 0 else { throw WriteError(path: partial, errno: errno) }
        return next
    }
}

/// Where rows go: standard output, or a partial file appended to as chunks arrive.
final class OutputSink {
    let writer: FileWriter

    init(appendingTo path: String, reportedAs name: String) throws(WriteError) {
        writer = try FileWriter.append(path, reportedAs: name)
    }

    private init(writer: FileWriter) { self.writer = writer }

    static func standardOutput() -> OutputSink { OutputSink(writer: .standardOutput) }

    func write(_ text: String) throws { try writer.write(text) }

    func write(_ text: TextBuffer) throws { try text.withUnsafeBytes { try writer.write($0) } }

    func finish() throws { try writer.finish() }
}
