import Foundation

/// What a run of the `escalation` executable printed and returned.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public let stdoutData: Data
}

/// The built `escalation` executable beside the test bundle.
public var escalationExecutable: String {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    var candidates = [here.appendingPathComponent("escalation").path]
    var dir = here
    while dir.path != "/" {
        if dir.lastPathComponent.hasSuffix(".xctest") { candidates.append(dir.deletingLastPathComponent().appendingPathComponent("escalation").path) }
        dir = dir.deletingLastPathComponent()
    }
    candidates.append(repositoryPath(".build/debug/escalation"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
}

/// Runs `escalation` with arguments, in the repository root unless told otherwise.
public func runEscalation(_ arguments: [String], in directory: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: escalationExecutable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot.path)
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
}
