import EscalationModel
import Foundation
import Record
import ScenarioIO
import Stochastics

/// Checks that rows of a batch CSV are what the scenario gives, before `merge` joins them or
/// `--resume` continues after them:
///
/// - every row's `seed` column must be the stream seed of (master seed, run), so a shard made
///   with another seed is refused whatever its manifest says;
/// - a deterministic sample of rows is simulated again and must match byte for byte: the first
///   and last row of each file (for `--resume`, the last row read), and each run r with
///   mix(master seed ^ r) divisible by max(1, rows / 100): about 100 a file, and every row of
///   a file of fewer than 200 rows.
public final class RowVerifier {
    public static let sampleSize = 100

    let table: RunTable
    let simulator: Simulator
    let masterSeed: UInt64
    let sample: Sample
    let range: Range<Int>
    private var record: [Double]
    private var row = ""
    /// Rows simulated again so far.
    public private(set) var simulated = 0
    /// Runs simulated again so far, each counted once however often its row is checked, and those
    /// of them in which a state-dependent rate went above its `max_rate` (the CSV does not
    /// record it; a resumed batch's manifest counts these for the rows it recovers).
    public private(set) var rateCheckedRuns = 0
    public private(set) var rateExceededRuns = 0
    /// Per process, the highest rate ÷ `max_rate` those runs reached above 1.
    public private(set) var rateExcess: [Double] = []
    private var lastCounted = -1
    /// The math fingerprint the rows were made under (`Manifest.math`), to say why a row that
    /// does not reproduce may not.
    public var madeWith: String?

    public init(scenario: Scenario, masterSeed: UInt64, range: Range<Int>) {
        table = RunTable(scenario)
        simulator = Simulator(scenario: scenario)
        self.masterSeed = masterSeed
        self.range = range
        sample = Sample(range: range, masterSeed: masterSeed)
        record = [Double](repeating: 0, count: table.layout.width)
    }

    /// A verifier for the rows of the batch a manifest describes, loading the scenario it names
    /// (beside the CSV if the path does not resolve from here) and checking its content hash.
    public convenience init(manifest: Manifest, csv: String) throws {
        let loaded = try manifest.loadScenario(besideCSV: csv, purpose: "checking its rows")
        guard let seed = UInt64(manifest.seed) else { throw BatchError("\(Manifest.path(forCSV: csv)): its seed is not a number") }
        self.init(scenario: loaded.scenario, masterSeed: seed, range: manifest.shard.first..<manifest.shard.end)
        madeWith = manifest.math
    }

    public func isSampled(_ run: Int) -> Bool { sample.contains(run) }

    /// The runs of a file that are simulated again, asked row by row (a merge asks a million
    /// times, so without a division: `Multiples`).
    struct Sample {
        let range: Range<Int>
        let masterSeed: UInt64
        let every: Multiples

        init(range: Range<Int>, masterSeed: UInt64) {
            self.range = range
            self.masterSeed = masterSeed
            every = Multiples(of: UInt64(max(1, range.count / RowVerifier.sampleSize)))
        }

        @inline(__always)
        func contains(_ run: Int) -> Bool {
            run == range.lowerBound || run == range.upperBound - 1 || every.contains(SplitMix64.mix(masterSeed ^ UInt64(run)))
        }
    }

    /// The multiples of a divisor d > 0, told apart without a division: n is one exactly when
    /// its product with the inverse of d's odd part modulo 2^64, rotated right by d's trailing
    /// zero bits, is at most (2^64 − 1) / d (Granlund and Montgomery, "Division by invariant
    /// integers using multiplication", PLDI 1994, section 9).
    struct Multiples {
        let divisor: UInt64
        private let inverse: UInt64
        private let shift: UInt64
        private let limit: UInt64

        init(of divisor: UInt64) {
            precondition(divisor > 0)
            self.divisor = divisor
            shift = UInt64(divisor.trailingZeroBitCount)
            let odd = divisor >> shift
            // Newton's iteration for the inverse modulo 2^64: x = odd is right in 3 bits
            // (odd² ≡ 1 mod 8), and each step doubles them: 6, 12, 24, 48, 96.
            var x = odd
            for _ in 0..<5 { x = x &* (2 &- odd &* x) }
            inverse = x
            limit = UInt64.max / divisor
        }

        @inline(__always)
        func contains(_ n: UInt64) -> Bool {
            let q = n &* inverse
            return (q &>> shift) | (q &<< (64 &- shift)) <= limit
        }
    }

    /// The refusal of a row of `run` whose seed column read `seed`, if that is not the seed
    /// the master seed gives it.
    static func seedProblem(run: Int, seed: UInt64, masterSeed: UInt64, file: String) -> BatchError? {
        let expected = StreamSeed.replication(master: masterSeed, index: UInt64(run))
        guard seed != expected else { return nil }
        return BatchError("\(file): run \(run) has seed \(seed) in its row, but master seed \(masterSeed) gives \(expected): "
                          + "the rows come from another batch")
    }

    /// Checks one row (`line` without its newline) of run `run` whose seed column read `seed`.
    public func check<S: StringProtocol>(run: Int, seed: UInt64, line: S, file: String, always: Bool = false) throws {
        var text = String(line)
        try text.withUTF8 { try check(run: run, seed: seed, line: $0, file: file, always: always) }
    }

    /// Checks one row given as its bytes (without its newline), as a `LineReader` returns it.
    func check(run: Int, seed: UInt64, line: UnsafeBufferPointer<UInt8>, file: String, always: Bool = false) throws {
        if let problem = Self.seedProblem(run: run, seed: seed, masterSeed: masterSeed, file: file) { throw problem }
        guard always || isSampled(run) else { return }
        simulated += 1
        let exceeded = record.withUnsafeMutableBufferPointer { simulator.run(seed: seed, into: $0).rateExceeded }
        if run != lastCounted {
            lastCounted = run
            rateCheckedRuns += 1
            if exceeded {
                rateExceededRuns += 1
                simulator.mergeRateExcess(into: &rateExcess)
            }
        }
        row.removeAll(keepingCapacity: true)
        record.withUnsafeBufferPointer { table.appendRow(run: run, seed: seed, record: $0, to: &row) }
        guard isRow(&row, line: line) else {
            throw BatchError("\(file): the row of run \(run) is not what the scenario gives (simulated again: "
                             + "\(abbreviated(String(row.dropLast()), limit: 160)))" + Manifest.mathNote(madeWith))
        }
    }
}

extension Manifest {
    /// The scenario a batch was run from, with its overrides and posterior, checked against the
    /// manifest's content hash. A relative path that does not resolve from the current folder
    /// is tried beside the CSV, then by its file name beside the CSV; a posterior found nowhere
    /// there is the one the scenario declares, if that is the file the batch drew from. `path`
    /// names the scenario file instead (it must have the same content hash): for a batch whose
    /// scenario has moved.
    public func loadScenario(besideCSV csv: String, purpose: String, at path: String? = nil) throws -> LoadedScenario {
        let folder = folderPart(of: csv)
        /// `file` from here, else beside the CSV, else its name beside the CSV; nil if none exists.
        func located(_ file: String) -> String? {
            [file, (folder as NSString).appendingPathComponent(file),
             (folder as NSString).appendingPathComponent((file as NSString).lastPathComponent)]
                .first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let scenarioPath = path ?? located(scenario) else {
            throw BatchError("\(csv) was made from \(scenario), which is not here (nor beside the CSV); \(purpose) needs the scenario")
        }
        let overrides = try self.overrides.map { try Override(parsing: $0) }
        let choice: PosteriorChoice = switch posterior {
        case nil: .declared
        case "none"?: .none
        case let file?: located(file).map { .file($0) } ?? .declared
        }
        let loaded: LoadedScenario
        do {
            loaded = try ScenarioLoader.load(path: scenarioPath, overrides: overrides, posterior: choice)
        } catch let error as ScenarioError where path != nil && path != scenario {
            // Another scenario, under the batch's overrides and posterior, says little in its own words.
            throw BatchError("\(scenarioPath) is not the scenario \(csv) was made from (\(scenario)): with the batch's overrides "
                             + "and posterior it does not load (\(abbreviated(error.diagnostics.first?.description ?? "", limit: 160)))")
        }
        if let posterior, let posteriorHash, posterior != "none" {
            guard case .draws(let file, let hash) = loaded.posterior else {
                throw BatchError("\(csv) was made with the posterior \(posterior), which is not here (nor beside the CSV, nor where "
                                 + "\(scenarioPath) declares it); \(purpose) needs the draws the batch made")
            }
            guard hash == posteriorHash else {
                throw BatchError("\(file) is not the posterior \(csv) was made with (\(posterior)), or has changed since: its "
                                 + "content hash differs from the manifest's; \(purpose) needs the draws the batch made")
            }
        }
        guard Manifest.scenarioHash(loaded) == scenarioHash else {
            if let path, path != scenario {
                throw BatchError("\(path) is not the scenario \(csv) was made from (\(scenario)), or has changed since: "
                                 + "its content hash differs from the manifest's; \(purpose) needs the scenario that was run")
            }
            throw BatchError("\(scenarioPath) has changed since \(csv) was made (its content hash differs from the manifest's); "
                             + "\(purpose) needs the scenario that was run")
        }
        return loaded
    }
}
