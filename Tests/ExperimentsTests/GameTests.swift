import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import Testing
import TestSupport

/// The player's side in a game: when it is asked, what its moves do, and that its own policy
/// stays silent.
@Suite struct GameTests {
    static let flagship = try! ScenarioLoader.load(path: repositoryPath("Scenarios/taji-2020.yaml"))

    static func game(seed: UInt64, side: String = "us", moves: [GameRecord.Move] = []) throws -> Game {
        try Game(loaded: flagship, record: GameRecord(scenario: "taji-2020.yaml", seed: seed, side: side, moves: moves))
    }

    /// Plays a game to its end, answering every turn with `choose(turn number)`.
    static func finish(seed: UInt64, side: String = "us", choose: (Int) -> GameRecord.Move) throws -> (Game, PlayedRun) {
        var moves: [GameRecord.Move] = []
        while true {
            let g = try game(seed: seed, side: side, moves: moves)
            let played = g.play()
            if played.waiting == nil { return (g, played) }
            moves.append(choose(moves.count))
            #expect(moves.count < 1000)
        }
    }

    static func actions(_ trace: Trace) -> [(number: Int, action: Int, cause: Cause, time: Double)] {
        trace.entries.compactMap { entry in
            if case .action(let n, let a, let cause, _, _, _) = entry.kind { return (n, a, cause, entry.time) }
            return nil
        }
    }

    @Test func theSameSeedAndMovesGiveTheSameGameAndEveryPrefixWaitsWhereTheGameWent() throws {
        for seed: UInt64 in [1, 2, 7, 40] {
            let (full, played) = try Self.finish(seed: seed) { $0 % 2 == 0 ? GameRecord.Move(action: "us_warning", delay: 0.5) : .init(action: "hold") }
            let again = full.play()
            #expect(again.trace == played.trace)
            #expect(again.result?.ledger == played.result?.ledger)
            for k in 0..<played.turns.count {
                let prefix = try Self.game(seed: seed, moves: Array(full.record.moves.prefix(k))).play()
                #expect(prefix.waiting == played.turns[k].turn, "seed \(seed): move \(k + 1) is asked where the game asked it")
                #expect(prefix.result == nil)
            }
        }
    }

    /// The side is asked exactly when it is hit at rung 1 or above by another actor, or a rule
    /// of its policy applies; its policy never answers; and each move happens after its delay.
    @Test func theSideIsAskedWhenHitOrWhenItsPolicyWouldAnswerAndItsPolicyNeverDoes() throws {
        let s = Self.flagship.scenario
        let us = s.actors.firstIndex { $0.id == "us" }!
        var asked = 0, hits = 0
        for seed: UInt64 in 1...30 {
            let (_, played) = try Self.finish(seed: seed) { $0 % 3 == 1 ? .init(action: "us_depot_strikes", delay: 2) : .init(action: "hold") }
            let turns = Set(played.turns.map(\.turn.hit))
            for entry in Self.actions(played.trace) {
                let action = s.actions[entry.action]
                if case .answer(_, let responder, _, _, _, _) = entry.cause { #expect(responder != us, "the US policy answered") }
                // An action that ends the game (Iraq's last straw) asks for nothing.
                let ended = entry.number == Self.actions(played.trace).last?.number && entry.time == played.result!.outcomeDay
                    && played.result!.outcome != s.unresolvedOutcome
                if action.target == us && action.rung >= 1 && action.actor != us && !ended {
                    hits += 1
                    #expect(turns.contains(entry.number), "seed \(seed): hit #\(entry.number) \(action.id) asked no move")
                }
            }
            asked += turns.count
            for (k, (turn, move)) in played.turns.enumerated() {
                guard let chosen = move.action else { continue }
                let done = Self.actions(played.trace).first {
                    if case .move(let parent, _, let number, _) = $0.cause { return parent == turn.hit && number == k + 1 }
                    return false
                }
                if let done {
                    #expect(done.action == chosen)
                    #expect(abs(done.time - (turn.time + move.delay)) < 1e-9)
                } else {
                    // Not yet due when the game ended.
                    #expect(turn.time + move.delay >= played.result!.outcomeDay)
                }
            }
        }
        #expect(hits > 30 && asked >= hits)
    }

    @Test func aGameWithNoMovesWaitsAtTheFirstHitWithTheStateThen() throws {
        let played = try Self.game(seed: 7).play()
        let waiting = try #require(played.waiting)
        let s = Self.flagship.scenario
        #expect(s.actions[waiting.action].id == "kh_taji_attack")
        #expect(waiting.time == 0)
        #expect(waiting.ledger[s.counters.firstIndex { $0.name == "us_killed" }!] == 2)
        #expect(played.result == nil && played.turns.isEmpty)
    }

    @Test func movesBeyondTheEndAreCounted() throws {
        let (full, played) = try Self.finish(seed: 3) { _ in .init(action: "hold") }
        var record = full.record
        record.moves += [.init(action: "hold"), .init(action: "us_war")]
        let extra = try Game(loaded: Self.flagship, record: record).play()
        #expect(extra.unusedMoves == 2)
        #expect(extra.trace == played.trace)
    }

    @Test(arguments: [
        (GameRecord(scenario: "x", seed: 1, side: "nato"), "side nato: no such actor; the sides that can be played are us, iran, kh, iraq"),
        (GameRecord(scenario: "x", seed: 1, side: "us", moves: [.init(action: "kh_rockets")]),
         "moves[0].action: expected hold or an action of us (us_warning, us_sanctions, us_depot_strikes, us_campaign_122, us_strike_irgc, us_strike_iran, us_war), found kh_rockets"),
        (GameRecord(scenario: "x", seed: 1, side: "us", moves: [.init(action: "hold"), .init(action: "us_war", delay: 61)]),
         "moves[1].delay: expected days from 0 to 60, found 61.0"),
    ])
    func aRecordThatDoesNotFitItsScenarioIsRefused(record: GameRecord, message: String) {
        #expect(throws: GameError.self) { try Game(loaded: Self.flagship, record: record) }
        do { _ = try Game(loaded: Self.flagship, record: record) } catch { #expect(error.description == message) }
    }

    @Test(arguments: [
        (#"{"seed":1,"side":"us","moves":[]}"#, "g.json: field scenario is missing (expected the scenario's file name)"),
        (#"{"scenario":"t","seed":-4,"side":"us"}"#, "g.json: field seed: expected a whole number from 0 to 18446744073709551615"),
        (#"{"scenario":"t","seed":1,"side":"us","moves":[{"action":"hold","delay":"x"}]}"#, "g.json: field moves[0].delay: expected a number of days"),
        (#"{"scenario":"t","seed":1,"side":"us","moves":[{"delay":1}]}"#, "g.json: field moves[0].action is missing"),
        (#"{"scenario":"t""#, "g.json: not valid JSON"),
    ])
    func aMalformedRecordNamesTheField(text: String, message: String) {
        do {
            _ = try GameRecord.decode(Data(text.utf8), file: "g.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func aRecordRoundTripsThroughItsJSON() throws {
        let record = GameRecord(scenario: "taji-2020.yaml", seed: 18_446_744_073_709_551_615, side: "kh", set: ["parameters.kh_control=0.5"],
                                moves: [.init(action: "hold"), .init(action: "kh_threat", delay: 0.25)])
        #expect(try GameRecord.decode(Data(record.encoded().utf8), file: "r") == record)
    }

    /// The comparison's percentile is the share of the policy's runs below, plus half those equal.
    @Test func policyPercentilesCountTheRunsBelowAndHalfTheTies() throws {
        let d = try PolicyDistribution(loaded: Self.flagship, seed: 5, runs: 400, threads: 2)
        let c = Self.flagship.scenario.counters.firstIndex { $0.name == "us_killed" }!
        let values = d.ledgers[c]
        #expect(values.count == 400 && values == values.sorted())
        for x in [0.0, 1, 2, 3, 10, 1000] {
            let expected = (Double(values.filter { $0 < x }.count) + Double(values.filter { $0 == x }.count) / 2) / 400
            #expect(d.percentile(counter: c, value: x) == expected)
        }
        #expect(d.outcomeCounts.reduce(0, +) == 400)
    }
}
