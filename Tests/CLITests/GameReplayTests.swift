import Foundation
import Testing
import TestSupport

/// `escalation run SCENARIO --moves game.json`: a saved game, replayed.
@Suite struct GameReplayTests {
    static let taji = repositoryPath("Scenarios/taji-2020.yaml")

    static func write(_ text: String) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("game.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func anUnfinishedGameTellsItsStorySoFarAndSaysWhatItWaitsFor() throws {
        let path = try Self.write(#"{"scenario":"taji-2020.yaml","seed":7,"side":"us","moves":[{"action":"us_depot_strikes","delay":1}]}"#)
        let r = try runEscalation(["run", Self.taji, "--moves", path])
        #expect(r.status == 0)
        #expect(r.stdout == """
            Camp Taji, March 2020 — seed 7
            You play United States.

            11 Mar 2020 — Kataib Hezbollah rockets strike Camp Taji (rung 4): 2 US, 1 coalition killed; 12 US, 2 coalition wounded
                You, move 1: us_depot_strikes (rung 5) in 1 day
            12 Mar 2020 — US aircraft strike five Kataib Hezbollah weapons depots (rung 5): 1 militia, 5 Iraqi security forces killed
            13 Mar 2020 — Iraq condemns the US strikes as a violation of its sovereignty (rung 1)

            Waiting for move 2 on 13 Mar 2020.

            """)
        #expect(r.stderr.contains("not finished: it waits for move 2"))
        let csv = try runEscalation(["run", Self.taji, "--moves", path, "--trace", "csv"])
        #expect(csv.status == 65)
        #expect(csv.stderr.contains("needs a finished game"))
    }

    @Test func aFinishedGameReplaysTheSameBytesInEveryForm() throws {
        let path = try Self.write(#"{"scenario":"taji-2020.yaml","seed":7,"side":"us","moves":[{"action":"us_depot_strikes","delay":1},{"action":"hold"},{"action":"us_depot_strikes","delay":1}]}"#)
        let first = try runEscalation(["run", Self.taji, "--moves", path])
        #expect(first.status == 0 && first.stderr.isEmpty)
        #expect(first.stdout.contains("Outcome: Iraq orders US forces out (us_expelled) on day 4.4 (15 Mar 2020)."))
        #expect(try runEscalation(["run", Self.taji, "--moves", path]).stdout == first.stdout)
        let jsonl = try runEscalation(["run", Self.taji, "--moves", path, "--trace", "jsonl"])
        #expect(jsonl.status == 0)
        #expect(jsonl.stdout.contains(#""cause":{"type":"move","parent":1,"responder":"us","move":1,"delay":1}"#))
    }

    @Test(arguments: [
        (#"{"scenario":"t","seed":7,"side":"us","moves":[{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"},{"action":"hold"}]}"#,
         65, "more were given"),
        (#"{"scenario":"t","seed":7,"side":"us","moves":[{"action":"iran_war"}]}"#, 65, "moves[0].action: expected hold or an action of us"),
        (#"{"scenario":"t","seed":7,"side":"us","moves":[{"action":"hold","delay":"soon"}]}"#, 65, "field moves[0].delay: expected a number of days"),
        (#"{"scenario":"t","seed":7}"#, 65, "field side is missing"),
        (#"[]"#, 65, "game.json: "),
        (#"{"scenario":"t","seed":7,"side":"us","set":["nonsense"]}"#, 65, "set: expected PATH=VALUE"),
    ])
    func aBadGameRecordNamesItsFieldAndExits65(text: String, status: Int32, message: String) throws {
        let path = try Self.write(text)
        let r = try runEscalation(["run", Self.taji, "--moves", path])
        #expect(r.status == status)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func theRecordGivesTheSeedSoSeedAndSetAreRefused() throws {
        let path = try Self.write(#"{"scenario":"t","seed":7,"side":"us"}"#)
        let r = try runEscalation(["run", Self.taji, "--moves", path, "--seed", "3", "--set", "parameters.kh_control=0.5"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--moves: the game record gives the seed and changes; drop --seed, --set"))
        let missing = try runEscalation(["run", Self.taji, "--moves", "/nonexistent/game.json"])
        #expect(missing.status == 74)
    }
}
