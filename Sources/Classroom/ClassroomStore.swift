import Experiments
import Foundation
import GRDB

/// What must survive a restart in the middle of a lesson: rooms, the students who joined them,
/// games and every move, in SQLite (`classroom.sqlite` in the data folder). Each move is written
/// before the server answers it, so a restart loses nothing a student was shown.
public final class ClassroomStore: Sendable {
    let db: DatabaseQueue
    public let path: String

    public struct Room: Sendable, Equatable {
        public let code: String
        public let teacherToken: String
        public let scenario: String
        public let side: String
        public let seed: UInt64
        public let created: String
    }

    public struct Student: Sendable, Equatable {
        public let token: String
        public let room: String
        public let name: String
    }

    public struct StoredGame: Sendable {
        public let id: String
        public let room: String?
        public let student: String?
        public let record: GameRecord
        public let outcome: String?
        public let created: String
    }

    public init(folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ClassroomError.setup("cannot make the data folder \(folder) (\(error.localizedDescription))")
        }
        path = (folder as NSString).appendingPathComponent("classroom.sqlite")
        do {
            db = try DatabaseQueue(path: path)
            try Self.migrator.migrate(db)
        } catch {
            throw ClassroomError.setup("cannot open \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE room (
                    code TEXT PRIMARY KEY, teacher_token TEXT NOT NULL, scenario TEXT NOT NULL,
                    side TEXT NOT NULL, seed TEXT NOT NULL, created TEXT NOT NULL);
                CREATE TABLE student (
                    token TEXT PRIMARY KEY, room TEXT NOT NULL REFERENCES room(code), name TEXT NOT NULL,
                    joined TEXT NOT NULL, UNIQUE (room, name));
                CREATE TABLE game (
                    id TEXT PRIMARY KEY, room TEXT REFERENCES room(code), student TEXT REFERENCES student(token),
                    scenario TEXT NOT NULL, seed TEXT NOT NULL, side TEXT NOT NULL, settings TEXT NOT NULL,
                    outcome TEXT, created TEXT NOT NULL);
                CREATE INDEX game_room ON game(room);
                CREATE TABLE move (
                    game TEXT NOT NULL REFERENCES game(id), number INTEGER NOT NULL, action TEXT NOT NULL,
                    delay REAL NOT NULL, day REAL NOT NULL, created TEXT NOT NULL, PRIMARY KEY (game, number));
                """)
        }
        return m
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    // MARK: Rooms

    public func createRoom(scenario: String, side: String, seed: UInt64) throws -> Room {
        try db.write { db in
            for _ in 0..<20 {
                let code = Tokens.roomCode()
                if try Row.fetchOne(db, sql: "SELECT 1 FROM room WHERE code = ?", arguments: [code]) != nil { continue }
                let room = Room(code: code, teacherToken: Tokens.secret(), scenario: scenario, side: side, seed: seed,
                                created: Self.now())
                try db.execute(sql: "INSERT INTO room VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [room.code, room.teacherToken, room.scenario, room.side, String(room.seed), room.created])
                return room
            }
            throw ClientError(.serviceUnavailable, "no free room code; try again")
        }
    }

    public func room(_ code: String) throws -> Room? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM room WHERE code = ?", arguments: [code]).map { row in
                Room(code: row["code"], teacherToken: row["teacher_token"], scenario: row["scenario"], side: row["side"],
                     seed: UInt64(row["seed"] as String) ?? 0, created: row["created"])
            }
        }
    }

    public func join(room: String, name: String) throws -> Student {
        try db.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT token FROM student WHERE room = ? AND name = ?", arguments: [room, name]) {
                // The same name again (a reload, another tab): the same student.
                return Student(token: row["token"], room: room, name: name)
            }
            let student = Student(token: Tokens.secret(), room: room, name: name)
            try db.execute(sql: "INSERT INTO student VALUES (?, ?, ?, ?)", arguments: [student.token, room, name, Self.now()])
            return student
        }
    }

    public func student(_ token: String) throws -> Student? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM student WHERE token = ?", arguments: [token]).map {
                Student(token: $0["token"], room: $0["room"], name: $0["name"])
            }
        }
    }

    public func students(room: String) throws -> [Student] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM student WHERE room = ? ORDER BY rowid", arguments: [room]).map {
                Student(token: $0["token"], room: $0["room"], name: $0["name"])
            }
        }
    }

    // MARK: Games

    public func createGame(_ record: GameRecord, room: String?, student: String?) throws -> String {
        let settings = String(decoding: try JSONEncoder().encode(record.set), as: UTF8.self)
        return try db.write { db in
            let id = Tokens.secret(bytes: 8)
            try db.execute(sql: "INSERT INTO game VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                           arguments: [id, room, student, record.scenario, String(record.seed), record.side, settings, Self.now()])
            return id
        }
    }

    /// Adds move `number` (from 1) to a game; a move already there is refused (two tabs racing).
    public func addMove(game: String, number: Int, move: GameRecord.Move, day: Double, outcome: String?) throws {
        try db.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM move WHERE game = ?", arguments: [game]) ?? 0
            guard count == number - 1 else {
                throw ClientError(.conflict, "move \(number) was already played (this game has \(count) moves); reload the game")
            }
            try db.execute(sql: "INSERT INTO move VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [game, number, move.action, move.delay, day, Self.now()])
            if let outcome { try db.execute(sql: "UPDATE game SET outcome = ? WHERE id = ?", arguments: [outcome, game]) }
        }
    }

    public func setOutcome(game: String, outcome: String) throws {
        try db.write { db in try db.execute(sql: "UPDATE game SET outcome = ? WHERE id = ?", arguments: [outcome, game]) }
    }

    public func game(_ id: String) throws -> StoredGame? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM game WHERE id = ?", arguments: [id]) else { return nil }
            return try Self.stored(row, db)
        }
    }

    public func games(room: String) throws -> [StoredGame] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM game WHERE room = ? ORDER BY rowid", arguments: [room]).map {
                try Self.stored($0, db)
            }
        }
    }

    static func stored(_ row: Row, _ db: Database) throws -> StoredGame {
        let id: String = row["id"]
        let moves = try Row.fetchAll(db, sql: "SELECT action, delay FROM move WHERE game = ? ORDER BY number", arguments: [id])
            .map { GameRecord.Move(action: $0["action"], delay: $0["delay"]) }
        let settings = (try? JSONDecoder().decode([String].self, from: Data((row["settings"] as String).utf8))) ?? []
        let record = GameRecord(scenario: row["scenario"], seed: UInt64(row["seed"] as String) ?? 0, side: row["side"],
                                set: settings, moves: moves)
        return StoredGame(id: id, room: row["room"], student: row["student"], record: record, outcome: row["outcome"],
                          created: row["created"])
    }
}

/// Room codes and secrets, from the system's random source (not the simulation's streams).
enum Tokens {
    /// Six letters and digits, none that read alike (no 0/O, 1/I/L).
    static func roomCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<6).map { _ in alphabet[Int(g.next(upperBound: UInt32(alphabet.count)))] })
    }

    static func secret(bytes: Int = 16) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
