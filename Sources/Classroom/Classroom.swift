import EscalationModel
import Experiments
import Foundation
import HTTPTypes
import Hummingbird
import Reports
import ScenarioIO
import Synchronization

/// The classroom: Explore (what-ifs on a scenario's knobs), Play (a student decides for one
/// side), and rooms (a teacher follows a class's games live). One value serves every request;
/// what must survive a restart is in `store`.
public final class Classroom: Sendable {
    public struct Settings: Sendable {
        public var scenarios = "Scenarios"
        public var data = "classroom-data"
        /// Batches (what-ifs, end-of-game comparisons) at once, and waiting beyond those.
        public var batches = 2
        public var queue = 32
        /// Worker threads a batch uses.
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Served beyond loopback: every student action then needs a room code.
        public var open = false

        public init() {}
    }

    public let settings: Settings
    public let shelf: ScenarioShelf
    public let store: ClassroomStore
    let gate: BatchGate
    /// What the scenario's policies do, by scenario and seed (a room's students share a seed):
    /// computed once, however many games end at the same moment.
    private let distributions = Mutex<[String: Task<PolicyDistribution, Error>]>([:])
    /// Each scenario as written, run for the what-ifs on it (by scenario, seed and runs): every
    /// what-if pairs with the same replications, so they are run once.
    private let baselines = Mutex<[String: Task<Explore.Baseline, Error>]>([:])

    static let bodyLimit = 64 * 1024
    static let nameLimit = 40

    public init(settings: Settings) throws {
        self.settings = settings
        shelf = try ScenarioShelf(folder: settings.scenarios)
        store = try ClassroomStore(folder: settings.data)
        gate = BatchGate(running: settings.batches, waiting: settings.queue)
    }

    /// How the command line names a served scenario (for the commands the pages show).
    func path(of entry: ScenarioShelf.Entry) -> String { entry.path }

    // MARK: Routes

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in self.page { Pages.index(self) } }
        router.get("/static/classroom.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/static/classroom.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        router.get("/explore/:scenario") { _, context in
            self.page {
                let entry = try self.shelf.entry(context.parameters.get("scenario") ?? "")
                // The scenario as written is run while the page loads, ready for its first what-if.
                Task { _ = try? await self.baseline(entry, runs: Explore.defaultRuns, seed: Explore.defaultSeed) }
                return Pages.explore(entry)
            }
        }
        router.get("/play/:scenario") { _, context in
            self.page { Pages.play(try self.shelf.entry(context.parameters.get("scenario") ?? "")) }
        }
        router.get("/room/:code") { _, context in
            self.page {
                let room = try self.room(context.parameters.get("code") ?? "")
                return Pages.join(room, title: try self.shelf.entry(room.scenario).loaded.scenario.title)
            }
        }
        router.get("/teacher/:code") { request, context in
            self.page {
                let room = try self.teacherRoom(context.parameters.get("code") ?? "", request)
                return Pages.teacher(room, title: try self.shelf.entry(room.scenario).loaded.scenario.title)
            }
        }
        router.get("/api/scenarios") { _, _ in self.json { self.shelf.entries.map(ScenarioView.init) } }
        router.get("/api/scenarios/:scenario") { _, context in
            self.json { ScenarioView(try self.shelf.entry(context.parameters.get("scenario") ?? "")) }
        }
        router.post("/api/explore") { request, context in
            await self.jsonAsync { try await self.explore(try await Self.decode(ExploreRequest.self, request, context)) }
        }
        router.post("/api/games") { request, context in
            await self.jsonAsync { try await self.newGame(try await Self.decode(NewGameRequest.self, request, context)) }
        }
        router.get("/api/games/:id") { _, context in
            await self.jsonAsync { try await self.gameView(context.parameters.get("id") ?? "") }
        }
        router.get("/api/games/:id/record") { _, context in
            await self.respond {
                let stored = try self.storedGame(context.parameters.get("id") ?? "")
                var response = Self.text(stored.record.encoded() + "\n", type: "application/json; charset=utf-8")
                response.headers[.contentDisposition] = "attachment; filename=\"game-\(stored.id).json\""
                return response
            }
        }
        router.get("/api/games/:id/story") { _, context in
            await self.respond {
                let view = try await self.gameView(context.parameters.get("id") ?? "")
                return Self.text(view.story, type: "text/plain; charset=utf-8")
            }
        }
        router.post("/api/games/:id/moves") { request, context in
            await self.jsonAsync {
                let move = try await Self.decode(MoveRequest.self, request, context)
                return try await self.play(context.parameters.get("id") ?? "", move)
            }
        }
        router.post("/api/rooms") { request, context in
            await self.jsonAsync { try self.newRoom(try await Self.decode(NewRoomRequest.self, request, context)) }
        }
        router.post("/api/rooms/:code/join") { request, context in
            await self.jsonAsync {
                try self.join(context.parameters.get("code") ?? "", try await Self.decode(JoinRequest.self, request, context))
            }
        }
        router.get("/api/rooms/:code/summary") { request, context in
            await self.jsonAsync { try await self.roomSummary(try self.teacherRoom(context.parameters.get("code") ?? "", request)) }
        }
        router.get("/api/rooms/:code/export.csv") { request, context in
            await self.respond {
                let room = try self.teacherRoom(context.parameters.get("code") ?? "", request)
                var response = Self.text(try self.export(room), type: "text/csv; charset=utf-8")
                response.headers[.contentDisposition] = "attachment; filename=\"room-\(room.code).csv\""
                return response
            }
        }
        return router
    }

    // MARK: Explore

    struct ExploreRequest: Decodable {
        let scenario: String
        let seed: UInt64?
        let runs: Int?
        let settings: [String: Double]?
    }

    func explore(_ request: ExploreRequest) async throws -> ExploreView {
        let entry = try shelf.entry(request.scenario)
        let runs = request.runs ?? Explore.defaultRuns
        guard runs >= 1, runs <= Explore.maximumRuns else {
            throw ClientError.badRequest("runs: expected 1 to \(Explore.maximumRuns), found \(runs)")
        }
        let seed = request.seed ?? Explore.defaultSeed
        let settings = (request.settings ?? [:]).sorted { $0.key < $1.key }.map { (id: $0.key, value: $0.value) }
        let overrides: [Override]
        do { overrides = try Explore.overrides(settings, knobs: entry.knobs) } catch {
            throw ClientError.badRequest("settings: \(error.description)")
        }
        // An assumption left at its written value changes nothing, so it is not a --set; a
        // calibrated knob set to any value is pinned there instead of drawn, a change.
        let changed = zip(settings, overrides).filter { pair in
            let knob = entry.knobs.first { $0.id == pair.0.id }!
            return knob.calibrated || knob.value != pair.0.value
        }
        let loaded = try shelf.loaded(entry, overrides: changed.map(\.1))
        let threads = self.settings.threads
        let baseline = try await baseline(entry, runs: runs, seed: seed)
        let result = try await gate.run {
            try Explore.run(base: entry.loaded, changed: loaded, runs: runs, seed: seed, threads: threads, baseline: baseline)
        }
        return ExploreView(entry: entry, scenarioPath: path(of: entry), result: result, runs: runs, seed: seed,
                           settings: changed.map(\.0))
    }

    func baseline(_ entry: ScenarioShelf.Entry, runs: Int, seed: UInt64) async throws -> Explore.Baseline {
        try await once(in: baselines, key: "\(entry.name)|\(seed)|\(runs)", limit: 8) { [gate, settings] in
            try await gate.run { try Explore.Baseline(entry.loaded, runs: runs, seed: seed, threads: settings.threads) }
        }
    }

    /// The value of `key` in `cache`, computed by the first request that asks and awaited by
    /// any that ask meanwhile; a failure (a busy gate) is not kept.
    func once<T: Sendable>(in cache: borrowing Mutex<[String: Task<T, Error>]>, key: String, limit: Int,
                           _ compute: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = cache.withLock { tasks in
            if let known = tasks[key] { return known }
            if tasks.count >= limit { tasks.removeAll() }
            let task = Task { try await compute() }
            tasks[key] = task
            return task
        }
        do { return try await task.value } catch {
            cache.withLock { tasks in tasks[key] = nil }
            throw error
        }
    }

    // MARK: Play

    struct NewGameRequest: Decodable {
        let scenario: String?
        let side: String?
        let seed: UInt64?
        let room: String?
        let student: String?
    }

    struct MoveRequest: Decodable {
        let action: String
        let delay: Double?
        let room: String?
    }

    func newGame(_ request: NewGameRequest) async throws -> GameView {
        var scenario = request.scenario, side = request.side, seed = request.seed
        var student: ClassroomStore.Student?
        if let code = request.room {
            let room = try self.room(code)
            guard let token = request.student, let s = try store.student(token), s.room == room.code else {
                throw ClientError(.forbidden, "join room \(room.code) first (its page is /room/\(room.code))")
            }
            student = s
            scenario = room.scenario
            side = side ?? room.side
            seed = room.seed
        } else if settings.open {
            throw ClientError(.forbidden, "this classroom is open to the network: join a room with its code to play")
        }
        guard let name = scenario else { throw ClientError.badRequest("scenario: name the scenario to play") }
        let entry = try shelf.entry(name)
        let sideID = side ?? ScenarioView(entry).defaultSide
        let record = GameRecord(scenario: entry.name + ".yaml", seed: seed ?? Self.freshSeed(), side: sideID)
        do { _ = try Game(loaded: entry.loaded, record: record) } catch {
            throw ClientError.badRequest("side: \(error.description)")
        }
        let id = try store.createGame(record, room: student?.room, student: student?.token)
        return try await gameView(id)
    }

    func play(_ id: String, _ request: MoveRequest) async throws -> GameView {
        let stored = try storedGame(id)
        if settings.open {
            guard let room = stored.room, request.room == room else {
                throw ClientError(.forbidden, "this classroom is open to the network: give the game's room code with each move")
            }
        }
        let entry = try shelf.entry(String(stored.record.scenario.dropLast(5)))
        let current = try Game(loaded: entry.loaded, record: stored.record)
        let before = current.play()
        guard let waiting = before.waiting else { throw ClientError(.conflict, "the game is over; start a new one") }
        let move = GameRecord.Move(action: request.action, delay: request.delay ?? 0)
        var record = stored.record
        record.moves.append(move)
        let next: Game
        do { next = try Game(loaded: entry.loaded, record: record) } catch { throw ClientError.badRequest(error.description) }
        let after = next.play()
        let outcome = after.result.map { entry.loaded.scenario.outcomeNames[$0.outcome] }
        try store.addMove(game: id, number: record.moves.count, move: move, day: waiting.time, outcome: outcome)
        return try await view(id: id, room: stored.room, entry: entry, game: next, played: after)
    }

    func gameView(_ id: String) async throws -> GameView {
        let stored = try storedGame(id)
        let entry = try shelf.entry(String(stored.record.scenario.dropLast(5)))
        let game = try Game(loaded: entry.loaded, record: stored.record)
        let played = game.play()
        if let result = played.result, stored.outcome == nil {
            try store.setOutcome(game: id, outcome: entry.loaded.scenario.outcomeNames[result.outcome])
        }
        return try await view(id: id, room: stored.room, entry: entry, game: game, played: played)
    }

    func view(id: String, room: String?, entry: ScenarioShelf.Entry, game: Game, played: PlayedRun) async throws -> GameView {
        let distribution = played.result == nil ? nil : try await distribution(entry, seed: game.record.seed)
        return GameView(id: id, room: room, entry: entry, scenarioPath: path(of: entry), game: game, played: played,
                        distribution: distribution)
    }

    /// The scenario's own policies from master seed `seed` (cached: a room's games share it).
    func distribution(_ entry: ScenarioShelf.Entry, seed: UInt64) async throws -> PolicyDistribution {
        try await once(in: distributions, key: "\(entry.name)|\(seed)", limit: 256) { [gate, settings] in
            try await gate.run { try PolicyDistribution(loaded: entry.loaded, seed: seed, threads: settings.threads) }
        }
    }

    func storedGame(_ id: String) throws -> ClassroomStore.StoredGame {
        guard id.count <= 64, let stored = try store.game(id) else {
            throw ClientError(.notFound, "no game \(ScenarioShelf.shown(id))")
        }
        return stored
    }

    static func freshSeed() -> UInt64 { UInt64.random(in: 1...999_999) }

    // MARK: Rooms

    struct NewRoomRequest: Decodable {
        let scenario: String
        let side: String?
        let seed: UInt64?
    }

    struct RoomCreated: Encodable {
        let code: String, teacherToken: String, teacherURL: String, joinURL: String, scenario: String, side: String, seed: String
    }

    struct JoinRequest: Decodable { let name: String }

    struct Joined: Encodable { let room: String, name: String, student: String, playURL: String }

    func newRoom(_ request: NewRoomRequest) throws -> RoomCreated {
        let entry = try shelf.entry(request.scenario)
        let side = request.side ?? ScenarioView(entry).defaultSide
        let seed = request.seed ?? Self.freshSeed()
        do { _ = try Game(loaded: entry.loaded, record: GameRecord(scenario: entry.name + ".yaml", seed: seed, side: side)) } catch {
            throw ClientError.badRequest("side: \(error.description)")
        }
        let room = try store.createRoom(scenario: entry.name, side: side, seed: seed)
        // The room's comparison with the policy, ready before the first game ends.
        Task { _ = try? await self.distribution(entry, seed: seed) }
        return RoomCreated(code: room.code, teacherToken: room.teacherToken,
                           teacherURL: "/teacher/\(room.code)?token=\(room.teacherToken)", joinURL: "/room/\(room.code)",
                           scenario: entry.name, side: side, seed: String(seed))
    }

    func join(_ code: String, _ request: JoinRequest) throws -> Joined {
        let room = try self.room(code)
        let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Self.nameLimit, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ClientError.badRequest("name: expected 1 to \(Self.nameLimit) characters, no control characters")
        }
        let student = try store.join(room: room.code, name: name)
        return Joined(room: room.code, name: name, student: student.token,
                      playURL: "/play/\(room.scenario)?room=\(room.code)&student=\(student.token)")
    }

    func room(_ code: String) throws -> ClassroomStore.Room {
        let upper = code.uppercased()
        guard upper.count == 6, let room = try store.room(upper) else {
            throw ClientError(.notFound, "no room with the code \(ScenarioShelf.shown(code))")
        }
        return room
    }

    /// The room, if the request carries its teacher token (`?token=`).
    func teacherRoom(_ code: String, _ request: Request) throws -> ClassroomStore.Room {
        let room = try self.room(code)
        guard let token = request.uri.queryParameters.get("token"), Self.same(token, room.teacherToken) else {
            throw ClientError(.forbidden, "this page needs the room's teacher link (with its token)")
        }
        return room
    }

    /// Compares secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    // MARK: Responses

    func page(_ body: () throws -> String) -> Response {
        do { return Self.text(try body(), type: "text/html; charset=utf-8") } catch { return Self.failure(error) }
    }

    func json<T: Encodable>(_ body: () throws -> T) -> Response {
        do { return try Self.encode(try body()) } catch { return Self.failure(error) }
    }

    func jsonAsync<T: Encodable>(_ body: () async throws -> T) async -> Response {
        do { return try Self.encode(try await body()) } catch { return Self.failure(error) }
    }

    func respond(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch { return Self.failure(error) }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return text(String(decoding: data, as: UTF8.self), type: "application/json; charset=utf-8")
    }

    static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, type: String) -> Response {
        var response = Self.text(text, type: type)
        response.headers[.cacheControl] = "max-age=300"
        return response
    }

    /// A refusal as JSON `{"error": "..."}` with its status; anything unexpected is a 500 that
    /// says so without the details.
    static func failure(_ error: Error) -> Response {
        let (status, message): (HTTPResponse.Status, String)
        switch error {
        case let e as ClientError: (status, message) = (e.status, e.message)
        case let e as ScenarioError: (status, message) = (.badRequest, e.description)
        case let e as GameError: (status, message) = (.badRequest, e.description)
        case let e as HTTPError: (status, message) = (e.status, e.body ?? e.status.reasonPhrase)
        default: (status, message) = (.internalServerError, "the server could not do this (\(type(of: error)))")
        }
        let body = "{\"error\":" + jsonString(message) + "}"
        return text(body, type: "application/json; charset=utf-8", status: status)
    }

    /// A request body as `T`, refused with the field and what was expected.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: BasicRequestContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: bodyLimit) } catch {
            throw ClientError(.contentTooLarge, "the request body is over \(bodyLimit / 1024) KB")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw ClientError.badRequest(describe(error))
        } catch {
            throw ClientError.badRequest("expected a JSON object")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context): return "field \(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let t, let context), .valueNotFound(let t, let context):
            if context.codingPath.isEmpty { return "expected a JSON object" }
            let what = t == String.self ? "text" : t == Double.self ? "a number" : t == Int.self ? "a whole number"
                : t == UInt64.self ? "a whole number of 0 or more" : "\(t)"
            return "field \(path(context.codingPath)): expected \(what)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "expected a JSON object" : "field \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "expected a JSON object"
        }
    }
}
