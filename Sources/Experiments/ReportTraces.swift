import EscalationModel
import Foundation
import Stochastics

/// What a report draws from the traces of its sample of runs (`ReportSample`): when each run
/// first reached each rung, and who answered whom. Each sampled run is simulated again with a
/// trace, and its row as `batch` writes it is kept, to be matched against the CSV's.
struct ReportTraces {
    /// `ladder[r][d]`: sampled runs that had reached rung r or above by day d (at a time t ≤ d).
    var ladder: [[Int]]
    /// `answers[i][j]`: actions by actor i caused directly (answer or trigger) by actions of j.
    var answers: [[Int]]
    /// Actions by each actor, in the sampled runs.
    var actorEvents: [Int]
    /// Each sampled run's row as `batch` writes it, with its newline, in the sample's order.
    var rows: [TextBuffer] = []
    /// Sampled runs in which a state-dependent rate went above its `max_rate`, and per process the
    /// highest rate ÷ `max_rate` they reached above 1.
    var rateExceededRuns = 0
    var rateExcess: [Double] = []

    init(scenario: Scenario, masterSeed: UInt64, runs: [Int], days: Int, threads: Int) {
        let actors = scenario.actors.count
        ladder = [[Int]](repeating: [Int](repeating: 0, count: days), count: Ladder.top + 1)
        answers = [[Int]](repeating: [Int](repeating: 0, count: actors), count: actors)
        actorEvents = [Int](repeating: 0, count: actors)

        struct Part {
            var rows: [TextBuffer] = []
            var firstAtRung: [[Double]] = []
            var answers: [[Int]]
            var actorEvents: [Int]
            var rateExceededRuns = 0
            var rateExcess: [Double] = []
        }
        let table = RunTable(scenario), layout = table.layout
        let chunk = 64
        let chunks = (runs.count + chunk - 1) / chunk
        let parts = ConcurrentResults<Part>(count: chunks)
        let workers = max(1, min(threads, chunks))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let simulator = Simulator(scenario: scenario)
            for c in stride(from: w, to: chunks, by: workers) {
                var part = Part(answers: [[Int]](repeating: [Int](repeating: 0, count: actors), count: actors),
                                actorEvents: [Int](repeating: 0, count: actors))
                for k in runs[(c * chunk)..<min(runs.count, (c + 1) * chunk)] {
                    let seed = StreamSeed.replication(master: masterSeed, index: UInt64(k))
                    let (result, trace) = simulator.runTraced(seed: seed)
                    if result.rateExceeded {
                        part.rateExceededRuns += 1
                        part.rateExcess = higherRateExcess(part.rateExcess, result.rateExcess)
                    }
                    var row = TextBuffer()
                    result.record(layout: layout).withUnsafeBufferPointer { table.appendRow(run: k, seed: seed, record: $0, to: &row) }
                    part.rows.append(row)
                    var firstAt = [Double](repeating: .infinity, count: Ladder.top + 1)
                    var actorOf: [Int: Int] = [:]
                    for entry in trace.entries {
                        guard case .action(let number, let a, let cause, _, _, _) = entry.kind else { continue }
                        let actor = scenario.actions[a].actor
                        actorOf[number] = actor
                        part.actorEvents[actor] += 1
                        for r in 0...scenario.actions[a].rung where firstAt[r] == .infinity { firstAt[r] = entry.time }
                        switch cause {
                        case .answer(let parent, _, _, _, _, _), .trigger(let parent, _, _, _), .move(let parent, _, _, _):
                            if let source = actorOf[parent] { part.answers[actor][source] += 1 }
                        default: break
                        }
                    }
                    part.firstAtRung.append(firstAt)
                }
                parts.set(c, part)
            }
        }
        for part in parts.values {
            rows += part.rows
            rateExceededRuns += part.rateExceededRuns
            rateExcess = higherRateExcess(rateExcess, part.rateExcess)
            for firstAt in part.firstAtRung {
                for r in 0...Ladder.top where firstAt[r].isFinite {
                    ladder[r][min(days - 1, Int(firstAt[r].rounded(.up)))] += 1
                }
            }
            for i in 0..<actors {
                actorEvents[i] += part.actorEvents[i]
                for j in 0..<actors { answers[i][j] += part.answers[i][j] }
            }
        }
        // Cumulative: reached at a time t ≤ d, as the outcome curves count outcome_day ≤ d.
        for r in 0...Ladder.top { for d in 1..<days { ladder[r][d] += ladder[r][d - 1] } }
    }
}
