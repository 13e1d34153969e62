import Foundation
import Record
import ScenarioIO
import Stochastics

/// What a sweep, sensitivity analysis or comparison was, written beside its CSV (`x.csv` →
/// `x.manifest.json`): every scenario it ran with its content hash, overrides and posterior, the
/// seed and run counts, the settings, and the command that reproduces the CSV byte for byte.
public struct AnalysisManifest: Codable, Equatable, Sendable {
    /// One scenario the analysis ran (both arms of a comparison; the base of a sweep).
    public struct ScenarioInfo: Codable, Equatable, Sendable {
        public var role: String
        public var scenario: String
        public var title: String
        public var scenarioHash: String
        public var overrides: [String]
        public var posterior: String?
        public var posteriorHash: String?

        public init(role: String, _ loaded: LoadedScenario) {
            self.role = role
            scenario = loaded.path
            title = loaded.scenario.title
            scenarioHash = Manifest.scenarioHash(loaded)
            overrides = loaded.overrides.map(\.description)
            (posterior, posteriorHash) = Manifest.posteriorFields(loaded.posterior)
        }
    }

    public var format = 1
    public var program = "escalation"
    public var version = ProgramVersion.string
    /// `compare`, `sweep` or `sensitivity`.
    public var kind: String
    public var scenarios: [ScenarioInfo]
    /// The master seed, as text (a 64-bit number some JSON readers would round).
    public var seed: String
    /// Replications of each arm, grid point or variant.
    public var runs: Int
    public var threads: Int
    /// What else the analysis was asked (varied paths, change, outcome, method), as given.
    public var settings: [String: String]
    public var columns: [String]
    /// The command line that writes the same CSV, on a machine with the same `math`.
    public var reproduce: String
    /// The math library's fingerprint where the CSV was made (`Manifest.math`). Absent from
    /// manifests written before it was recorded.
    public var math: String?
    public var started: String
    public var finished: String

    public init(kind: String, scenarios: [ScenarioInfo], seed: UInt64, runs: Int, threads: Int,
                settings: [String: String], columns: [String], reproduce: String, started: Date) {
        self.kind = kind
        self.scenarios = scenarios
        self.seed = String(seed)
        self.runs = runs
        self.threads = threads
        self.settings = settings
        self.columns = columns
        self.reproduce = reproduce
        math = MathFingerprint.current
        self.started = Manifest.timestamp(started)
        self.finished = Manifest.timestamp()
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The header of a CSV: its first line's column names.
    public static func columns(ofCSV text: String) -> [String] {
        String(text.prefix { $0 != "\n" }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
}

/// A command line as a person would paste it: words with spaces, quotes or shell characters are
/// single-quoted.
public func shellQuoted(_ words: [String]) -> String {
    words.map { word in
        let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
}
