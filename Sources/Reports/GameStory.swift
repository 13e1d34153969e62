import EscalationModel
import Experiments

/// A game told as a dated story: the run's chronology with the player's move under each action
/// that asked for one. `escalation run --moves` prints it, and the classroom shows the same text.
public struct GameStory {
    public let game: Game

    public init(game: Game) { self.game = game }

    /// The finished game's story, or, while it waits for a move, the story so far.
    public func render(_ played: PlayedRun) -> String {
        let s = game.loaded.scenario
        let narrative = Narrative(scenario: s)
        let notes = moveNotes(played)
        let heading = "You play \(s.actors[game.side].name)."
        if let result = played.result {
            var lines = narrative.render(result: result, trace: played.trace, notes: notes)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.insert(heading, at: 1)
            return lines.joined(separator: "\n")
        }
        var lines = ["\(s.title) — seed \(game.record.seed)", heading, ""]
        lines += narrative.chronology(played.trace, notes: notes)
        if let waiting = played.waiting {
            lines.append("")
            lines.append("Waiting for move \(played.turns.count + 1) on \(s.when(waiting.time)).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "You: ..." under each action that asked for a move.
    public func moveNotes(_ played: PlayedRun) -> [Int: [String]] {
        var notes: [Int: [String]] = [:]
        for (k, (turn, move)) in played.turns.enumerated() {
            notes[turn.hit, default: []].append("You, move \(k + 1): " + describe(move))
        }
        return notes
    }

    public func describe(_ move: PlayerMove) -> String {
        let s = game.loaded.scenario
        guard let a = move.action else { return "hold" }
        let when = move.delay == 0 ? "at once" : "in \(humanNumber(move.delay, digits: 2)) day\(move.delay == 1 ? "" : "s")"
        return "\(s.actions[a].id) (rung \(s.actions[a].rung)) \(when)"
    }
}
