import EscalationModel
import Record
import Stochastics

/// A named number of a scenario (`parameters:`), with where it comes from.
public struct ScenarioParameter: Sendable {
    public enum Origin: Sendable {
        /// Computed from rows of the record by `formula`; `value` is its figure, `documented` the
        /// whole range the record allows.
        case derived(formula: String, documented: Documented, rows: [String])
        /// A judgement, with the range the scenario's author finds plausible.
        case assumption(low: Double, high: Double)
        /// Fitted by `escalation calibrate`; the value is the posterior median (or the prior's,
        /// before the scenario is calibrated).
        case calibrated(prior: Prior, slot: Int)
        /// Declared calibrated, but given a fixed value (by `--set` or a what-if).
        case pinned(prior: Prior)
        /// A number with no origin: `validate --strict` refuses it.
        case unlabelled
    }

    public let id: String
    public let label: String?
    public let unit: String?
    /// Why the value or range is plausible, in the author's words, with the sources it leans on.
    public let why: String?
    /// The point value (for a calibrated parameter: the posterior median, or the prior median
    /// until there is a posterior).
    public internal(set) var value: Double
    public let origin: Origin
    public let location: SourceLocation
    /// Key paths where the scenario uses it.
    public internal(set) var uses: [String] = []

    public var prior: Prior? {
        switch origin {
        case .calibrated(let p, _), .pinned(let p): p
        default: nil
        }
    }

    public var isCalibrated: Bool {
        if case .calibrated = origin { return true }
        return false
    }
}

/// How `escalation calibrate` fits a scenario (`calibration:`).
public struct CalibrationSettings: Sendable {
    /// Where the posterior sample lives (resolved against the declaring file).
    public var posterior: String?
    /// Other scenarios whose observations share these parameters and are fitted together.
    public var with: [String] = []
    /// Particles in each generation of the sequential Monte Carlo.
    public var particles = 1000
    public var seed: UInt64 = 1
    /// Simulations allowed before calibration gives up (it then says it did not converge).
    public var simulations = 20_000_000
    /// Observation ids fitted; nil fits every observation with a documented value.
    public var targets: [String]?

    public init() {}
}

/// What an out-of-sample hindcast of the scenario calibrates on (`hindcast:`).
public struct HindcastSettings: Sendable {
    /// Scenarios whose documented observations all lie before this scenario's start; empty means
    /// the hindcast is a prior predictive check.
    public var calibrateOn: [String] = []
    /// Observation ids judged out of sample; nil judges every documented observation after day 0.
    public var score: [String]?
    public var note: String?

    public init() {}
}

/// A number written straight into the body of a scenario as a record reference.
public struct RecordUse: Sendable {
    public let path: String
    public let formula: String
    public let value: Double
}
