import Foundation
import TestSupport
import Testing

/// The README's tour and docs/teaching.md run word for word (scripts/run-guide): every command
/// block, in order, in a clean folder; every line an exercise asks students to find is printed by
/// the exercise's own commands; and the answer key (docs/teaching-answers.md, written by
/// `make teaching-answers`) quotes exactly what the commands print today.
///
/// `make test` builds the release binary and names it in ESCALATION_GUIDE_BIN, so the guides run
/// at the speed a reader sees; without it the test's own build runs them, more slowly.
@Suite(.serialized)
struct TeachingGuideTests {
    var binDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["ESCALATION_GUIDE_BIN"], !dir.isEmpty {
            return dir.hasPrefix("/") ? dir : repositoryPath(dir)
        }
        return URL(fileURLWithPath: escalationExecutable).deletingLastPathComponent().path
    }

    func runGuide(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryPath("scripts/run-guide")] + arguments + ["--bin", binDirectory]
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryPath("."))
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func theGuideHasAtLeastFiveExercisesEachWithLinesToFind() throws {
        let text = try String(contentsOfFile: repositoryPath("docs/teaching.md"), encoding: .utf8)
        let exercises = text.components(separatedBy: "\n## Exercise ").dropFirst()
        #expect(exercises.count >= 5)
        for exercise in exercises {
            #expect(exercise.contains("```sh\nescalation "), "\(exercise.prefix(40))")
            #expect(exercise.contains("<!-- look for"), "every exercise says which printed lines to find: \(exercise.prefix(40))")
        }
    }

    @Test func theTeachingGuideRunsAsWrittenAndPrintsWhatItAsksFor() throws {
        let r = try runGuide(["check", repositoryPath("docs/teaching.md"), "--answers", repositoryPath("docs/teaching-answers.md")])
        #expect(r.status == 0, "\(r.output)")
    }

    @Test func theReadmeTourRunsAsWritten() throws {
        let r = try runGuide(["check", repositoryPath("README.md"), "--section", "A tour"])
        #expect(r.status == 0, "\(r.output)")
    }
}
