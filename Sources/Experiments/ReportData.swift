import EscalationModel
import Foundation
import Record
import ScenarioIO
import Stochastics

/// Everything a report shows about a batch. What comes from the CSV's columns (outcomes, the
/// share ended by each day, the summary, the typical run's choice) is counted over every run;
/// what needs a trace (the ladder's climb, who answers whom, the typical run told in full) comes
/// from a sample of at most `ReportSample.defaultSize` runs simulated again, so a report of ten
/// million runs costs reading them plus ten thousand traced runs, and its page does not grow.
public struct ReportData: Sendable {
    public let scenario: Scenario
    public let manifest: Manifest
    public let summary: BatchSummary
    /// `endedByDay[k][d]`: runs (of all) that ended in outcome k with outcome_day ≤ d.
    public let endedByDay: [[Int]]
    /// `ladder[r][d]`: runs of the sample that had reached rung r or above by day d (at a time t ≤ d).
    public let ladder: [[Int]]
    /// Days 0 … ⌈horizon⌉ in all.
    public let days: Int
    /// `answers[i][j]`: actions by actor i caused directly (answer or trigger) by actions of j, in the sample.
    public let answers: [[Int]]
    /// Actions by each actor, in the sample.
    public let actorEvents: [Int]
    /// The run with the median number of actions (of all runs), told in full.
    public let median: (result: RunResult, trace: Trace)
    /// What was checked, and the sample the traced charts come from.
    public let check: ReportCheck
    /// The scenario as loaded, with where its numbers come from (when the report knows it).
    public var loaded: LoadedScenario?
    /// Runs in which a state-dependent rate went above its `max_rate`, of `rateCheckedRuns`:
    /// every run, when the report simulated them or read a batch whose manifest counts them all;
    /// else the sample simulated again (the CSV does not record it).
    public var rateExceededRuns = 0
    public var rateCheckedRuns = 0
    public var rateCountSource = RateCountSource.simulated
    /// Per process id, the highest rate ÷ `max_rate` those runs reached above 1.
    public var rateExcess: [String: Double] = [:]
    public var rateExceeded: Bool { rateExceededRuns > 0 }

    /// Where the count of runs above `max_rate` comes from.
    public enum RateCountSource: Sendable {
        /// Every run, simulated for the report (from a scenario, or a batch small enough that
        /// its check simulates every row again).
        case simulated
        /// The batch's manifest: every run of the CSV, or, for a resumed batch or a merge of
        /// shards some of which did not count, more runs than the report's sample.
        case manifest
        /// The runs of the batch simulated again for the report: the manifest counts fewer (or
        /// none: written before manifests counted), or fewer above the maximum than the sample
        /// finds among its runs, which cannot be.
        case sample
    }

    /// In how many runs a rate went above its maximum, in words: "3 of the 1000 runs", and where
    /// the count comes from when the report did not simulate every run.
    public var rateCountDescription: String {
        rateCountSourceDescription + Manifest.RateCount.reached(rateExcess)
    }

    private var rateCountSourceDescription: String {
        let total = summary.n
        switch rateCountSource {
        case .simulated:
            return "\(rateExceededRuns) of the \(rateCheckedRuns) runs"
        case .manifest where rateCheckedRuns >= total:
            return "\(rateExceededRuns) of the \(total) runs, as the batch's manifest records"
        case .manifest:
            return "\(rateExceededRuns) of the \(rateCheckedRuns) runs the batch's manifest counts (of \(total); "
                + "it does not know the others, so some of them may have too)"
        case .sample:
            return "\(rateExceededRuns) of the \(rateCheckedRuns) runs of the batch simulated again for the report "
                + "(its manifest does not count every run, so other runs may have too)"
        }
    }

    /// The runs simulated again with traces.
    public var sample: ReportSample { check.sample }

    /// Expected direct responses by i per action of j: the branching matrix of the sample.
    public var answerMatrix: [[Double]] {
        answers.indices.map { i in
            answers[i].indices.map { j in actorEvents[j] > 0 ? Double(answers[i][j]) / Double(actorEvents[j]) : 0 }
        }
    }

    /// Its spectral radius: above 1, cycles of answers tend to grow.
    public var branchingRatio: Double { LinearAlgebra.spectralRadius(answerMatrix) }

    /// `incidenceByDay()[k][d]`: the share of all runs with outcome k and outcome_day ≤ d, for
    /// d = 0 … ⌈horizon⌉ (zero throughout for `unresolved`, which is censoring). Every run is
    /// followed to its end and only the horizon censors, so this direct count is the outcome's
    /// cumulative incidence, the others competing (Aalen–Johansen; see `CumulativeIncidence`).
    public func incidenceByDay() -> [[Double]] {
        endedByDay.indices.map { k in
            endedByDay[k].map { k == scenario.unresolvedOutcome ? 0 : Double($0) / Double(summary.n) }
        }
    }

    /// Runs the batch `manifest` describes (its whole range of replications) and gathers the data:
    /// every run untraced, then the sample (`sampleSize` at most) again with traces. The sample is
    /// the one a report of the batch's CSV draws, from the SHA-256 of the CSV `batch` writes for
    /// these runs, so both pages agree.
    public static func collect(scenario: Scenario, manifest: Manifest, threads: Int, progress: ProgressReporter? = nil,
                               sampleSize: Int = ReportSample.defaultSize) throws -> ReportData {
        let first = manifest.shard.first, end = manifest.shard.end
        guard end > first else { throw BatchError("a report needs at least one run") }
        let master = UInt64(manifest.seed)!
        let table = RunTable(scenario)
        var tally = ReportTally(scenario: scenario)
        var hasher = SHA256Hasher()
        hasher.update(Array(table.header.utf8))

        struct Part {
            var records: [Double] = []
            var text = TextBuffer()
            var rateExceededRuns = 0
            var rateExcess: [Double] = []
        }
        let width = table.layout.width
        let chunk = 256
        let chunks = (end - first + chunk - 1) / chunk
        let batch = max(1, threads) * 4
        var done = 0
        var exceeded = 0
        var excess: [Double] = []
        for groupStart in stride(from: 0, to: chunks, by: batch) {
            let group = Array(groupStart..<min(groupStart + batch, chunks))
            let parts = ConcurrentResults<Part>(count: group.count)
            DispatchQueue.concurrentPerform(iterations: group.count) { g in
                let simulator = Simulator(scenario: scenario)
                let lower = first + group[g] * chunk, upper = min(lower + chunk, end)
                var part = Part(records: [Double](repeating: 0, count: (upper - lower) * width))
                part.records.withUnsafeMutableBufferPointer { all in
                    for k in lower..<upper {
                        let seed = StreamSeed.replication(master: master, index: UInt64(k))
                        let record = UnsafeMutableBufferPointer(rebasing: all[(k - lower) * width..<(k - lower + 1) * width])
                        let (_, exceeded) = simulator.run(seed: seed, into: record)
                        if exceeded {
                            part.rateExceededRuns += 1
                            simulator.mergeRateExcess(into: &part.rateExcess)
                        }
                        table.appendRow(run: k, seed: seed, record: UnsafeBufferPointer(record), to: &part.text)
                    }
                }
                parts.set(g, part)
            }
            for (g, part) in parts.values.enumerated() {
                let lower = first + group[g] * chunk
                part.records.withUnsafeBufferPointer { all in
                    for i in 0..<all.count / width {
                        tally.add(UnsafeBufferPointer(rebasing: all[i * width..<(i + 1) * width]), run: lower + i)
                    }
                }
                part.text.withUnsafeBytes { hasher.update($0) }
                exceeded += part.rateExceededRuns
                excess = higherRateExcess(excess, part.rateExcess)
                done += part.records.count / width
            }
            progress?.update(done: done)
        }
        let sample = ReportSample(range: first..<end, size: sampleSize, csvHash: hasher.hex())
        let traces = ReportTraces(scenario: scenario, masterSeed: master, runs: sample.runs, days: tally.days, threads: threads)
        var collected = data(scenario: scenario, manifest: manifest, tally: tally, traces: traces,
                             check: ReportCheck(csv: nil, csvSHA256: hasher.hex(), rows: end - first, sample: sample))
        collected.rateExceededRuns = exceeded
        collected.rateCheckedRuns = end - first
        collected.rateExcess = scenario.rateExcessByProcess(excess)
        return collected
    }

    static func data(scenario: Scenario, manifest: Manifest, tally: ReportTally, traces: ReportTraces,
                     check: ReportCheck) -> ReportData {
        let master = UInt64(manifest.seed)!
        let median = Simulator(scenario: scenario).runTraced(
            seed: StreamSeed.replication(master: master, index: UInt64(tally.typicalRun)))
        return ReportData(scenario: scenario, manifest: manifest, summary: tally.summary, endedByDay: tally.endedByDay,
                          ladder: traces.ladder, days: tally.days, answers: traces.answers, actorEvents: traces.actorEvents,
                          median: median, check: check)
    }
}

/// Results written by concurrent iterations, each to its own slot.
final class ConcurrentResults<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = [T?](repeating: nil, count: count) }

    func set(_ i: Int, _ value: T) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    var values: [T] { slots.map { $0! } }
}

extension RunResult {
    /// The run's record, laid out as `Simulator.run(seed:into:)` writes it.
    public func record(layout: RecordLayout) -> [Double] {
        [Double(outcome), outcomeDay, Double(maxRung), Double(actions)] + ledger + actionCounts.map(Double.init)
            + finalState + observations + (layout.draws ? [Double(draw ?? 0)] : [])
    }
}

extension ReportData {
    /// The data of an existing batch: its manifest says what was run, and the scenario must still
    /// have the same content hash. Every row is read (its run, its seed, its written form) and
    /// counted; the sample (`sampleSize` runs at most, all of a smaller batch) is simulated again
    /// and must match its rows byte for byte, so the report describes that batch.
    public static func collect(fromBatch csv: String, threads: Int, progress: ProgressReporter? = nil,
                               sampleSize: Int = ReportSample.defaultSize) throws -> ReportData {
        let manifest = try Manifest.read(Manifest.path(forCSV: csv))
        let loaded = try manifest.loadScenario(besideCSV: csv, purpose: "a report")
        guard let master = UInt64(manifest.seed) else { throw BatchError("\(Manifest.path(forCSV: csv)): its seed is not a number") }
        let range = manifest.shard.first..<manifest.shard.end
        guard !range.isEmpty else { throw BatchError("\(Manifest.path(forCSV: csv)): a report needs at least one run") }
        // The hash is taken on another core while this one reads the rows.
        let hashing = CSVHashing(path: csv)
        let (rows, tally): (Int, ReportTally)
        do {
            (rows, tally) = try read(csv, manifest: manifest, scenario: loaded.scenario, scenarioPath: loaded.path)
        } catch {
            hashing.stop()
            throw error
        }
        let hash = try hashing.hex()
        guard rows == range.count else {
            throw BatchError("\(csv): it has \(rows) rows; its manifest says \(range.count) (runs \(range.lowerBound) to \(range.upperBound - 1))")
        }
        let sample = ReportSample(range: range, size: sampleSize, csvHash: hash)
        let traces = ReportTraces(scenario: loaded.scenario, masterSeed: master, runs: sample.runs, days: tally.days, threads: threads)
        try match(csv, rows: traces.rows, of: sample, madeWith: manifest.math)
        var data = data(scenario: loaded.scenario, manifest: manifest, tally: tally, traces: traces,
                        check: ReportCheck(csv: csv, csvSHA256: hash, rows: rows, sample: sample))
        data.loaded = loaded
        // The manifest's count where it covers more runs than the sample, unless the sample finds
        // more runs above the maximum than the manifest allows (its count plus the runs it does not
        // know); a sample of every run is exact.
        let sampled = (runs: traces.rateExceededRuns, checked: sample.runs.count)
        if let recorded = manifest.maxRateExceeded, recorded.checked > sampled.checked,
           sampled.runs <= recorded.runs + (range.count - recorded.checked) {
            (data.rateExceededRuns, data.rateCheckedRuns, data.rateCountSource) = (recorded.runs, recorded.checked, .manifest)
            data.rateExcess = recorded.highest ?? [:]
        } else {
            (data.rateExceededRuns, data.rateCheckedRuns) = sampled
            data.rateCountSource = sampled.checked == range.count ? .simulated : .sample
            data.rateExcess = loaded.scenario.rateExcessByProcess(traces.rateExcess)
        }
        return data
    }

    /// Reads the file again and compares the sampled runs' rows with those simulated (`rows`, in
    /// the sample's order, each with its newline).
    static func match(_ csv: String, rows: [TextBuffer], of sample: ReportSample, madeWith math: String?) throws {
        var reader = try LineReader(path: csv)
        defer { reader.close() }
        _ = try reader.nextLine()
        var k = sample.range.lowerBound
        for (run, row) in zip(sample.runs, rows) {
            var line = try reader.nextLine()
            while k < run {
                k += 1
                line = try reader.nextLine()
            }
            k += 1
            guard let line, isRow(row, line: line) else {
                throw BatchError("\(csv): the row of run \(run) is not what the scenario gives (simulated again: "
                                 + "\(abbreviated(String(row.string.dropLast()), limit: 160)))" + Manifest.mathNote(math))
            }
        }
    }

    /// The reading half of a report: every row of a batch CSV parsed, checked to be run k in
    /// order with the seed the master seed gives it, and summarised. Returns the rows read and
    /// their summary. (`make bench` times this against a batch writing the rows.) Only the
    /// sample's rows are written again and compared byte for byte: writing every number back in
    /// its shortest form took as long as parsing it, and a row outside the sample whose values
    /// are read right is counted right whatever its digits.
    public static func readRows(of csv: String, manifest: Manifest, scenario: Scenario,
                                scenarioPath: String) throws -> (rows: Int, summary: BatchSummary) {
        let (rows, tally) = try read(csv, manifest: manifest, scenario: scenario, scenarioPath: scenarioPath)
        return (rows, tally.summary)
    }

    static func read(_ csv: String, manifest: Manifest, scenario: Scenario,
                     scenarioPath: String) throws -> (rows: Int, tally: ReportTally) {
        let table = RunTable(scenario)
        guard let master = UInt64(manifest.seed) else { throw BatchError("\(Manifest.path(forCSV: csv)): its seed is not a number") }
        var reader = try LineReader(path: csv)
        defer { reader.close() }
        let header = try reader.next()
        if header == nil && reader.trailing.isEmpty {
            throw BatchError("\(csv) is empty (not even a header): its batch did not write it, or it was cut to nothing")
        }
        guard let header, header + "\n" == table.header else {
            throw BatchError("\(csv): its columns are not those of \(scenarioPath)")
        }
        let parser = RowParser(table)
        var record = [Double](repeating: 0, count: table.layout.width)
        var tally = ReportTally(scenario: scenario)
        var k = manifest.shard.first
        while let line = try reader.nextLine() {
            guard let (run, seed) = record.withUnsafeMutableBufferPointer({ parser.parse(line, into: $0) }), run == k else {
                throw BatchError("\(csv): line \(k - manifest.shard.first + 2) should be run \(k)'s row, but "
                                 + parser.problem(line, run: k, columns: table.columns))
            }
            let expected = StreamSeed.replication(master: master, index: UInt64(k))
            guard seed == expected else {
                throw BatchError("\(csv): run \(k) has seed \(seed) in its row, but master seed \(master) gives \(expected): "
                                 + "the row does not come from this batch")
            }
            record.withUnsafeBufferPointer { tally.add($0, run: k) }
            k += 1
        }
        guard reader.trailing.isEmpty else {
            throw BatchError("\(csv): it ends in a cut row (no newline after run \(k)'s row): the file is not the whole batch")
        }
        return (k - manifest.shard.first, tally)
    }

    /// A manifest for a report made straight from a scenario.
    public static func manifest(for loaded: LoadedScenario, runs: Int, seed: UInt64, threads: Int) -> Manifest {
        let table = RunTable(loaded.scenario)
        let now = Manifest.timestamp()
        var manifest = Manifest(version: ProgramVersion.string, scenario: loaded.path, title: loaded.scenario.title,
                                scenarioHash: Manifest.scenarioHash(loaded), overrides: loaded.overrides.map(\.description),
                                seed: String(seed), runs: runs, shard: .init(index: 1, count: 1, first: 0, end: runs), threads: threads,
                                columns: ["run", "seed"] + table.metricColumns, outcomes: table.outcomeNames, started: now, finished: now)
        manifest.record(loaded.posterior)
        manifest.math = MathFingerprint.current
        return manifest
    }
}
