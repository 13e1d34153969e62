import Foundation
import TestSupport
import Testing

/// Every `sh` block of docs/teaching.md runs as written, in a fresh directory that has the
/// repository's scenarios and catalog, with the built `escalation` on the PATH.
@Suite(.serialized)
struct TeachingGuideTests {
    static func blocks() throws -> [String] {
        let text = try String(contentsOfFile: repositoryPath("docs/teaching.md"), encoding: .utf8)
        var blocks: [String] = [], current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            if current == nil, line == "```sh" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    @Test func theGuideHasAtLeastFiveExercisesWithCommands() throws {
        let text = try String(contentsOfFile: repositoryPath("docs/teaching.md"), encoding: .utf8)
        #expect(text.components(separatedBy: "\n## Exercise ").count - 1 >= 5)
        #expect(try Self.blocks().count >= 8)
    }

    @Test func everyCommandInTheGuideRuns() throws {
        let dir = try temporaryDirectory()
        for name in ["Scenarios", "seeds"] {
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(name).path,
                                                       withDestinationPath: repositoryPath(name))
        }
        let binDirectory = URL(fileURLWithPath: escalationExecutable).deletingLastPathComponent().path
        // The guide's first block puts the build directories on the PATH; the test's build comes first.
        let script = "set -e\nexport PATH=\"\(binDirectory):$PATH\"\n" + (try Self.blocks()).joined(separator: "\n") + "\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = dir
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        for file in ["out/strict.csv", "out/red-line.html", "out/c-ram.html", "out/control.html", "out/2011.html",
                     "out/offramp.csv", "out/2011-rate.csv", "out/fitted.yaml", "out/tornado.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
    }
}
