import EscalationModel
import Foundation

/// What a sensitivity analysis measures in each run: whether it ended in an outcome (averaged,
/// the outcome's probability) or a number of the per-run CSV (averaged, its mean).
public enum SensitivityMeasure: Sendable, Equatable {
    /// An outcome; nil: the first declared outcome that happens in the base runs.
    case outcome(String?)
    /// A column of the per-run CSV after `outcome`: `us_killed`, `max_rung`, `count_kh_rockets` ...
    case metric(String)

    /// The measure named and located in a scenario's records.
    public struct Resolved: Sendable, Equatable {
        public let name: String
        public let isMetric: Bool
        /// The outcome's index (outcomes), or the record field (metrics).
        public let index: Int

        /// The run's value: 1 or 0 for an outcome, the number for a metric (∞ for an observed
        /// action that never came).
        @inline(__always)
        public func value(_ record: UnsafeBufferPointer<Double>) -> Double {
            isMetric ? record[index] : (Int(record[RecordLayout.outcome]) == index ? 1 : 0)
        }

        /// `P(open_war)` or `mean us_killed`, for sentences and axes.
        public var phrase: String { isMetric ? "mean \(name)" : "P(\(name))" }
    }

    /// Columns of the per-run CSV a metric can name: those after `outcome`, without the
    /// posterior draw's index.
    public static func metricNames(_ scenario: Scenario) -> [String] {
        RunTable(scenario).metricColumns.dropFirst().filter { $0 != "draw" }
    }

    /// Finds the measure in `scenario`. `outcomeCounts` (runs ending in each outcome in the
    /// base runs) chooses the default outcome.
    public func resolve(in scenario: Scenario, path: String, outcomeCounts: [Int]) throws -> Resolved {
        switch self {
        case .outcome(let wanted):
            // By default, the first declared outcome that happens at all in the base scenario.
            let name = wanted ?? scenario.outcomes.indices.first { outcomeCounts[$0] > 0 }.map { scenario.outcomeNames[$0] }
                ?? scenario.outcomeNames[scenario.unresolvedOutcome]
            guard let k = scenario.outcomeNames.firstIndex(of: name) else {
                throw OptionValueError.fitting(option: "outcome", value: name,
                                       reason: "\(path) has no such outcome; its outcomes are \(scenario.outcomeNames.joined(separator: ", "))")
            }
            return Resolved(name: name, isMetric: false, index: k)
        case .metric(let name):
            let columns = RunTable(scenario).metricColumns
            guard name != "outcome", name != "draw", let i = columns.firstIndex(of: name) else {
                if scenario.outcomeNames.contains(name) {
                    throw OptionValueError.fitting(option: "metric", value: name, reason: "that is an outcome; use --outcome \(name)")
                }
                throw OptionValueError.fitting(option: "metric", value: name, reason: "not a column of the per-run CSV; its columns are:\n"
                                       + wrappedList(Self.metricNames(scenario)))
            }
            return Resolved(name: name, isMetric: true, index: i)
        }
    }
}

/// Words joined by ", " on indented lines of at most `width` columns, for messages that list
/// names.
func wrappedList(_ words: [String], indent: String = "  ", width: Int = 100) -> String {
    var lines: [String] = [], line = indent
    for (i, word) in words.enumerated() {
        let piece = word + (i < words.count - 1 ? "," : "")
        if line.count > indent.count && line.count + 1 + piece.count > width {
            lines.append(line)
            line = indent
        }
        line += (line.count > indent.count ? " " : "") + piece
    }
    lines.append(line)
    return lines.joined(separator: "\n")
}

extension OptionValueError {
    /// The error with its reason wrapped so that every line of `error: --option value: reason`,
    /// as printed, fits in 100 columns (lines after the first indented).
    static func fitting(option: String, value: String, reason: String) -> OptionValueError {
        OptionValueError(option: option, value: value,
                         reason: wrapped(reason, firstLineUsed: "error: --\(option) \(value): ".count))
    }
}

/// `text` with each line longer than `width` broken at spaces; the first line has
/// `firstLineUsed` columns fewer, continuations are indented by two spaces (or the line's own
/// indentation).
func wrapped(_ text: String, firstLineUsed: Int, width: Int = 100) -> String {
    var out: [String] = []
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let indent = String(line.prefix { $0 == " " })
        var budget = width - (n == 0 ? firstLineUsed : 0), current = indent
        for word in line.split(separator: " ") {
            if current.count == indent.count || current.count + 1 + word.count <= budget {
                current += (current.count == indent.count ? "" : " ") + word
            } else {
                out.append(current)
                current = (indent.isEmpty ? "  " : indent) + word
                budget = width
            }
        }
        out.append(current)
    }
    return out.joined(separator: "\n")
}
