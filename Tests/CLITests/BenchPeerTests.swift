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

    static var bench: String {
        URL(fileURLWithPath: escalationExecutable).deletingLastPathComponent().appendingPathComponent("escalation-bench").path
    }

    @Test func theToyByHandInCAndInSwiftHandlesTheEnginesEvents() throws {
        let bench = Self.bench
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

    /// The bench's own command line: help, and a message with exit 64 (usage) or 1 (a failure)
    /// for what it cannot do, never a crash.
    @Test func theBenchSaysWhatIsWrongWithItsArguments() throws {
        let help = try runProgram(Self.bench, ["--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("usage: escalation-bench [ROOT]"), "\(help.stdout)")
        let dir = try temporaryDirectory()
        for (arguments, status, message) in [
            ([".", "engine", "Scenarios/bench/toy.yaml", "ten"], Int32(64), "RUNS: expected a whole number of at least 1, found 'ten'"),
            ([".", "by-hand", "0"], 64, "RUNS: expected a whole number of at least 1, found '0'"),
            ([".", "by-hand", "10", "-1"], 64, "MASTER_SEED: expected a whole number of at least 0, found '-1'"),
            ([".", "sprint", "10"], 64, "unknown mode or wrong number of arguments: . sprint 10"),
            // The numbers are checked before the scenario is read.
            ([".", "engine", dir.appendingPathComponent("none.yaml").path, "ten"], 64, "RUNS: expected a whole number"),
            ([dir.path], 64, "\(dir.path) is not an Escalation checkout (no Scenarios/bench/toy.yaml in it)"),
            ([".", "engine", dir.appendingPathComponent("none.yaml").path, "10"], 1, "none.yaml"),
        ] {
            let result = try runProgram(Self.bench, arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("escalation-bench: ") && result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("crashed"), "\(arguments)")
        }
        // With no arguments it benchmarks the checkout it is run in: here, none.
        let outside = try runProgram(Self.bench, [], in: dir.path)
        #expect(outside.status == 64 && outside.stderr.hasPrefix("escalation-bench: . is not an Escalation checkout"), "\(outside.stderr)")
    }
}
