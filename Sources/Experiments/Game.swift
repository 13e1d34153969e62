import EscalationModel
import Foundation
import ScenarioIO
import Stochastics

/// A game as saved: the scenario, the seed, the side the player took, any `--set` changes, and
/// the moves in order. The same record always plays the same game, in the classroom or with
/// `escalation run SCENARIO --moves game.json`.
///
///     {"scenario": "taji-2020.yaml", "seed": 7, "side": "us",
///      "moves": [{"action": "us_warning", "delay": 1}, {"action": "hold"}]}
public struct GameRecord: Codable, Sendable, Equatable {
    public struct Move: Codable, Sendable, Equatable {
        /// One of the side's actions, or `hold`.
        public var action: String
        /// Days from the turn to the action (0 if omitted).
        public var delay: Double

        public init(action: String, delay: Double = 0) {
            self.action = action
            self.delay = delay
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            action = try c.decode(String.self, forKey: .action)
            delay = try c.decodeIfPresent(Double.self, forKey: .delay) ?? 0
        }
    }

    public var scenario: String
    public var seed: UInt64
    public var side: String
    public var set: [String]
    public var moves: [Move]

    public init(scenario: String, seed: UInt64, side: String, set: [String] = [], moves: [Move] = []) {
        self.scenario = scenario
        self.seed = seed
        self.side = side
        self.set = set
        self.moves = moves
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try c.decode(String.self, forKey: .scenario)
        do { seed = try c.decode(UInt64.self, forKey: .seed) } catch DecodingError.keyNotFound(let key, let context) {
            throw DecodingError.keyNotFound(key, context)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .seed, in: c, debugDescription: "expected \(Self.expectation(of: "seed"))")
        }
        side = try c.decode(String.self, forKey: .side)
        set = try c.decodeIfPresent([String].self, forKey: .set) ?? []
        moves = try c.decodeIfPresent([Move].self, forKey: .moves) ?? []
    }

    /// Reads a saved game; a malformed one is refused naming the field and what was expected.
    public static func decode(_ data: Data, file: String) throws(GameError) -> GameRecord {
        guard data.count <= Game.maximumRecordBytes else {
            throw GameError("\(file): a game record is at most \(Game.maximumRecordBytes) bytes")
        }
        do {
            return try JSONDecoder().decode(GameRecord.self, from: data)
        } catch let error as DecodingError {
            throw GameError("\(file): " + describe(error))
        } catch {
            throw GameError("\(file): not a game record (\(error.localizedDescription))")
        }
    }

    /// The record as JSON, keys in a fixed order, one line.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath + [key])
            return "field \(at) is missing (expected \(expectation(of: key.stringValue)))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            if context.codingPath.isEmpty { return "expected a JSON object with scenario, seed, side and moves" }
            let at = path(context.codingPath)
            return "field \(at): expected \(expectation(of: context.codingPath.last?.stringValue ?? ""))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON (expected an object with scenario, seed, side and moves)"
                : "field \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "not a game record"
        }
    }

    static func expectation(of key: String) -> String {
        switch key {
        case "scenario": "the scenario's file name"
        case "seed": "a whole number from 0 to 18446744073709551615"
        case "side": "an actor's id"
        case "set": "a list of PATH=VALUE texts"
        case "moves": "a list of moves"
        case "action": "an action's id or \"hold\""
        case "delay": "a number of days"
        default: "an object with scenario, seed, side and moves"
        }
    }
}

public struct GameError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A game ready to play: the record checked against its scenario.
public struct Game: Sendable {
    public let loaded: LoadedScenario
    public let record: GameRecord
    public let side: Int
    public let moves: [PlayerMove]

    public static let maximumDelay = 60.0
    public static let maximumMoves = 2_000
    public static let maximumRecordBytes = 1 << 20

    /// What the player may do at a turn: hold, or one of the side's actions.
    public struct Choice: Sendable, Equatable {
        /// `hold` or the action's id.
        public let id: String
        public let action: Int?
        public let rung: Int
        public let target: Int?
        public let text: String
    }

    public init(loaded: LoadedScenario, record: GameRecord) throws(GameError) {
        let s = loaded.scenario
        guard let side = s.actors.firstIndex(where: { $0.id == record.side }) else {
            throw GameError("side \(record.side): no such actor; the sides that can be played are "
                            + Game.sides(s).map { s.actors[$0].id }.joined(separator: ", "))
        }
        guard Game.sides(s).contains(side) else {
            throw GameError("side \(record.side): \(s.actors[side].name) has no actions of its own to play")
        }
        guard record.moves.count <= Game.maximumMoves else {
            throw GameError("moves: at most \(Game.maximumMoves) moves, found \(record.moves.count)")
        }
        var moves: [PlayerMove] = []
        for (k, move) in record.moves.enumerated() {
            guard move.delay.isFinite, move.delay >= 0, move.delay <= Game.maximumDelay else {
                throw GameError("moves[\(k)].delay: expected days from 0 to \(Int(Game.maximumDelay)), found \(move.delay)")
            }
            if move.action == "hold" {
                moves.append(PlayerMove(action: nil, delay: move.delay))
                continue
            }
            guard let a = s.actions.firstIndex(where: { $0.id == move.action }), s.actions[a].actor == side else {
                throw GameError("moves[\(k)].action: expected hold or an action of \(s.actors[side].id) ("
                                + Game.choices(s, side: side).dropFirst().map(\.id).joined(separator: ", ")
                                + "), found \(move.action)")
            }
            moves.append(PlayerMove(action: a, delay: move.delay))
        }
        self.loaded = loaded
        self.record = record
        self.side = side
        self.moves = moves
    }

    /// The game so far: played until its moves run out or it ends.
    public func play() -> PlayedRun {
        Simulator(scenario: loaded.scenario).play(seed: record.seed, side: side, moves: moves)
    }

    /// Actors a player can take: those with actions of their own.
    public static func sides(_ s: Scenario) -> [Int] {
        s.actors.indices.filter { a in s.actions.contains { $0.actor == a } }
    }

    /// Hold, then the side's actions from the lowest rung up.
    public static func choices(_ s: Scenario, side: Int) -> [Choice] {
        let own = s.actions.indices.filter { s.actions[$0].actor == side }
            .sorted { (s.actions[$0].rung, $0) < (s.actions[$1].rung, $1) }
        return [Choice(id: "hold", action: nil, rung: -1, target: nil, text: "Hold: do nothing this time")]
            + own.map { Choice(id: s.actions[$0].id, action: $0, rung: s.actions[$0].rung, target: s.actions[$0].target,
                               text: s.actions[$0].narrative) }
    }
}

/// What the scenario's own policies do, the player's side included: `runs` replications of the
/// scenario as written from the game's seed as master seed. Computed once for a room (every
/// student there plays the same seed) and compared with each finished game.
public struct PolicyDistribution: Sendable {
    public let runs: Int
    public let outcomeCounts: [Int]
    /// Each ledger counter's values over the runs, sorted.
    public let ledgers: [[Double]]
    /// Mean times each action happened in a run.
    public let meanActionCounts: [Double]

    public static let defaultRuns = 2_000

    public init(loaded: LoadedScenario, seed: UInt64, runs: Int = defaultRuns, threads: Int) throws {
        let s = loaded.scenario
        let layout = RecordLayout(s)
        var outcomes = [Int](repeating: 0, count: s.outcomeNames.count)
        var ledgers = [[Double]](repeating: [], count: s.counters.count)
        var actions = [Double](repeating: 0, count: s.actions.count)
        try BatchEngine(scenario: s).run(range: 0..<runs, masterSeed: seed, threads: threads) { chunk in
            for i in 0..<chunk.count {
                chunk.withRecord(i, width: layout.width) { r in
                    outcomes[Int(r[RecordLayout.outcome])] += 1
                    for c in 0..<s.counters.count { ledgers[c].append(r[layout.ledgerStart + c]) }
                    for a in 0..<s.actions.count { actions[a] += r[layout.countsStart + a] }
                }
            }
        }
        self.runs = runs
        outcomeCounts = outcomes
        self.ledgers = ledgers.map { $0.sorted() }
        meanActionCounts = actions.map { $0 / Double(runs) }
    }

    public func share(ofOutcome k: Int) -> Double { Double(outcomeCounts[k]) / Double(runs) }

    /// The share of runs whose counter `c` is below `value`, plus half the share equal to it.
    public func percentile(counter c: Int, value: Double) -> Double {
        let values = ledgers[c]
        let below = lowerBound(values, value), notAbove = upperBound(values, value)
        return (Double(below) + Double(notAbove - below) / 2) / Double(runs)
    }

    public func median(counter c: Int) -> Double {
        let v = ledgers[c], n = v.count
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
    }

    func lowerBound(_ v: [Double], _ x: Double) -> Int {
        var (lo, hi) = (0, v.count)
        while lo < hi { let mid = (lo + hi) / 2; if v[mid] < x { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    func upperBound(_ v: [Double], _ x: Double) -> Int {
        var (lo, hi) = (0, v.count)
        while lo < hi { let mid = (lo + hi) / 2; if v[mid] <= x { lo = mid + 1 } else { hi = mid } }
        return lo
    }
}
