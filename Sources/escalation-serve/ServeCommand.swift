import ArgumentParser
import Classroom
import Foundation
import Hummingbird

@main
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalation-serve",
        abstract: "The classroom: explore what-ifs and play a side in a browser, one server for a class.",
        discussion: """
            Serves the scenarios in --scenarios (each .yaml file directly in it that loads) at \
            http://HOST:PORT/. Rooms, games and moves are kept in DATA/classroom.sqlite, so a \
            restart loses nothing. Loopback only unless --host says otherwise; then every student \
            action needs a room code. See docs/teaching.md for a lesson plan.
            """
    )

    @Option(help: "The address to listen on (127.0.0.1: this machine only; 0.0.0.0: the classroom's network).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "The folder for the classroom's database (made if missing).")
    var data = "classroom-data"

    @Option(help: "The folder of scenarios to serve.")
    var scenarios = "Scenarios"

    @Option(name: .customLong("max-batches"), help: "Batches (what-ifs, game comparisons) run at once.")
    var maxBatches = 2

    @Option(help: "Batches that may wait beyond those; more are told the server is busy.")
    var queue = 32

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port: expected 1 to 65535, found \(port)") }
        guard maxBatches >= 1, maxBatches <= 64 else { throw ValidationError("--max-batches: expected 1 to 64") }
        guard queue >= 0, queue <= 10_000 else { throw ValidationError("--queue: expected 0 to 10000") }
    }

    func run() async throws {
        var settings = Classroom.Settings()
        settings.scenarios = scenarios
        settings.data = data
        settings.batches = maxBatches
        settings.queue = queue
        settings.open = !Self.isLoopback(host)
        let classroom: Classroom
        do { classroom = try Classroom(settings: settings) } catch {
            FileHandle.standardError.write(Data("escalation-serve: \(error)\n".utf8))
            throw ExitCode(66)
        }
        for skipped in classroom.shelf.skipped {
            FileHandle.standardError.write(Data("escalation-serve: not served: \(skipped)\n".utf8))
        }
        if settings.open {
            FileHandle.standardError.write(Data("""
                escalation-serve: warning: listening on \(host), not loopback: anyone on this network can reach the \
                classroom. Students need a room code for every action; teacher pages need the teacher link.

                """.utf8))
        }
        let banner = "Escalation classroom: http://\(host == "0.0.0.0" ? "localhost" : host):\(port)/ "
            + "(\(classroom.shelf.entries.count) scenario\(classroom.shelf.entries.count == 1 ? "" : "s") from \(scenarios); data in \(classroom.store.path)). Ctrl-C stops it.\n"
        let app = Application(router: classroom.router(),
                              configuration: .init(address: .hostname(host, port: port), serverName: "escalation-serve"),
                              onServerRunning: { _ in FileHandle.standardOutput.write(Data(banner.utf8)) })
        do {
            try await app.runService()
        } catch {
            // Most often the port is taken by another server.
            FileHandle.standardError.write(Data("escalation-serve: cannot serve on \(host):\(port): \(error)\n".utf8))
            throw ExitCode(74)
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
