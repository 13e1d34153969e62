import EscalationModel
import Foundation
import ScenarioIO

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
    public let rateExceeded: Bool
}

/// Runs a batch to its outputs. With a file for output, rows go to `<out>.partial` as they are
/// made and the plan to `<out>.partial.json`; only a complete batch is renamed to `<out>`, with
/// its summary and manifest written beside it. `resume` continues a partial file from its last
/// complete row, so a batch killed at any moment finishes with the bytes of one never killed.
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
        var summary = BatchSummary(table: table)
        var start = range.lowerBound
        let sink: OutputSink

        if let out = request.out {
            let partial = out + ".partial", plan = out + ".partial.json"
            let file = FileManager.default
            if request.resume && file.fileExists(atPath: partial) {
                let previous = try Manifest.read(plan)
                let differences = manifest.differences(from: previous)
                    + (previous.shard.index == manifest.shard.index ? [] : ["shard (\(previous.shard.index) against \(manifest.shard.index))"])
                if !differences.isEmpty {
                    throw BatchError("cannot resume \(partial): it was made with a different "
                                     + differences.joined(separator: ", ") + "; run without --resume to start over")
                }
                start = try recover(partial: partial, table: table, range: range, into: &summary)
            } else {
                // The plan first: a partial file never exists without the plan that made it.
                try? file.removeItem(atPath: partial)
                try AtomicFile.write(manifest.encoded(), to: plan)
                do {
                    try Data(table.header.utf8).write(to: URL(fileURLWithPath: partial))
                } catch {
                    throw AtomicFile.WriteError(path: out, reason: AtomicFile.reason(creating: partial))
                }
            }
            sink = try OutputSink(appendingTo: partial, reportedAs: out)
        } else {
            if request.resume { throw BatchError("--resume needs --out: a batch written to standard output cannot be resumed") }
            sink = OutputSink.standardOutput()
            try sink.write(table.header)
        }

        let progress = ProgressReporter(total: range.count, quiet: request.quiet)
        let clock = Date()
        var kernelEvents = 0
        var exceeded = false
        var done = start - range.lowerBound
        let engine = BatchEngine(scenario: scenario)
        try engine.run(range: start..<range.upperBound, masterSeed: request.masterSeed, threads: request.threads,
                       rows: table) { chunk in
            try sink.write(chunk.text)
            for i in 0..<chunk.count { chunk.withRecord(i, width: table.layout.width) { summary.add($0) } }
            kernelEvents += chunk.kernelEvents
            exceeded = exceeded || chunk.rateExceeded
            done += chunk.count
            progress.update(done: done)
        }
        let seconds = Date().timeIntervalSince(clock)
        progress.finish()
        try sink.finish()
        manifest.finished = Manifest.timestamp()

        if let summaryPath = request.summary { try AtomicFile.write(summary.csv(), to: summaryPath) }
        if let out = request.out {
            try AtomicFile.write(manifest.encoded(), to: Manifest.path(forCSV: out))
            try AtomicFile.commit(out + ".partial", to: out)
            try? FileManager.default.removeItem(atPath: out + ".partial.json")
        }
        return BatchResult(summary: summary, manifest: manifest, computed: range.upperBound - start,
                           kernelEvents: kernelEvents, seconds: seconds, rateExceeded: exceeded)
    }

    /// Reads the complete rows of a partial file back into the summary, cuts off a row the kill
    /// left half written, and returns the replication to continue from.
    static func recover(partial: String, table: RunTable, range: Range<Int>, into summary: inout BatchSummary) throws -> Int {
        var reader = try LineReader(path: partial)
        defer { reader.close() }
        guard let header = try reader.next() else {
            // Killed before the header was complete: start the file again.
            try Data(table.header.utf8).write(to: URL(fileURLWithPath: partial))
            return range.lowerBound
        }
        guard header + "\n" == table.header else {
            throw BatchError("cannot resume \(partial): its columns are not this scenario's; run without --resume")
        }
        var record = [Double](repeating: 0, count: table.layout.width)
        var next = range.lowerBound
        while let line = try reader.next() {
            guard let (run, _) = table.parseRow(line, into: &record), run == next else {
                throw BatchError("cannot resume \(partial): row \(next - range.lowerBound + 1) is not run \(next); run without --resume")
            }
            summary.add(record)
            next += 1
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        try handle.truncate(atOffset: reader.offset)
        try handle.close()
        return next
    }
}

/// Where rows go: standard output, or a partial file appended to as chunks arrive.
final class OutputSink {
    let handle: FileHandle
    let path: String
    let isFile: Bool

    init(appendingTo path: String, reportedAs name: String) throws {
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            throw AtomicFile.WriteError(path: name, reason: "cannot open \(path)")
        }
        try handle.seekToEnd()
        self.handle = handle
        self.path = name
        self.isFile = true
    }

    private init(handle: FileHandle) {
        self.handle = handle
        self.path = "standard output"
        self.isFile = false
    }

    static func standardOutput() -> OutputSink { OutputSink(handle: .standardOutput) }

    func write(_ text: String) throws {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw AtomicFile.WriteError(path: path, reason: error.localizedDescription)
        }
    }

    func finish() throws {
        guard isFile else { return }
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw AtomicFile.WriteError(path: path, reason: error.localizedDescription)
        }
    }
}
