import Stochastics

/// An actor's way of answering hits: rules tried in order; the first that applies decides.
public struct Policy: Sendable, Equatable {
    public let id: String
    public let actor: Int
    public let rules: [Rule]

    public init(id: String, actor: Int, rules: [Rule]) {
        self.id = id
        self.actor = actor
        self.rules = rules
    }
}

/// How a rule chooses its answer, after the iterated prisoner's dilemma strategies, on a ladder.
public enum Strategy: Sendable, Equatable {
    /// Answer at the rung received.
    case titForTat
    /// Answer `offset` rungs above (or, negative, below) the rung received, within 0...9.
    case proportional(offset: Int)
    /// Tit-for-tat that forgives a hit with probability `forgive`.
    case generousTitForTat(forgive: Quantity)
    /// Answer only a hit that follows another from the same attacker within `window` days.
    case titForTwoTats(window: Double)
    /// From the first hit that meets the rule on, answer every hit at the highest rung available.
    case grimTrigger
    /// Always answer with this action.
    case fixed(action: Int)
    /// Never answer; stops later rules from applying.
    case restraint

    public var name: String {
        switch self {
        case .titForTat: "tit_for_tat"
        case .proportional: "proportional"
        case .generousTitForTat: "generous_tit_for_tat"
        case .titForTwoTats: "tit_for_two_tats"
        case .grimTrigger: "grim_trigger"
        case .fixed: "fixed"
        case .restraint: "restraint"
        }
    }
}

/// Who an answer is aimed at.
public enum Attribution: String, Sendable, Equatable, BitwiseCopyable {
    /// The actor that hit.
    case actor
    /// The attacker's sponsor (the attacker itself if it has none).
    case sponsor
    /// Both the attacker and its sponsor: one answer each.
    case both
}

public struct Rule: Sendable, Equatable {
    public let name: String
    /// Actors whose being hit this rule answers: the policy's actor, plus any it defends.
    public let covers: [Int]
    /// Attackers the rule answers; `nil` for any.
    public let from: [Int]?
    /// Actions the rule answers; `nil` for any.
    public let hitBy: [Int]?
    /// A red line: the rule applies only when this holds for the hit.
    public let condition: CompiledExpression?
    public let strategy: Strategy
    /// The actions the answer is chosen from; `nil` for all of the actor's actions aimed at the
    /// blamed party.
    public let answerWith: [Int]?
    public let probability: Quantity
    public let delay: RandomQuantity?
    public let attribution: Attribution
    /// When the probability draw says no, try the next rule instead of stopping here: a decision
    /// list such as "the campaign, 30% of the time; otherwise strike the depots".
    public let fallThrough: Bool

    public init(name: String, covers: [Int], from: [Int]? = nil, hitBy: [Int]? = nil,
                condition: CompiledExpression? = nil, strategy: Strategy, answerWith: [Int]? = nil,
                probability: Quantity = .constant(1), delay: RandomQuantity?,
                attribution: Attribution = .actor, fallThrough: Bool = false) {
        self.name = name
        self.covers = covers
        self.from = from
        self.hitBy = hitBy
        self.condition = condition
        self.strategy = strategy
        self.answerWith = answerWith
        self.probability = probability
        self.delay = delay
        self.attribution = attribution
        self.fallThrough = fallThrough
    }
}
