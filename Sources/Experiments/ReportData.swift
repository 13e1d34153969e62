import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// Everything a report shows about a batch, gathered by running its replications again with a
/// recorder: runs are deterministic, so these are exactly the batch's runs, and their records
/// give exactly the batch's summary.
public struct ReportData: Sendable {
    public let scenario: Scenario
    public let manifest: Manifest
    public let summary: BatchSummary
    /// Per run: the outcome and its day (for the curves of time to each outcome).
    public let endings: [(outcome: Int, day: Double)]
    /// `ladder[r][d]`: runs that had reached rung r or above by day d (at a time t ≤ d).
    public let ladder: [[Int]]
    /// Days 0 … ⌈horizon⌉ in all.
    public let days: Int
    /// `answers[i][j]`: actions by actor i caused directly (answer or trigger) by actions of j.
    public let answers: [[Int]]
    /// Actions by each actor.
    public let actorEvents: [Int]
    /// The run with the median number of actions, told in full.
    public let median: (result: RunResult, trace: Trace)
    /// The scenario as loaded, with where its numbers come from (when the report knows it).
    public var loaded: LoadedScenario?

    /// Expected direct responses by i per action of j: the branching matrix of the batch.
    public var answerMatrix: [[Double]] {
        answers.indices.map { i in
            answers[i].indices.map { j in actorEvents[j] > 0 ? Double(answers[i][j]) / Double(actorEvents[j]) : 0 }
        }
    }

    /// Its spectral radius: above 1, cycles of answers tend to grow.
    public var branchingRatio: Double { LinearAlgebra.spectralRadius(answerMatrix) }

    /// The cumulative incidence of each outcome (Aalen–Johansen): the other outcomes compete,
    /// and a run still unresolved at the horizon is censored there. Every run is followed to its
    /// end, so nothing is censored before the horizon and this is the direct count: F_k(t) is
    /// the share of all runs that ended in k by day t.
    public var incidence: CumulativeIncidence {
        CumulativeIncidence(endings.map { ($0.day, $0.outcome == scenario.unresolvedOutcome ? nil : $0.outcome) },
                            outcomes: scenario.outcomeNames.count)
    }

    /// `incidenceByDay()[k][d]`: F_k(d) for d = 0 … ⌈horizon⌉, the share of runs with outcome k
    /// and outcome_day ≤ d (zero throughout for `unresolved`, which is censoring).
    public func incidenceByDay() -> [[Double]] {
        let f = incidence
        return (0..<f.incidence.count).map { k in (0..<days).map { f.value(outcome: k, at: Double($0)) } }
    }

    /// Runs the batch `manifest` describes (its whole range of replications) and gathers the data.
    public static func collect(scenario: Scenario, manifest: Manifest, threads: Int,
                               progress: ProgressReporter? = nil) throws -> ReportData {
        let layout = RecordLayout(scenario)
        let first = manifest.shard.first, end = manifest.shard.end
        guard end > first else { throw BatchError("a report needs at least one run") }
        let master = UInt64(manifest.seed)!
        let days = Int(scenario.horizon.rounded(.up)) + 1
        let actors = scenario.actors.count
        var summary = BatchSummary(table: RunTable(scenario))
        var endings: [(outcome: Int, day: Double)] = []
        var ladder = [[Int]](repeating: [Int](repeating: 0, count: days), count: Ladder.top + 1)
        var answers = [[Int]](repeating: [Int](repeating: 0, count: actors), count: actors)
        var actorEvents = [Int](repeating: 0, count: actors)
        var actionsPerRun: [Int] = []

        struct Part {
            var records: [[Double]] = []
            var endings: [(Int, Double)] = []
            var firstAtRung: [[Double]] = []
            var answers: [[Int]]
            var actorEvents: [Int]
        }
        let chunk = 256
        let chunks = (end - first + chunk - 1) / chunk
        let batch = max(1, threads) * 4
        var done = 0
        for groupStart in stride(from: 0, to: chunks, by: batch) {
            let group = Array(groupStart..<min(groupStart + batch, chunks))
            let parts = ConcurrentResults<Part>(count: group.count)
            DispatchQueue.concurrentPerform(iterations: group.count) { g in
                let simulator = Simulator(scenario: scenario)
                var part = Part(answers: [[Int]](repeating: [Int](repeating: 0, count: actors), count: actors),
                                actorEvents: [Int](repeating: 0, count: actors))
                let lower = first + group[g] * chunk
                for k in lower..<min(lower + chunk, end) {
                    let (result, trace) = simulator.runTraced(seed: StreamSeed.replication(master: master, index: UInt64(k)))
                    part.records.append(result.record(layout: layout))
                    part.endings.append((result.outcome, result.outcomeDay))
                    var firstAt = [Double](repeating: .infinity, count: Ladder.top + 1)
                    var actorOf: [Int: Int] = [:]
                    for entry in trace.entries {
                        guard case .action(let number, let a, let cause, _, _, _) = entry.kind else { continue }
                        let actor = scenario.actions[a].actor
                        actorOf[number] = actor
                        part.actorEvents[actor] += 1
                        for r in 0...scenario.actions[a].rung where firstAt[r] == .infinity { firstAt[r] = entry.time }
                        switch cause {
                        case .answer(let parent, _, _, _, _, _), .trigger(let parent, _, _, _):
                            if let source = actorOf[parent] { part.answers[actor][source] += 1 }
                        default: break
                        }
                    }
                    part.firstAtRung.append(firstAt)
                }
                parts.set(g, part)
            }
            for part in parts.values {
                for record in part.records {
                    summary.add(record)
                    actionsPerRun.append(Int(record[RecordLayout.events]))
                }
                endings += part.endings.map { (outcome: $0.0, day: $0.1) }
                for firstAt in part.firstAtRung {
                    for r in 0...Ladder.top where firstAt[r].isFinite {
                        ladder[r][min(days - 1, Int(firstAt[r].rounded(.up)))] += 1
                    }
                }
                for i in 0..<actors {
                    actorEvents[i] += part.actorEvents[i]
                    for j in 0..<actors { answers[i][j] += part.answers[i][j] }
                }
                done += part.records.count
                progress?.update(done: done)
            }
        }
        // Cumulative: reached at a time t ≤ d, as the outcome curves count outcome_day ≤ d.
        for r in 0...Ladder.top { for d in 1..<days { ladder[r][d] += ladder[r][d - 1] } }
        // The run whose number of actions is nearest the median (the first such).
        let sortedActions = actionsPerRun.sorted()
        let medianActions = sortedActions[sortedActions.count / 2]
        let pick = actionsPerRun.indices.min { abs(actionsPerRun[$0] - medianActions) < abs(actionsPerRun[$1] - medianActions) }!
        let median = Simulator(scenario: scenario).runTraced(
            seed: StreamSeed.replication(master: master, index: UInt64(first + pick)))
        return ReportData(scenario: scenario, manifest: manifest, summary: summary, endings: endings, ladder: ladder,
                          days: days, answers: answers, actorEvents: actorEvents, median: median)
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
            + finalState + observations
    }
}

extension ReportData {
    /// The data of an existing batch: its manifest says what was run; the scenario must still
    /// have the same content hash, and re-running its replications must reproduce its CSV to the
    /// byte, so the report describes exactly that batch.
    public static func collect(fromBatch csv: String, threads: Int, progress: ProgressReporter? = nil) throws -> ReportData {
        let manifest = try Manifest.read(Manifest.path(forCSV: csv))
        let loaded = try manifest.loadScenario(besideCSV: csv, purpose: "a report")
        let scenarioPath = loaded.path
        var data = try collect(scenario: loaded.scenario, manifest: manifest, threads: threads, progress: progress)
        data.loaded = loaded
        // The batch's CSV, row by row, must be what the scenario gives, and its summary the one
        // just computed.
        let (rows, fromFile) = try readRows(of: csv, manifest: manifest, scenario: loaded.scenario, scenarioPath: scenarioPath)
        guard rows == manifest.shard.end - manifest.shard.first, fromFile.csv() == data.summary.csv() else {
            throw BatchError("\(csv): re-running its replications does not reproduce it "
                             + "(\(rows) rows; the manifest says \(manifest.shard.end - manifest.shard.first))")
        }
        return data
    }

    /// The reading half of a report: every row of a batch CSV parsed, checked to be in its one
    /// written form (numbers in their shortest form, runs in order) and summarised. Returns the
    /// rows read and their summary. (`make bench` times this against a batch writing the rows.)
    public static func readRows(of csv: String, manifest: Manifest, scenario: Scenario,
                                scenarioPath: String) throws -> (rows: Int, summary: BatchSummary) {
        let table = RunTable(scenario)
        var reader = try LineReader(path: csv)
        defer { reader.close() }
        guard try reader.next().map({ $0 + "\n" }) == table.header else {
            throw BatchError("\(csv): its columns are not those of \(scenarioPath)")
        }
        let parser = RowParser(table)
        var record = [Double](repeating: 0, count: table.layout.width)
        var row = TextBuffer()
        var fromFile = BatchSummary(table: table)
        var k = manifest.shard.first
        while let line = try reader.nextLine() {
            guard let (run, seed) = record.withUnsafeMutableBufferPointer({ parser.parse(line, into: $0) }), run == k else {
                throw BatchError("\(csv): row \(k - manifest.shard.first + 1) is not run \(k)")
            }
            // Written again, the row must be the same bytes: numbers in their one shortest form.
            row.removeAll()
            record.withUnsafeBufferPointer { table.appendRow(run: run, seed: seed, record: $0, to: &row) }
            if !isRow(row, line: line) { throw BatchError("\(csv): the row of run \(k) is not what the scenario gives") }
            fromFile.add(record)
            k += 1
        }
        return (k - manifest.shard.first, fromFile)
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
        return manifest
    }
}
