import Stochastics

/// A scenario after loading: every name resolved to an index, every expression compiled, every
/// number checked. Immutable, so one scenario is shared by all threads of a batch.
///
/// The arrays here describe the scenario for people (names, texts, sources); the simulator runs
/// on `program`, a flat plain-data copy built once in `init`.
public final class Scenario: @unchecked Sendable {
    public let name: String
    public let title: String
    public let summary: String
    public let start: CivilDate?
    /// Days simulated; events after it do not happen.
    public let horizon: Double
    /// Events handled per run before the run is called `runaway`.
    public let maxEvents: Int
    public let rungNames: [String]
    public let sides: [Side]
    /// Ledger counters: each side's killed then wounded, in side order.
    public let counters: [Counter]
    public let actors: [Actor]
    public let actions: [Action]
    public let stateVariables: [StateVariable]
    public let processes: [Process]
    public let policies: [Policy]
    public let interventions: [Intervention]
    public let outcomes: [Outcome]
    public let observations: [Observation]
    /// The calibrated parameters (slots the program reads) and their posterior, if any.
    public let parameters: ParameterSlots

    let program: Program

    public init(
        name: String, title: String, summary: String = "", start: CivilDate?, horizon: Double,
        maxEvents: Int, rungNames: [String] = Ladder.defaultRungNames, sides: [Side],
        actors: [Actor], actions: [Action], stateVariables: [StateVariable], processes: [Process],
        policies: [Policy], interventions: [Intervention], outcomes: [Outcome], observations: [Observation] = [],
        parameters: ParameterSlots = .none
    ) {
        precondition(actors.count <= Scenario.maxActors, "at most \(Scenario.maxActors) actors")
        self.name = name
        self.title = title
        self.summary = summary
        self.start = start
        self.horizon = horizon
        self.maxEvents = maxEvents
        self.rungNames = rungNames
        self.sides = sides
        self.counters = sides.indices.flatMap { s in
            [Counter(side: s, kind: .killed, name: sides[s].id + "_killed"),
             Counter(side: s, kind: .wounded, name: sides[s].id + "_wounded")]
        }
        self.actors = actors
        self.actions = actions
        self.stateVariables = stateVariables
        self.processes = processes
        self.policies = policies
        self.interventions = interventions.sorted { $0.day < $1.day }
        self.outcomes = outcomes
        self.observations = observations
        self.parameters = parameters
        self.program = Program(
            actors: actors, actions: actions, counters: counters.count, stateVariables: stateVariables,
            processes: processes, policies: policies, outcomes: outcomes,
            interventions: self.interventions, observations: observations, parameterCount: parameters.count)
    }

    /// The same scenario with some parts replaced: other parameter slots (another posterior, or
    /// none), or other actions, processes, policies or interventions (a hindcast, a baseline), or
    /// another cap on a run's events.
    public func with(actions: [Action]? = nil, processes: [Process]? = nil, policies: [Policy]? = nil,
                     interventions: [Intervention]? = nil, parameters: ParameterSlots? = nil,
                     maxEvents: Int? = nil) -> Scenario {
        Scenario(name: name, title: title, summary: summary, start: start, horizon: horizon,
                 maxEvents: maxEvents ?? self.maxEvents,
                 rungNames: rungNames, sides: sides, actors: actors, actions: actions ?? self.actions,
                 stateVariables: stateVariables, processes: processes ?? self.processes, policies: policies ?? self.policies,
                 interventions: interventions ?? self.interventions, outcomes: outcomes, observations: observations,
                 parameters: parameters ?? self.parameters)
    }

    /// Actors are held in 64-bit masks by the simulator.
    public static let maxActors = 64

    /// Outcome names in result order: the declared outcomes, then `unresolved` (the horizon came
    /// first), `runaway` (the cap on events came first) and `invalid` (a value computed during
    /// the run was infinite, not a number, or beyond what a sampler can draw).
    public var outcomeNames: [String] { outcomes.map(\.id) + ["unresolved", "runaway", "invalid"] }
    public var unresolvedOutcome: Int { outcomes.count }
    public var runawayOutcome: Int { outcomes.count + 1 }
    public var invalidOutcome: Int { outcomes.count + 2 }

    /// The date of a day, when the scenario has a start date.
    public func date(ofDay day: Double) -> CivilDate? {
        start?.adding(days: Int(day.rounded(.down)))
    }

    public func actorIndex(_ id: String) -> Int? { actors.firstIndex { $0.id == id } }
    public func actionIndex(_ id: String) -> Int? { actions.firstIndex { $0.id == id } }
    public func counterIndex(_ name: String) -> Int? { counters.firstIndex { $0.name == name } }
    public func stateIndex(_ id: String) -> Int? { stateVariables.firstIndex { $0.id == id } }
}

/// A party whose casualties the ledger counts ("US", "militia", "Iraqi security forces").
public struct Side: Sendable, Equatable {
    public let id: String
    /// Plural display name: "civilians".
    public let name: String
    /// Singular display name: "civilian".
    public let singular: String

    public init(id: String, name: String, singular: String? = nil) {
        self.id = id
        self.name = name
        self.singular = singular ?? name
    }

    /// "1 civilian", "3 civilians".
    public func count(_ n: Double) -> String {
        "\(format(n)) \(n == 1 ? singular : name)"
    }

    /// The sides a scenario gets when it names none.
    public static let defaults = [
        Side(id: "us", name: "US"),
        Side(id: "coalition", name: "coalition"),
        Side(id: "militia", name: "militia"),
        Side(id: "isf", name: "Iraqi security forces", singular: "Iraqi security force member"),
        Side(id: "civilian", name: "civilians", singular: "civilian"),
        Side(id: "iran", name: "Iranian"),
    ]
}

/// One ledger column: a side's killed or wounded.
public struct Counter: Sendable, Equatable {
    public enum Kind: String, Sendable { case killed, wounded }
    public let side: Int
    public let kind: Kind
    /// `us_killed`.
    public let name: String
}

public struct Actor: Sendable, Equatable {
    public let id: String
    public let name: String
    /// The actor whose direction this one may follow (a militia's sponsor).
    public let sponsor: Int?
    /// Probability that this actor obeys its sponsor's direction (a trigger from the sponsor).
    public let control: Quantity
    /// The policy in force at the start, if any.
    public let initialPolicy: Int?

    public init(id: String, name: String, sponsor: Int? = nil, control: Quantity = .constant(1),
                initialPolicy: Int? = nil) {
        self.id = id
        self.name = name
        self.sponsor = sponsor
        self.control = control
        self.initialPolicy = initialPolicy
    }
}
