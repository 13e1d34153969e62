import Foundation
import TestSupport
import Testing

/// `make bench` compares the engine with the toy model written by hand, in C on GSL
/// (bench/peers/toy_gsl.c) and in Swift (the bench's `by-hand` mode). The comparison is fair only
/// if the three make the same draws in the same order: then they handle exactly the same events,
/// run for run. The bench checks the totals on one seed; here several seeds and run counts.
struct BenchPeerTests {
    /// Runs a program that prints `runs events seconds`; returns the events.
    static func events(_ program: String, _ arguments: [String]) throws -> Int {
        let result = try runProgram(program, arguments)
        #expect(result.status == 0, "\(program) \(arguments): \(result.stderr)")
        let fields = result.stdout.split(separator: " ")
        return fields.count == 3 ? Int(fields[1]) ?? -1 : -1
    }

    @Test func theToyByHandInCAndInSwiftHandlesTheEnginesEvents() throws {
        let bench = URL(fileURLWithPath: escalationExecutable).deletingLastPathComponent()
            .appendingPathComponent("escalation-bench").path
        #expect(FileManager.default.isExecutableFile(atPath: bench), "no \(bench): swift build --build-tests builds it")
        let dir = try temporaryDirectory()
        let peer = dir.appendingPathComponent("toy-gsl").path
        let compile = try runProgram("/usr/bin/env", ["cc", "-O2", "-ISources/CXoshiro/include", "-o", peer,
                                                      "bench/peers/toy_gsl.c", "Sources/CXoshiro/xoshiro_gsl.c",
                                                      "-lgsl", "-lgslcblas", "-lm"])
        try #require(compile.status == 0, "the C peer did not compile: \(compile.stderr)")
        for (runs, seed) in [(1, 1), (37, 2), (500, 2026)] {
            let engine = try Self.events(bench, [".", "engine", "Scenarios/bench/toy.yaml", String(runs), String(seed)])
            #expect(engine > 0)
            #expect(try Self.events(bench, [".", "by-hand", String(runs), String(seed)]) == engine, "\(runs) runs, seed \(seed)")
            #expect(try Self.events(peer, [String(runs), String(seed)]) == engine, "\(runs) runs, seed \(seed)")
        }
    }
}
