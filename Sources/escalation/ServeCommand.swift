import ArgumentParser
import Experiments
import Foundation
import Record

/// `escalation serve`: the classroom. It is a second program, `escalation-serve`, so that the
/// simulator's build does not pay for a web framework; this starts the one built beside this
/// program, in its place, with the same arguments. Its options and its help are its own.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the classroom in a browser (the escalation-serve program built beside this one).",
        discussion: """
            Every argument goes to escalation-serve: --host, --port, --data, --scenarios, \
            --max-batches, --queue (`escalation serve --help` prints its help). Build it with \
            `make serve` or `swift build -c release --product escalation-serve`. See docs/teaching.md.
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "escalation-serve's options.")
    var options: [String] = []

    func run() throws { Self.start(options) }

    /// Replaces this process with `escalation-serve` and `arguments`; returns only on failure,
    /// by exiting 74 with what to do.
    static func start(_ arguments: [String]) -> Never {
        let here = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let folder = folderPart(of: here)
        let server = folder.isEmpty ? "escalation-serve" : folder + "/escalation-serve"
        guard FileManager.default.isExecutableFile(atPath: server) else {
            complain("error: the classroom is the program escalation-serve, which is not built beside \(here): "
                     + "run `make serve`, or `swift build -c release --product escalation-serve` and this again")
            Glibc.exit(Exit.io)
        }
        let argv = ([server] + arguments).map { strdup($0) } + [nil]
        execv(server, argv)
        complain("error: cannot start \(server): \(WriteError.describe(errno: errno))")
        Glibc.exit(Exit.io)
    }
}
