import Stochastics

/// A rung-rated action of the ladder: who does it, to whom, what it costs, what it changes and
/// what it sets off.
public struct Action: Sendable, Equatable {
    public let id: String
    public let actor: Int
    /// The actor hit; `nil` for actions aimed at no one (a statement to the world).
    public let target: Int?
    public let rung: Int
    /// The phrase of a chronology: "US aircraft strike five Kataib Hezbollah weapons depots".
    public let narrative: String
    public let casualties: [Casualty]
    /// Probability that air defence nullifies the casualties (C-RAM, Patriot); `nil` if the
    /// action cannot be intercepted.
    public let interception: Quantity?
    public let effects: [Effect]
    public let triggers: [Trigger]

    public init(id: String, actor: Int, target: Int?, rung: Int, narrative: String,
                casualties: [Casualty] = [], interception: Quantity? = nil, effects: [Effect] = [],
                triggers: [Trigger] = []) {
        self.id = id
        self.actor = actor
        self.target = target
        self.rung = rung
        self.narrative = narrative
        self.casualties = casualties
        self.interception = interception
        self.effects = effects
        self.triggers = triggers
    }
}

/// Casualties of one ledger counter, drawn when the action happens. Draws are rounded to whole
/// people and never negative.
public struct Casualty: Sendable, Equatable {
    public let counter: Int
    public let draw: RandomQuantity

    public init(counter: Int, draw: RandomQuantity) {
        self.counter = counter
        self.draw = draw
    }
}

/// A change to a state variable. Amounts may read `event.*` (this action's casualties).
public struct Effect: Sendable, Equatable {
    public enum Operation: UInt8, Sendable { case add, set }
    public let variable: Int
    public let operation: Operation
    public let amount: Quantity

    public init(variable: Int, operation: Operation, amount: Quantity) {
        self.variable = variable
        self.operation = operation
        self.amount = amount
    }
}

/// An action this one sets off: Iran directing a militia, a barrage that follows a raid.
public struct Trigger: Sendable, Equatable {
    public let action: Int
    public let probability: Quantity
    public let delay: RandomQuantity

    public init(action: Int, probability: Quantity, delay: RandomQuantity) {
        self.action = action
        self.probability = probability
        self.delay = delay
    }
}
