import EscalationModel

/// What a report draws from every row of a batch, in memory that does not grow with the number
/// of runs: the summary (its metrics keep a count a distinct value), runs ended in each outcome
/// by whole day, and the first run with each number of actions (to find the typical run).
struct ReportTally {
    var summary: BatchSummary
    /// `ended[k][d]`: runs that ended in outcome k with ⌈outcome_day⌉ = d (day ≤ d exactly when
    /// ⌈day⌉ ≤ d); later days are past the horizon's last whole day and never counted.
    var ended: [[Int]]
    let days: Int
    /// The first run with each number of actions: below 4096 by index (-1 for none), beyond
    /// in a dictionary (the common case without hashing, as in `Metric`).
    var firstWithActions = [Int](repeating: -1, count: 4096)
    var firstWithManyActions: [Int: Int] = [:]

    init(scenario: Scenario) {
        summary = BatchSummary(table: RunTable(scenario))
        days = Int(scenario.horizon.rounded(.up)) + 1
        ended = [[Int]](repeating: [Int](repeating: 0, count: days), count: scenario.outcomeNames.count)
    }

    /// Adds run `run`'s record; runs come in replication order.
    mutating func add(_ record: UnsafeBufferPointer<Double>, run: Int) {
        summary.add(record)
        let day = record[RecordLayout.outcomeDay].rounded(.up)
        if day >= 0 && day < Double(days) { ended[Int(record[RecordLayout.outcome])][Int(day)] += 1 }
        let actions = Int(record[RecordLayout.events])
        if actions < firstWithActions.count {
            if firstWithActions[actions] < 0 { firstWithActions[actions] = run }
        } else if firstWithManyActions[actions] == nil {
            firstWithManyActions[actions] = run
        }
    }

    /// `ended` made cumulative: runs ended in k by day d.
    var endedByDay: [[Int]] {
        ended.map { counts in
            var total = 0
            return counts.map { total += $0; return total }
        }
    }

    /// The first run whose number of actions is the batch's median (the ⌊n/2⌋-th smallest, from
    /// 0): a run that has it always exists.
    var typicalRun: Int {
        let events = summary.metric(named: "events")!
        let median = Int(events.orderStatistic(summary.n / 2))
        return median < firstWithActions.count ? firstWithActions[median] : firstWithManyActions[median]!
    }
}
