import Classroom
import EscalationModel
import Experiments
import Foundation
import HTTPTypes
import Hummingbird
import ScenarioIO
import Synchronization
import Testing
import TestSupport

/// Every route of the classroom, as a browser or a script calls it, bad inputs included.
@Suite struct ClassroomRouteTests {
    /// A classroom on the repository's scenarios with its data in a temporary folder.
    static func classroom(open: Bool = false, data: String? = nil, batches: Int = 2, queue: Int = 8) throws -> Classroom {
        var settings = Classroom.Settings()
        settings.scenarios = repositoryPath("Scenarios")
        settings.data = try data ?? temporaryDirectory().path
        settings.open = open
        settings.batches = batches
        settings.queue = queue
        return try Classroom(settings: settings)
    }

    static func json(_ text: String) -> String { text }
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    static func object(_ response: LiveServer.Reply) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
    }

    static func error(_ response: LiveServer.Reply) throws -> String {
        try #require(object(response)["error"] as? String)
    }

    /// The classroom on a loopback port of its own, for the length of `body`.
    func withClient(_ classroom: Classroom, _ body: @escaping @Sendable (LiveServer) async throws -> Void) async throws {
        try await LiveServer.with(classroom.router(), body)
    }

    @Test func pagesAndAssetsAreServedAndUnknownPathsAreNotFound() async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let index = try await client.execute(uri: "/", method: .get)
            #expect(index.status == .ok)
            let html = index.text
            #expect(html.contains("Camp Taji, March 2020"))
            #expect(html.contains("href=\"/explore/taji-2020\""))
            #expect(!html.contains("http://") && !html.contains("https://"), "nothing is fetched from elsewhere")
            for (uri, type) in [("/static/classroom.js", "text/javascript"), ("/static/classroom.css", "text/css")] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix(type) == true)
            }
            for page in ["/explore/taji-2020", "/play/taji-2020"] {
                let r = try await client.execute(uri: page, method: .get)
                #expect(r.status == .ok)
                #expect(r.text.contains("data-scenario=\"taji-2020\""))
            }
            for bad in ["/explore/nope", "/explore/..%2F..%2Fetc%2Fpasswd", "/play/taji-2020.yaml", "/explore/%00",
                        "/room/ZZZZZZ", "/nothing-here"] {
                let r = try await client.execute(uri: bad, method: .get)
                #expect(r.status == .notFound, "\(bad)")
            }
        }
    }

    @Test func scenarioKnobsCarryTheirRangesAndSources() async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let r = try await client.execute(uri: "/api/scenarios/taji-2020", method: .get)
            #expect(r.status == .ok)
            let view = try Self.object(r)
            let knobs = try #require(view["knobs"] as? [[String: Any]])
            let air = try #require(knobs.first { $0["id"] as? String == "air_defence_day" })
            #expect(air["low"] as? Double == 23 && air["high"] as? Double == 31 && air["value"] as? Double == 28)
            #expect((air["why"] as? String)?.contains("NYT") == true)
            let strike = try #require(knobs.first { $0["id"] as? String == "us_strike_p" })
            #expect(strike["calibrated"] as? Bool == true && strike["low"] as? Double == 0 && strike["high"] as? Double == 1)
            let sides = try #require(view["sides"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(sides == ["us", "iran", "kh", "iraq"])
            #expect(view["defaultSide"] as? String == "us")
            let missing = try await client.execute(uri: "/api/scenarios/missing", method: .get)
            #expect(missing.status == .notFound)
            #expect(try Self.error(missing).contains("taji-2020"))
        }
    }

    /// The page's numbers are `batch`'s: the summary the API returns is byte for byte the file
    /// `escalation batch --summary` writes for the same settings, and the differences are
    /// `escalation compare`'s.
    @Test func exploreNumbersAreTheBytesOfBatchAndCompare() async throws {
        let classroom = try Self.classroom()
        let dir = try temporaryDirectory()
        try await withClient(classroom) { client in
            let body = #"{"scenario":"taji-2020","runs":2000,"seed":5,"settings":{"air_defence_day":23,"us_strike_p":0.25}}"#
            let r = try await client.execute(uri: "/api/explore", method: .post, headers: Self.jsonHeaders, body: Self.json(body))
            #expect(r.status == .ok)
            let view = try Self.object(r)
            let command = try #require(view["command"] as? String)
            #expect(command.contains("--runs 2000 --seed 5 --set parameters.air_defence_day.value=23 --set parameters.us_strike_p.value=0.25"))
            let summary = dir.appendingPathComponent("summary.csv").path
            let batch = try runEscalation(["batch", repositoryPath("Scenarios/taji-2020.yaml"), "--runs", "2000", "--seed", "5",
                                           "--set", "parameters.air_defence_day.value=23", "--set", "parameters.us_strike_p.value=0.25",
                                           "--summary", summary, "--quiet", "--out", dir.appendingPathComponent("runs.csv").path])
            #expect(batch.status == 0, "\(batch.stderr)")
            #expect(try String(contentsOfFile: summary, encoding: .utf8) == view["summaryCSV"] as? String)
            let differences = dir.appendingPathComponent("differences.csv").path
            let compare = try runEscalation(["compare", repositoryPath("Scenarios/taji-2020.yaml"), "--runs", "2000", "--seed", "5",
                                             "--set", "parameters.air_defence_day.value=23", "--set", "parameters.us_strike_p.value=0.25",
                                             "--out", differences, "--quiet"])
            #expect(compare.status == 0, "\(compare.stderr)")
            #expect(try String(contentsOfFile: differences, encoding: .utf8) == view["compareCSV"] as? String)
            // The outcome rows are the summary's: probability of arm B = the summary's mean.
            let outcomes = try #require(view["outcomes"] as? [[String: Any]])
            let expelled = try #require(outcomes.first { $0["name"] as? String == "us_expelled" })
            let line = try #require((view["summaryCSV"] as? String)?.split(separator: "\n").first { $0.hasPrefix("outcome_us_expelled,") })
            #expect(Double(line.split(separator: ",")[2]) == expelled["b"] as? Double)
            // Curves: one per outcome and day, non-decreasing, ending at the outcome's share.
            let incidence = try #require(view["incidenceB"] as? [[Double]])
            let k = try #require(outcomes.firstIndex { $0["name"] as? String == "us_expelled" })
            #expect(zip(incidence[k], incidence[k].dropFirst()).allSatisfy { $0 <= $1 })
            #expect(abs(incidence[k].last! - (expelled["b"] as! Double)) < 1e-12)
        }
    }

    @Test func aWhatIfSaysWhenARateWentAboveItsMaximum() async throws {
        let folder = try temporaryDirectory()
        try rateAboveMaximumScenario.write(toFile: folder.appendingPathComponent("over.yaml").path, atomically: true, encoding: .utf8)
        var settings = Classroom.Settings()
        settings.scenarios = folder.path
        settings.data = try temporaryDirectory().path
        let classroom = try Classroom(settings: settings)
        try await withClient(classroom) { client in
            for (push, exceeded) in [(1.0, false), (0.5, false), (3.0, true)] {
                let body = #"{"scenario":"over","runs":200,"settings":{"push":\#(push)}}"#
                let view = try Self.object(try await client.execute(uri: "/api/explore", method: .post, headers: Self.jsonHeaders,
                                                                   body: Self.json(body)))
                #expect(view["rateExceeded"] as? Bool == exceeded, "push \(push)")
                // How far, arm by arm: the scenario as written (push 1) stays within its maximum;
                // at push 3 the highest rate ÷ max_rate of the same replications.
                let reached = view["rateReached"] as? String
                if exceeded {
                    let seed = try #require((view["seed"] as? String).flatMap { UInt64($0) })
                    let model = try scenario(rateAboveMaximumScenario.replacingOccurrences(of: "value: 1,", with: "value: \(push),"))
                    let highest = try #require(model.replicate(200, master: seed).map { $0.rateExcess[0] }.max())
                    #expect(reached == "With your knobs, \(rateExcessText(["attacks": highest])).")
                } else {
                    #expect(reached == "", "push \(push)")
                }
            }
        }
    }

    @Test func theWrittenScenarioChangesNothingAndAKnobAtItsValueIsNotASetting() async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let body = #"{"scenario":"taji-2020","runs":500,"settings":{"air_defence_day":28}}"#
            let view = try Self.object(try await client.execute(uri: "/api/explore", method: .post, headers: Self.jsonHeaders,
                                                               body: Self.json(body)))
            #expect(view["changed"] as? Double == 0)
            #expect(!(view["command"] as! String).contains("--set"))
            for row in view["outcomes"] as! [[String: Any]] { #expect(row["difference"] as? Double == 0) }
        }
    }

    @Test(arguments: [
        (#"{"scenario":"taji-2020","settings":{"air_defence_day":40}}"#, "from 23 to 31"),
        (#"{"scenario":"taji-2020","settings":{"no_such_knob":1}}"#, "no knob named no_such_knob"),
        (#"{"scenario":"taji-2020","settings":{"kh_attack_rate":1}}"#, "no knob named kh_attack_rate"),
        (#"{"scenario":"taji-2020","runs":1000000000}"#, "runs: expected 1 to 20000"),
        (#"{"scenario":"taji-2020","runs":0}"#, "runs: expected 1 to 20000"),
        (#"{"scenario":"../../etc/passwd"}"#, "no scenario named"),
        (#"{"scenario":"taji-2020","settings":{"air_defence_day":"soon"}}"#, "expected a number"),
        (#"{"settings":{}}"#, "field scenario is missing"),
        (#"not json"#, "expected a JSON object"),
        (#"[1,2]"#, "expected"),
    ])
    func badWhatIfsGetAMessageAndNoBatch(body: String, message: String) async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let r = try await client.execute(uri: "/api/explore", method: .post, headers: Self.jsonHeaders, body: Self.json(body))
            #expect(r.status.code == 400 || r.status.code == 404)
            let error = try Self.error(r)
            #expect(error.contains(message), "\(error)")
        }
    }

    @Test func anOversizedBodyIsRefused() async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let big = #"{"scenario":"taji-2020","pad":""# + String(repeating: "x", count: 200_000) + #""}"#
            let r = try await client.execute(uri: "/api/explore", method: .post, headers: Self.jsonHeaders, body: Self.json(big))
            #expect(r.status == .contentTooLarge)
        }
    }

    /// A whole game through the API: each turn offers hold and the side's ladder; the finished
    /// game is compared with the policy; its record replays on the command line to the story shown.
    @Test func aGamePlaysToItsEndAndReplaysOnTheCommandLine() async throws {
        let classroom = try Self.classroom()
        let dir = try temporaryDirectory()
        try await withClient(classroom) { client in
            var view = try Self.object(try await client.execute(
                uri: "/api/games", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"scenario":"taji-2020","side":"us","seed":7}"#)))
            let id = try #require(view["id"] as? String)
            #expect(view["finished"] as? Bool == false)
            let turn = try #require(view["turn"] as? [String: Any])
            #expect(turn["date"] as? String == "11 Mar 2020")
            #expect(turn["action"] as? String == "kh_taji_attack")
            let choices = try #require(view["choices"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(choices == ["hold", "us_warning", "us_sanctions", "us_depot_strikes", "us_campaign_122", "us_strike_irgc",
                                "us_strike_iran", "us_war"])
            var moves = 0
            while view["finished"] as? Bool == false {
                let action = moves % 3 == 0 ? "us_depot_strikes" : "hold"
                let r = try await client.execute(uri: "/api/games/\(id)/moves", method: .post, headers: Self.jsonHeaders,
                                                 body: Self.json(#"{"action":"\#(action)","delay":1.5}"#))
                #expect(r.status == .ok, "\(r.text)")
                view = try Self.object(r)
                moves += 1
                #expect(view["moves"] as? Int == moves)
                #expect(moves < 500)
            }
            let comparison = try #require(view["comparison"] as? [String: Any])
            #expect(comparison["runs"] as? Int == PolicyDistribution.defaultRuns)
            let same = try #require(comparison["sameOutcome"] as? Double)
            #expect(same > 0 && same <= 1)
            let late = try await client.execute(uri: "/api/games/\(id)/moves", method: .post, headers: Self.jsonHeaders,
                                                body: Self.json(#"{"action":"hold"}"#))
            #expect(late.status == .conflict)
            // The saved record replays with `escalation run --moves` to the story the page shows.
            let record = try await client.execute(uri: "/api/games/\(id)/record", method: .get)
            #expect(record.status == .ok)
            let file = dir.appendingPathComponent("game.json")
            try record.text.write(to: file, atomically: true, encoding: .utf8)
            let replay = try runEscalation(["run", repositoryPath("Scenarios/taji-2020.yaml"), "--moves", file.path])
            #expect(replay.status == 0, "\(replay.stderr)")
            let story = try await client.execute(uri: "/api/games/\(id)/story", method: .get)
            #expect(replay.stdout == story.text)
            #expect(replay.stdout == view["story"] as? String)
            #expect(replay.stdout.contains("You, move 1: us_depot_strikes (rung 5) in 1.5 days"))
        }
    }

    @Test func badMovesAndGamesGetMessages() async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let view = try Self.object(try await client.execute(
                uri: "/api/games", method: .post, headers: Self.jsonHeaders, body: Self.json(#"{"scenario":"taji-2020","seed":3}"#)))
            #expect(view["side"] as? String == "us")
            let id = view["id"] as! String
            for (body, message) in [(#"{"action":"kh_rockets"}"#, "expected hold or an action of us"),
                                    (#"{"action":"us_warning","delay":-1}"#, "expected days from 0 to 60"),
                                    (#"{"action":"us_warning","delay":1000}"#, "expected days from 0 to 60"),
                                    (#"{"delay":1}"#, "field action is missing")] {
                let r = try await client.execute(uri: "/api/games/\(id)/moves", method: .post, headers: Self.jsonHeaders, body: Self.json(body))
                #expect(r.status == .badRequest)
                let error = try Self.error(r)
            #expect(error.contains(message), "\(error)")
            }
            let still = try Self.object(try await client.execute(uri: "/api/games/\(id)", method: .get))
            #expect(still["moves"] as? Int == 0, "a refused move is not stored")
            let unknown = try await client.execute(uri: "/api/games/0123456789abcdef/moves", method: .post, headers: Self.jsonHeaders,
                                                   body: Self.json(#"{"action":"hold"}"#))
            #expect(unknown.status == .notFound)
            let side = try await client.execute(uri: "/api/games", method: .post, headers: Self.jsonHeaders,
                                                body: Self.json(#"{"scenario":"taji-2020","side":"nato"}"#))
            #expect(side.status == .badRequest)
            #expect(try Self.error(side).contains("us, iran, kh, iraq"))
        }
    }

    /// A room: a teacher opens it, two students join and play the room's crisis, the teacher's
    /// summary and export see every move; without the token, nothing.
    @Test func aRoomGathersItsStudentsGamesForTheTeacher() async throws {
        let classroom = try Self.classroom()
        try await withClient(classroom) { client in
            let room = try Self.object(try await client.execute(uri: "/api/rooms", method: .post, headers: Self.jsonHeaders,
                                                               body: Self.json(#"{"scenario":"taji-2020","seed":11}"#)))
            let code = try #require(room["code"] as? String)
            let token = try #require(room["teacherToken"] as? String)
            #expect(code.count == 6)
            #expect(try await client.execute(uri: "/room/\(code)", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/room/\(code.lowercased())", method: .get).status == .ok)
            var students: [String] = []
            for name in ["Ada", "=HYPERLINK(\"x\")"] {
                let joined = try Self.object(try await client.execute(uri: "/api/rooms/\(code)/join", method: .post,
                                                                     headers: Self.jsonHeaders, body: Self.json(#"{"name":\#(jsonLiteral(name))}"#)))
                students.append(try #require(joined["student"] as? String))
            }
            let empty = try await client.execute(uri: "/api/rooms/\(code)/join", method: .post, headers: Self.jsonHeaders,
                                                 body: Self.json(#"{"name":"   "}"#))
            #expect(empty.status == .badRequest)
            var seeds: [String] = []
            for (k, student) in students.enumerated() {
                let game = try Self.object(try await client.execute(
                    uri: "/api/games", method: .post, headers: Self.jsonHeaders,
                    body: Self.json(#"{"room":"\#(code)","student":"\#(student)","seed":999}"#)))
                seeds.append(game["seed"] as! String)
                let id = game["id"] as! String
                for _ in 0...k {
                    let r = try await client.execute(uri: "/api/games/\(id)/moves", method: .post, headers: Self.jsonHeaders,
                                                     body: Self.json(#"{"action":"us_warning"}"#))
                    #expect(r.status == .ok)
                }
            }
            #expect(seeds == ["11", "11"], "everyone in a room plays the room's crisis")
            let stranger = try await client.execute(uri: "/api/games", method: .post, headers: Self.jsonHeaders,
                                                    body: Self.json(#"{"room":"\#(code)","student":"not-a-student"}"#))
            #expect(stranger.status == .forbidden)
            // The token with its last digit changed (a random token ends in 0 one time in 16).
            let nearMiss = token.dropLast() + (token.last == "0" ? "1" : "0")
            for uri in ["/teacher/\(code)", "/teacher/\(code)?token=wrong", "/api/rooms/\(code)/summary",
                        "/api/rooms/\(code)/export.csv?token=\(nearMiss)"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .forbidden, "\(uri)")
            }
            #expect(try await client.execute(uri: "/teacher/\(code)?token=\(token)", method: .get).status == .ok)
            let summary = try Self.object(try await client.execute(uri: "/api/rooms/\(code)/summary?token=\(token)", method: .get))
            let rows = try #require(summary["students"] as? [[String: Any]])
            #expect(rows.map { $0["name"] as? String } == ["Ada", "=HYPERLINK(\"x\")"])
            let choices = try #require(summary["choices"] as? [[String: Any]])
            #expect(choices.first { $0["id"] as? String == "us_warning" }?["classMoves"] as? Int == 3)
            let export = try await client.execute(uri: "/api/rooms/\(code)/export.csv?token=\(token)", method: .get)
            let lines = export.text.split(separator: "\n")
            #expect(lines.first == "room,student,game,scenario,seed,side,move,day,date,asked_by,choice,rung,delay,game_outcome")
            #expect(lines.count == 1 + 3)
            #expect(lines.filter { $0.contains("\"'=HYPERLINK(\"\"x\"\")\"") }.count == 2, "a name is never a formula")
        }
    }

    /// On a classroom network every student action needs a room.
    @Test func anOpenClassroomWantsARoomForEveryStudentAction() async throws {
        let classroom = try Self.classroom(open: true)
        try await withClient(classroom) { client in
            let solo = try await client.execute(uri: "/api/games", method: .post, headers: Self.jsonHeaders,
                                                body: Self.json(#"{"scenario":"taji-2020"}"#))
            #expect(solo.status == .forbidden)
            let room = try Self.object(try await client.execute(uri: "/api/rooms", method: .post, headers: Self.jsonHeaders,
                                                               body: Self.json(#"{"scenario":"taji-2020"}"#)))
            let code = room["code"] as! String
            let joined = try Self.object(try await client.execute(uri: "/api/rooms/\(code)/join", method: .post, headers: Self.jsonHeaders,
                                                                 body: Self.json(#"{"name":"Bo"}"#)))
            let game = try Self.object(try await client.execute(
                uri: "/api/games", method: .post, headers: Self.jsonHeaders,
                body: Self.json(#"{"room":"\#(code)","student":"\#(joined["student"] as! String)"}"#)))
            let id = game["id"] as! String
            let without = try await client.execute(uri: "/api/games/\(id)/moves", method: .post, headers: Self.jsonHeaders,
                                                   body: Self.json(#"{"action":"hold"}"#))
            #expect(without.status == .forbidden)
            let with = try await client.execute(uri: "/api/games/\(id)/moves", method: .post, headers: Self.jsonHeaders,
                                                body: Self.json(#"{"action":"hold","room":"\#(code)"}"#))
            #expect(with.status == .ok)
        }
    }

    /// Rooms, games and moves are in SQLite: a new server on the same data folder has them all.
    @Test func aRestartLosesNothing() async throws {
        let data = try temporaryDirectory().path
        let first = try Self.classroom(data: data)
        final class Seen: @unchecked Sendable { var id = "", code = "", token = "", story = "" }
        let seen = Seen()
        try await withClient(first) { client in
            let room = try Self.object(try await client.execute(uri: "/api/rooms", method: .post, headers: Self.jsonHeaders,
                                                               body: Self.json(#"{"scenario":"taji-2020","seed":4}"#)))
            seen.code = room["code"] as! String
            seen.token = room["teacherToken"] as! String
            let joined = try Self.object(try await client.execute(uri: "/api/rooms/\(seen.code)/join", method: .post, headers: Self.jsonHeaders,
                                                                 body: Self.json(#"{"name":"Cy"}"#)))
            let game = try Self.object(try await client.execute(
                uri: "/api/games", method: .post, headers: Self.jsonHeaders,
                body: Self.json(#"{"room":"\#(seen.code)","student":"\#(joined["student"] as! String)"}"#)))
            seen.id = game["id"] as! String
            for action in ["us_warning", "hold"] {
                let r = try await client.execute(uri: "/api/games/\(seen.id)/moves", method: .post, headers: Self.jsonHeaders,
                                                 body: Self.json(#"{"action":"\#(action)","delay":2}"#))
                seen.story = try Self.object(r)["story"] as! String
            }
        }
        let second = try Self.classroom(data: data)
        try await withClient(second) { client in
            let game = try Self.object(try await client.execute(uri: "/api/games/\(seen.id)", method: .get))
            #expect(game["moves"] as? Int == 2)
            #expect(game["story"] as? String == seen.story)
            let summary = try Self.object(try await client.execute(uri: "/api/rooms/\(seen.code)/summary?token=\(seen.token)", method: .get))
            #expect((summary["students"] as? [[String: Any]])?.first?["name"] as? String == "Cy")
        }
    }

    /// Beyond K running and N waiting, a batch is refused at once with a clear message.
    @Test func aFullGateSaysBusy() async throws {
        let gate = BatchGate(running: 1, waiting: 0)
        let started = Mutex(false), release = DispatchSemaphore(value: 0)
        let long = Task { try await gate.run { started.withLock { $0 = true }; release.wait(); return 1 } }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: ClientError.self) { try await gate.run { 2 } }
        do { _ = try await gate.run { 2 } } catch let error as ClientError {
            #expect(error.status == .serviceUnavailable)
            #expect(error.message.hasPrefix("busy"))
        }
        release.signal()
        #expect(try await long.value == 1)
        #expect(try await gate.run { 3 } == 3)
    }
}

func jsonLiteral(_ s: String) -> String {
    String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
}
