import EscalationModel
import Experiments
import Foundation
import Reports

extension Classroom {
    struct RoomSummary: Encodable {
        struct GameRow: Encodable {
            let id: String, moves: Int, finished: Bool
            let outcome: String?, outcomeLabel: String?, ledger: String?
            let choices: [String]
        }
        struct StudentRow: Encodable { let name: String, games: [GameRow] }
        struct OutcomeRow: Encodable { let name: String, label: String, games: Int, share: Double?, model: Double }
        struct ChoiceRow: Encodable {
            let id: String, text: String, rung: Int
            /// Times the class chose it, and its share of all their moves.
            let classMoves: Int, classShare: Double?
            /// Times a run of the scenario's own policy takes the action, on average.
            let modelPerRun: Double?
        }
        let code: String, scenario: String, title: String, side: String, sideName: String, seed: String
        let students: [StudentRow]
        let games: Int, finished: Int
        let outcomes: [OutcomeRow]
        let choices: [ChoiceRow]
        let modelRuns: Int
    }

    func roomSummary(_ room: ClassroomStore.Room) async throws -> RoomSummary {
        let entry = try shelf.entry(room.scenario)
        let s = entry.loaded.scenario
        let distribution = try await distribution(entry, seed: room.seed)
        let games = try store.games(room: room.code)
        var byStudent: [String: [RoomSummary.GameRow]] = [:]
        var outcomeGames = [Int](repeating: 0, count: s.outcomeNames.count)
        var picks: [String: Int] = [:]
        var moves = 0, finished = 0
        for stored in games {
            let game = try Game(loaded: entry.loaded, record: stored.record)
            let result = stored.outcome == nil ? nil : game.play().result
            if let result {
                finished += 1
                outcomeGames[result.outcome] += 1
            }
            for move in stored.record.moves { picks[move.action, default: 0] += 1 }
            moves += stored.record.moves.count
            byStudent[stored.student ?? "", default: []].append(RoomSummary.GameRow(
                id: stored.id, moves: stored.record.moves.count, finished: result != nil,
                outcome: result.map { s.outcomeNames[$0.outcome] }, outcomeLabel: result.map { s.outcomeLabel($0.outcome) },
                ledger: result.map { s.ledgerText($0.ledger) }, choices: stored.record.moves.map(\.action)))
        }
        let students = try store.students(room: room.code).map {
            RoomSummary.StudentRow(name: $0.name, games: byStudent[$0.token] ?? [])
        }
        let side = s.actors.firstIndex { $0.id == room.side }!
        return RoomSummary(
            code: room.code, scenario: entry.name, title: s.title, side: room.side, sideName: s.actors[side].name,
            seed: String(room.seed), students: students, games: games.count, finished: finished,
            outcomes: s.outcomeNames.indices.filter { outcomeGames[$0] > 0 || distribution.outcomeCounts[$0] > 0 }.map {
                RoomSummary.OutcomeRow(name: s.outcomeNames[$0], label: s.outcomeLabel($0), games: outcomeGames[$0],
                                       share: finished > 0 ? Double(outcomeGames[$0]) / Double(finished) : nil,
                                       model: distribution.share(ofOutcome: $0))
            },
            choices: Game.choices(s, side: side).map { c in
                RoomSummary.ChoiceRow(id: c.id, text: c.text, rung: c.rung, classMoves: picks[c.id] ?? 0,
                                      classShare: moves > 0 ? Double(picks[c.id] ?? 0) / Double(moves) : nil,
                                      modelPerRun: c.action.map { distribution.meanActionCounts[$0] })
            },
            modelRuns: distribution.runs)
    }

    /// Every move of every game in the room, one row each (a game with no move yet: one row).
    func export(_ room: ClassroomStore.Room) throws -> String {
        let entry = try shelf.entry(room.scenario)
        let s = entry.loaded.scenario
        let names = Dictionary(try store.students(room: room.code).map { ($0.token, $0.name) }, uniquingKeysWith: { a, _ in a })
        var lines = ["room,student,game,scenario,seed,side,move,day,date,asked_by,choice,rung,delay,game_outcome"]
        for stored in try store.games(room: room.code) {
            let game = try Game(loaded: entry.loaded, record: stored.record)
            let played = game.play()
            let name = Self.csvField(names[stored.student ?? ""] ?? "")
            let head = [room.code, name, stored.id, entry.name, String(stored.record.seed), stored.record.side]
            let outcome = played.result.map { s.outcomeNames[$0.outcome] } ?? ""
            if played.turns.isEmpty {
                lines.append((head + ["", "", "", "", "", "", "", outcome]).joined(separator: ","))
            }
            for (k, (turn, move)) in played.turns.enumerated() {
                let rung = move.action.map { String(s.actions[$0].rung) } ?? ""
                lines.append((head + [String(k + 1), exactNumber(turn.time), s.date(ofDay: turn.time)?.iso ?? "",
                                      s.actions[turn.action].id, move.action.map { s.actions[$0].id } ?? "hold", rung,
                                      exactNumber(move.delay), outcome]).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A CSV field: quoted when it must be, and never read by a spreadsheet as a formula.
    static func csvField(_ text: String) -> String {
        var t = text
        if let first = t.first, "=+-@\t\r".contains(first) { t = "'" + t }
        if t.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return t
    }
}
