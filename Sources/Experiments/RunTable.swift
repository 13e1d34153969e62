import EscalationModel
import Foundation

/// The per-run CSV: one row a replication, columns in a stable order:
///
///     run, seed, outcome, outcome_day, max_rung, events,
///     <side>_killed, <side>_wounded (for each side, in the scenario's order),
///     count_<action> (in the scenario's order), final_<state variable> (in the scenario's order),
///     obs_<observation> (in the scenario's order), draw (when parameters come from a posterior)
///
/// Numbers are written in their shortest form that reads back as the same double, so a merge or
/// a resume that reads rows back gets exactly the values that were written.
public struct RunTable: Sendable {
    public let layout: RecordLayout
    public let outcomeNames: [String]
    /// Column names after `run, seed`.
    public let metricColumns: [String]

    public init(_ scenario: Scenario) {
        layout = RecordLayout(scenario)
        outcomeNames = scenario.outcomeNames
        metricColumns = ["outcome", "outcome_day", "max_rung", "events"]
            + scenario.counters.map(\.name)
            + scenario.actions.map { "count_" + $0.id }
            + scenario.stateVariables.map { "final_" + $0.id }
            + scenario.observations.map { "obs_" + $0.id }
            + (layout.draws ? ["draw"] : [])
    }

    /// The table a manifest describes, for reading a batch CSV without its scenario.
    public init(manifest: Manifest) throws {
        let columns = manifest.columns
        guard columns.starts(with: ["run", "seed", "outcome", "outcome_day", "max_rung", "events"]) else {
            throw BatchError("the manifest's columns are not those of a batch CSV")
        }
        let metrics = Array(columns.dropFirst(2))
        let counts = metrics.filter { $0.hasPrefix("count_") }.count
        let finals = metrics.filter { $0.hasPrefix("final_") }.count
        let observations = metrics.filter { $0.hasPrefix("obs_") }.count
        let draws = metrics.last == "draw"
        layout = RecordLayout(counters: metrics.count - 4 - counts - finals - observations - (draws ? 1 : 0), actions: counts,
                              states: finals, observations: observations, draws: draws)
        outcomeNames = manifest.outcomes
        metricColumns = metrics
    }

    /// The CSV's columns, as its header names them.
    var columns: [String] { ["run", "seed"] + metricColumns }

    public var header: String { columns.joined(separator: ",") + "\n" }

    /// Appends the row of replication `run` to `bytes`.
    public func appendRow(run: Int, seed: UInt64, record: UnsafeBufferPointer<Double>, to bytes: inout TextBuffer) {
        let outcome = outcomeNames[Int(record[RecordLayout.outcome])]
        // run and seed (20 digits each at most), the outcome, a number a column, commas, newline.
        let limit = 2 * 21 + outcome.utf8.count + (layout.width - 1) * (TextCursor.maxNumberBytes + 1) + 1
        bytes.append(atMost: limit) { row in
            row.write(integer: Int64(run))
            row.write(UInt8(ascii: ","))
            row.write(unsigned: seed)
            row.write(UInt8(ascii: ","))
            row.write(outcome)
            for i in 1..<layout.width {
                row.write(UInt8(ascii: ","))
                row.write(number: record[i])
            }
            row.write(UInt8(ascii: "\n"))
        }
    }

    /// Appends the row of replication `run` to `text`.
    public func appendRow(run: Int, seed: UInt64, record: UnsafeBufferPointer<Double>, to text: inout String) {
        var bytes = TextBuffer()
        appendRow(run: run, seed: seed, record: record, to: &bytes)
        text += bytes.string
    }
}

/// Shortest text that reads back as the same double; whole numbers without a point.
func appendNumber(_ x: Double, to text: inout String) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: TextCursor.maxNumberBytes) { room in
        var cursor = TextCursor(room.baseAddress!)
        cursor.write(number: x)
        text += String(decoding: UnsafeBufferPointer(start: room.baseAddress!, count: cursor.position - room.baseAddress!), as: UTF8.self)
    }
}
