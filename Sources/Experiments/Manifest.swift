import EscalationModel
import Foundation
import Record
import ScenarioIO
import Stochastics

/// The version written into manifests; a batch is only merged or resumed by the same version.
public enum ProgramVersion {
    public static let string = "0.1.0"
}

/// What a batch was: written beside its CSV so that any row can be re-run alone
/// (`escalation run --from runs.csv --row K`, or `run SCENARIO --seed <the row's seed>` with the
/// same overrides) and so that shards can be checked to belong together before they are merged.
public struct Manifest: Codable, Equatable, Sendable {
    public struct ShardInfo: Codable, Equatable, Sendable {
        public var index: Int
        public var count: Int
        /// Replications [first, end) of the batch.
        public var first: Int
        public var end: Int

        public init(index: Int, count: Int, first: Int, end: Int) {
            self.index = index
            self.count = count
            self.first = first
            self.end = end
        }
    }

    public var format = 1
    public var program = "escalation"
    public var version: String
    public var scenario: String
    public var title: String
    /// SHA-256 of the text of every file the scenario read (the scenario, what it extends and
    /// includes, its record and its posterior) and of the overrides.
    public var scenarioHash: String
    public var overrides: [String]
    /// The master seed, as text: it is a 64-bit number, which some JSON readers would round.
    public var seed: String
    public var runs: Int
    public var shard: ShardInfo
    public var threads: Int
    public var columns: [String]
    /// Outcome names, in the order the scenario declares them (`unresolved`, `runaway` last).
    public var outcomes: [String]
    public var started: String
    public var finished: String
    /// The posterior file each replication's parameters were drawn from (the draw is chosen from
    /// the replication's seed), or `none` for the posterior medians; absent for a scenario with
    /// no calibrated parameters.
    public var posterior: String?
    /// SHA-256 of the posterior file the draws came from.
    public var posteriorHash: String?
    /// In how many runs a state-dependent rate went above its `max_rate` (thinning then drew
    /// too few of that process's events), of how many runs it is known for. The CSV's rows do
    /// not record it, so the manifest does: a batch counts every run it simulates; a resumed one
    /// the runs it simulates and the rows of its partial file it simulates again to check them;
    /// a merge adds up its shards'. Absent from manifests written before it was recorded.
    public var maxRateExceeded: RateCount?
    /// The math library's fingerprint where the rows were made (`MathFingerprint.current`): the
    /// same seed gives the same bytes only where the C library's `log`, `exp` and `pow` and GSL's
    /// samplers give the same results, so rows made under two fingerprints are not joined. Absent
    /// from manifests written before it was recorded (those are joined with any).
    public var math: String?

    /// Runs in which a rate went above its maximum (`runs`), of the runs checked (`checked`), and
    /// how far above: for each process whose rate did, the highest rate ÷ `max_rate` it reached
    /// in those runs (`highest`, by process id), which `max_rate` must be raised by at least.
    public struct RateCount: Codable, Equatable, Sendable {
        public var runs: Int
        public var checked: Int
        public var highest: [String: Double]?

        public init(runs: Int, checked: Int, highest: [String: Double]? = nil) {
            self.runs = runs
            self.checked = checked
            self.highest = highest
        }

        /// A count over `checked` runs whose processes reached `excess` (rate ÷ `max_rate`, one
        /// per process of `scenario`, 0 for one that stayed within its maximum).
        public init(runs: Int, checked: Int, excess: [Double], of scenario: Scenario) {
            let highest = scenario.rateExcessByProcess(excess)
            self.init(runs: runs, checked: checked, highest: highest.isEmpty ? nil : highest)
        }

        /// The count in words for a batch of `total` runs: "3 of the 1000 runs", or when not every
        /// run was checked, "3 of the 120 runs checked (of 1000)"; then `source` (", as the
        /// shards' manifests record"), then how far the rates went ("; attacks reached 1.74 times
        /// its max_rate").
        public func described(of total: Int, source: String = "") -> String {
            (checked >= total ? "\(runs) of the \(total) runs" : "\(runs) of the \(checked) runs checked (of \(total))")
                + source + Self.reached(highest ?? [:])
        }

        /// "; attacks reached 1.74 times its max_rate" (`rateExcessText`), or nothing when no
        /// process went above.
        public static func reached(_ highest: [String: Double]) -> String {
            highest.isEmpty ? "" : "; " + rateExcessText(highest)
        }

        /// Each process's highest ratio over two counts.
        static func merged(_ a: [String: Double]?, _ b: [String: Double]?) -> [String: Double]? {
            guard let a else { return b }
            guard let b else { return a }
            return a.merging(b, uniquingKeysWith: max)
        }
    }

    /// What the manifest says about a loaded scenario's posterior.
    public mutating func record(_ use: PosteriorUse) {
        (posterior, posteriorHash) = Self.posteriorFields(use)
    }

    /// The `posterior` and `posteriorHash` fields for a posterior use.
    static func posteriorFields(_ use: PosteriorUse) -> (posterior: String?, hash: String?) {
        switch use {
        case .notCalibrated: (nil, nil)
        case .draws(let path, let hash): (path, hash)
        case .medians, .priorMedians: ("none", nil)
        }
    }

    /// Where the manifest of a CSV lives: `runs.csv` and `runs.csv.gz` → `runs.manifest.json`.
    public static func path(forCSV csv: String) -> String {
        var stem = Substring(csv)
        if stem.hasSuffix(".gz") { stem = stem.dropLast(3) }
        if stem.hasSuffix(".csv") { stem = stem.dropLast(4) }
        return stem + ".manifest.json"
    }

    public static func scenarioHash(_ loaded: LoadedScenario) -> String {
        var text = "escalation scenario\n"
        for file in loaded.files { text += "file \(file.text.utf8.count)\n\(file.text)\n" }
        for o in loaded.overrides { text += "set \(o.description)\n" }
        return SHA256.hex(text)
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The largest manifest read: a manifest escalation writes is a few kilobytes (its
    /// overrides and paths as given), so anything larger is not one, and is not read whole.
    static let maximumBytes = 1 << 20

    /// Refuses, before anything runs, a batch whose manifest would be larger than a manifest is
    /// read back (`maximumBytes`): `merge`, `report` and `--resume` could not read it. Only a
    /// scenario title or `--set` options hundreds of kilobytes long make one so large. The
    /// finished manifest adds its end time and the highest rate of each process above its
    /// `max_rate`, allowed for here.
    public func checkSize(forCSV csv: String, of scenario: Scenario) throws {
        // Each process's name at most doubled by JSON's escapes, and its ratio.
        let rates = scenario.processes.reduce(0) { $0 + 2 * $1.id.utf8.count + 40 }
        let bytes = encoded().utf8.count + 4_096 + rates
        guard bytes > Self.maximumBytes else { return }
        let size = String(format: "%.2f", Double(bytes) / Double(1 << 20))
        throw BatchError("\(Self.path(forCSV: csv)) would be about \(size) MiB, more than the \(Self.maximumBytes >> 20) MiB "
                         + "a manifest is read back at (merge, report and --resume could not read it): the scenario's title "
                         + "and the --set options are written into it; shorten them")
    }

    public static func read(_ path: String) throws -> Manifest {
        let data: Data
        do {
            let file = try InputFile(path: path)
            defer { file.close() }
            var bytes: [UInt8] = []
            while bytes.count <= maximumBytes {
                let piece = try file.readBytes(1 << 16)
                bytes += piece
                if piece.count < 1 << 16 { break }
            }
            if bytes.count > maximumBytes {
                throw BatchError("\(path) is not a manifest escalation wrote: it is larger than \(maximumBytes >> 20) MiB")
            }
            data = Data(bytes)
        } catch let error as SourceReadError where error.reason == InputFile.describe(errno: ENOENT) {
            throw BatchError("no manifest at \(path) (a batch CSV needs the manifest written beside it)")
        }
        do {
            let manifest = try JSONDecoder().decode(Manifest.self, from: data)
            if manifest.runs < 1 || manifest.shard.first < 0 || manifest.shard.first > manifest.shard.end
                || manifest.shard.end > manifest.runs || UInt64(manifest.seed) == nil {
                throw BatchError("\(path) is not a manifest escalation wrote: its seed, runs or shard range are impossible "
                                 + "(seed \(abbreviated(manifest.seed)), runs \(manifest.runs), shard runs \(manifest.shard.first)..<\(manifest.shard.end))")
            }
            if let count = manifest.maxRateExceeded,
               count.runs < 0 || count.runs > count.checked || count.checked > manifest.shard.end - manifest.shard.first {
                throw BatchError("\(path) is not a manifest escalation wrote: its maxRateExceeded is impossible "
                                 + "(\(count.runs) runs of \(count.checked) checked, in a shard of \(manifest.shard.end - manifest.shard.first) runs)")
            }
            if let math = manifest.math, math.utf8.count != 16 || !math.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) {
                throw BatchError("\(path) is not a manifest escalation wrote: its math fingerprint is '\(abbreviated(math, limit: 40))', "
                                 + "where escalation writes 16 lowercase hexadecimal digits")
            }
            if let highest = manifest.maxRateExceeded?.highest, let (process, ratio) = highest.first(where: { !($0.value >= 1 && $0.value.isFinite) }) {
                throw BatchError("\(path) is not a manifest escalation wrote: its maxRateExceeded gives process \(process) "
                                 + "a highest rate ÷ max_rate of \(ratio), where only a number of at least 1 can be")
            }
            return manifest
        } catch let error as BatchError {
            throw error
        } catch let error as DecodingError {
            // JSON whose number does not fit its field ("runs": 1e30) is reported with no field.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
               (try? JSONSerialization.jsonObject(with: data)) != nil {
                throw BatchError("\(path) is not a manifest escalation wrote: a value does not fit its field "
                                 + "(\(abbreviated(context.debugDescription, limit: 120)))")
            }
            throw BatchError("\(path) is not a manifest escalation wrote: \(Self.explain(error))")
        } catch {
            throw BatchError("\(path) is not a manifest escalation wrote: it is not JSON")
        }
    }

    /// A decoding failure in words: the field and what was wrong with it.
    static func explain(_ error: DecodingError) -> String {
        func field(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : "field '" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(field(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not JSON" : "\(field(context.codingPath)) is not valid"
        @unknown default:
            return "it does not have a manifest's fields"
        }
    }

    /// The fields that must agree for two batches to be parts of one (all but the shard, the
    /// thread count, the times and the math fingerprint, which `merge` checks over all the parts
    /// at once, `commonMath`, and `--resume` on its own).
    public func differences(from other: Manifest) -> [String] {
        var fields: [String] = []
        if version != other.version { fields.append("version (\(version) against \(other.version))") }
        if scenarioHash != other.scenarioHash { fields.append("scenario (content hash \(scenarioHash.prefix(12)) against \(other.scenarioHash.prefix(12)))") }
        if overrides != other.overrides { fields.append("overrides (\(overrides) against \(other.overrides))") }
        // The same posterior is the same file by its content, however its path was written (a
        // shard run from another folder names it differently).
        let kind = { (m: Manifest) in m.posterior.map { $0 == "none" ? "none" : "draws" } ?? "" }
        if kind(self) != kind(other) || posteriorHash != other.posteriorHash {
            fields.append("posterior (\(posterior ?? "none") against \(other.posterior ?? "none"))")
        }
        if seed != other.seed { fields.append("seed (\(seed) against \(other.seed))") }
        if runs != other.runs { fields.append("runs (\(runs) against \(other.runs))") }
        if shard.count != other.shard.count { fields.append("shard count (\(shard.count) against \(other.shard.count))") }
        if columns != other.columns || outcomes != other.outcomes { fields.append("columns") }
        return fields
    }

    /// Why two math fingerprints matter, for refusals.
    static let mathDifference = "their log, exp or pow round some results differently, so the same seeds can give other rows"

    /// Of the fingerprints parts record (nil for none), the one most of them record, the earliest
    /// of those tied; nil if none records one.
    static func mainMath(_ recorded: [String?]) -> String? {
        var counts: [String: Int] = [:], order: [String] = []
        for case let math? in recorded {
            if counts[math] == nil { order.append(math) }
            counts[math, default: 0] += 1
        }
        var main: String?
        for math in order where main == nil || counts[math]! > counts[main!]! { main = math }
        return main
    }

    /// The one math fingerprint the parts of a batch (shards to merge) were made under, or nil if
    /// none records one; a refusal naming each fingerprint's parts if they record more than one.
    /// Parts that record none (written before it was recorded) join with any.
    static func commonMath(of parts: [(path: String, manifest: Manifest)]) throws -> String? {
        var paths: [String: [String]] = [:], order: [String] = []
        for part in parts {
            guard let math = part.manifest.math else { continue }
            if paths[math] == nil { order.append(math) }
            paths[math, default: []].append(part.path)
        }
        guard order.count > 1, let main = mainMath(parts.map(\.manifest.math)) else { return order.first }
        let listed = order.map { math in
            let files = paths[math]!
            return "\(math) (\(files.prefix(8).joined(separator: ", "))\(files.count > 8 ? " and \(files.count - 8) more" : ""))"
        }
        let others = order.filter { $0 != main }
        throw BatchError("the shards were made on machines whose math libraries differ, by their manifests' fingerprints: "
                         + listed.joined(separator: "; ") + ": \(mathDifference); make the shards of "
                         + others.joined(separator: " and ") + " again on a machine with \(main) (their batch commands do, "
                         + "with --resume too) (docs/batches.md, \"The same bytes on another machine\")")
    }

    /// For a row that does not reproduce here: the reason it may not, when the batch's manifest
    /// records another math library than this machine's; otherwise nothing.
    static func mathNote(_ math: String?) -> String {
        guard let math, math != MathFingerprint.current else { return "" }
        return "; the batch ran on a machine whose math library's fingerprint is \(math), and this one's is "
            + "\(MathFingerprint.current): \(mathDifference)"
    }

    static func timestamp(_ date: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}

/// A batch, shard set or partial file that cannot be used, said plainly (exit 65).
public struct BatchError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
