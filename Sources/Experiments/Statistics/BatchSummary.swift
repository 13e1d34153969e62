import EscalationModel
import Foundation

/// The statistics of a batch, accumulated run by run in replication order.
///
/// The summary CSV has one row a metric: `metric, n, mean, sd, ci95_low, ci95_high, p05, p25,
/// p50, p75, p95, min, max`. First one row per outcome (`outcome_<name>`: its probability as
/// the mean, a 95% Wilson interval, no quantiles), then the days to each outcome among the runs
/// that ended in it (`days_to_<name>`), then every column of the per-run CSV (a Student-t 95%
/// interval of the mean, quantiles as `Metric` describes).
public struct BatchSummary: Sendable {
    public let table: RunTable
    public internal(set) var n = 0
    public internal(set) var outcomeCounts: [Int]
    /// Days to each outcome, over the runs that ended in it.
    public internal(set) var daysTo: [Metric]
    /// One per column of the per-run CSV after `outcome`: outcome_day, max_rung, events, ...
    public internal(set) var metrics: [Metric]

    public init(table: RunTable) {
        self.table = table
        outcomeCounts = [Int](repeating: 0, count: table.outcomeNames.count)
        daysTo = [Metric](repeating: Metric(), count: table.outcomeNames.count)
        // Every column after `outcome` but the posterior draw, which is an index, not a measure.
        metrics = [Metric](repeating: Metric(), count: table.layout.width - 1 - (table.layout.draws ? 1 : 0))
    }

    public mutating func add(_ record: UnsafeBufferPointer<Double>) {
        n += 1
        let outcome = Int(record[RecordLayout.outcome])
        outcomeCounts[outcome] += 1
        daysTo[outcome].add(record[RecordLayout.outcomeDay])
        for i in metrics.indices { metrics[i].add(record[i + 1]) }
    }

    public mutating func add(_ record: [Double]) {
        record.withUnsafeBufferPointer { add($0) }
    }

    public var metricNames: [String] { Array(table.metricColumns.dropFirst().prefix(metrics.count)) }

    public func probability(ofOutcome k: Int) -> Double { n > 0 ? Double(outcomeCounts[k]) / Double(n) : .nan }

    public static let header = "metric,n,mean,sd,ci95_low,ci95_high,p05,p25,p50,p75,p95,min,max\n"
    static let quantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95]

    public func csv() -> String {
        var text = Self.header
        for (k, name) in table.outcomeNames.enumerated() {
            let p = probability(ofOutcome: k)
            let (low, high) = Interval.wilson(successes: outcomeCounts[k], n: n)
            text += "outcome_\(name),\(n),\(number(p)),\(number((p * (1 - p)).squareRoot())),\(number(low)),\(number(high)),,,,,,,\n"
        }
        for (k, name) in table.outcomeNames.enumerated() { text += row("days_to_\(name)", daysTo[k]) }
        for (name, metric) in zip(metricNames, metrics) { text += row(name, metric) }
        return text
    }

    func row(_ name: String, _ m: Metric) -> String {
        guard m.n > 0 else { return "\(name),0,,,,,,,,,,,\n" }
        let (low, high) = Interval.mean(m.mean, sd: m.sd, n: m.n)
        let quantiles = m.quantiles(Self.quantileLevels).map(number).joined(separator: ",")
        return "\(name),\(m.n),\(number(m.mean)),\(number(m.sd)),\(number(low)),\(number(high)),\(quantiles),"
            + "\(number(m.minimum)),\(number(m.maximum))\n"
    }

    /// A statistic as text: ∞ as `inf` (as in the per-run CSV), undefined (NaN) as empty.
    func number(_ x: Double) -> String {
        if x.isNaN { return "" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        var s = ""
        appendNumber(x, to: &s)
        return s
    }

    public func metric(named name: String) -> Metric? {
        metricNames.firstIndex(of: name).map { metrics[$0] }
    }
}
