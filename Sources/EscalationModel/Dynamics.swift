import Foundation
import Stochastics

/// A number the run carries: tension, host tolerance, air-defence coverage. Bounded; may relax
/// exponentially toward a baseline, computed when read rather than by ticking.
public struct StateVariable: Sendable, Equatable {
    public let id: String
    public let initial: Double
    public let minimum: Double
    public let maximum: Double
    public let baseline: Double
    /// Days for the distance to the baseline to halve; `nil` for no relaxation.
    public let halfLife: Double?

    public init(id: String, initial: Double, minimum: Double = -.infinity, maximum: Double = .infinity,
                baseline: Double? = nil, halfLife: Double? = nil) {
        self.id = id
        self.initial = initial
        self.minimum = minimum
        self.maximum = maximum
        self.baseline = baseline ?? initial
        self.halfLife = halfLife
    }

    /// The value `elapsed` days after it was `value`, relaxing toward the baseline.
    public func relaxed(_ value: Double, after elapsed: Double) -> Double {
        guard let halfLife, elapsed > 0 else { return value }
        return baseline + (value - baseline) * exp2(-elapsed / halfLife)
    }
}

/// A background process: spontaneous initiations of one action.
public struct Process: Sendable, Equatable {
    public enum Rate: Sendable, Equatable {
        /// Events per day (fixed for a run; it may read calibrated parameters).
        case constant(Quantity)
        /// Steps: from each start day on, the given rate (starts ascending, the first at 0).
        case piecewise([(start: Double, rate: Double)])
        /// A rate that depends on state or time, simulated exactly by thinning a process of rate
        /// `maximum` (fixed for a run; it may read calibrated parameters).
        case dependent(CompiledExpression, maximum: Quantity)

        public static func == (lhs: Rate, rhs: Rate) -> Bool {
            switch (lhs, rhs) {
            case let (.constant(a), .constant(b)): a == b
            case let (.piecewise(a), .piecewise(b)):
                a.count == b.count && zip(a, b).allSatisfy { $0.start == $1.start && $0.rate == $1.rate }
            case let (.dependent(a, m), .dependent(b, n)): a == b && m == n
            default: false
            }
        }
    }

    public let id: String
    public let action: Int
    public let rate: Rate
    /// Running from the start; otherwise an intervention starts it.
    public let active: Bool

    public init(id: String, action: Int, rate: Rate, active: Bool = true) {
        self.id = id
        self.action = action
        self.rate = rate
        self.active = active
    }
}

/// A scheduled what-if: on a day, change state, switch policies, start or stop processes,
/// or inject an action (to start a run from a documented incident).
public struct Intervention: Sendable, Equatable {
    public struct Injection: Sendable, Equatable {
        public let action: Int
        /// Casualties as documented, replacing the action's drawn ones; `nil` to draw them.
        public let casualties: [(counter: Int, value: Double)]?

        public init(action: Int, casualties: [(counter: Int, value: Double)]? = nil) {
            self.action = action
            self.casualties = casualties
        }

        public static func == (lhs: Injection, rhs: Injection) -> Bool {
            lhs.action == rhs.action && lhs.casualties?.map(\.counter) == rhs.casualties?.map(\.counter)
                && lhs.casualties?.map(\.value) == rhs.casualties?.map(\.value)
        }
    }

    public let id: String
    public let day: Double
    /// Text for the narrative.
    public let note: String?
    /// State changes, applied in order (`set` and `add`, as for action effects).
    public let effects: [Effect]
    public let policySwitches: [(actor: Int, policy: Int)]
    public let startProcesses: [Int]
    public let stopProcesses: [Int]
    public let injections: [Injection]

    public init(id: String, day: Double, note: String? = nil, effects: [Effect] = [],
                policySwitches: [(actor: Int, policy: Int)] = [], startProcesses: [Int] = [],
                stopProcesses: [Int] = [], injections: [Injection] = []) {
        self.id = id
        self.day = day
        self.note = note
        self.effects = effects
        self.policySwitches = policySwitches
        self.startProcesses = startProcesses
        self.stopProcesses = stopProcesses
        self.injections = injections
    }

    public static func == (lhs: Intervention, rhs: Intervention) -> Bool {
        lhs.id == rhs.id && lhs.day == rhs.day && lhs.note == rhs.note && lhs.effects == rhs.effects
            && lhs.policySwitches.map(\.actor) == rhs.policySwitches.map(\.actor)
            && lhs.policySwitches.map(\.policy) == rhs.policySwitches.map(\.policy)
            && lhs.startProcesses == rhs.startProcesses && lhs.stopProcesses == rhs.stopProcesses
            && lhs.injections == rhs.injections
    }
}

/// A way a run ends.
public struct Outcome: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// Checked after every event; the run ends when it holds.
        case condition(CompiledExpression)
        /// No action at rung `minimumRung` or above for `days` days, watched by a watchdog event.
        case quiet(days: Double, minimumRung: Int)
    }

    public let id: String
    public let label: String
    public let rule: Rule

    public init(id: String, label: String? = nil, rule: Rule) {
        self.id = id
        self.label = label ?? id
        self.rule = rule
    }
}

/// A quantity read from a run at a given day (or at the run's end, if it ends sooner): what a
/// backtest compares with the documented record, and a column of batch CSVs.
public struct Observation: Sendable, Equatable {
    public let id: String
    public let label: String
    public let day: Double
    public let value: CompiledExpression
    /// The value documented for the real episode, if any: the record's figure (the low end of
    /// a documented range).
    public let documented: Double?
    /// Every value the record allows: `documented...documented` for an exact figure, `25...∞`
    /// for "at least 25", `10...14` for "about a dozen". A simulated value in it matches the
    /// record (calibration targets).
    public let documentedRange: ClosedRange<Double>?
    /// Where the documented value comes from: a note, or the record formula it was computed by.
    public let source: String?

    public init(id: String, label: String? = nil, day: Double, value: CompiledExpression, documented: Double? = nil,
                documentedRange: ClosedRange<Double>? = nil, source: String? = nil) {
        self.id = id
        self.label = label ?? id
        self.day = day
        self.value = value
        self.documented = documented
        self.documentedRange = documentedRange ?? documented.map { $0...$0 }
        self.source = source
    }
}
