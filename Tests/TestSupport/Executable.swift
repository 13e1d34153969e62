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

/// Runs `escalation` with arguments, in the repository root unless told otherwise, with
/// `environment` added to this process's.
public func runEscalation(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> CommandResult {
    try runProgram(escalationExecutable, arguments, in: directory, environment: environment)
}

/// Runs the program at `path` with arguments, in the repository root unless told otherwise, with
/// `environment` added to this process's.
public func runProgram(_ path: String, _ arguments: [String], in directory: String? = nil,
                       environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot.path)
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
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

/// Runs `escalation` with standard output sent to `stdout` (a file opened read-only, a pipe
/// whose reader is gone ...), and kills it after `timeout` seconds (status −1 then), so a hang
/// fails the test instead of stalling the suite. Standard error is returned.
public func runEscalation(_ arguments: [String], stdout: FileHandle, timeout: Double = 120) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: escalationExecutable)
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    let err = Pipe()
    process.standardOutput = stdout
    process.standardError = err
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    // Standard error is read beside the wait, so a process that hangs holding it open is
    // still killed at the deadline.
    let collected = ErrorCollector()
    let reading = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        collected.data = err.fileHandleForReading.readDataToEndOfFile()
        reading.signal()
    }
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        process.waitUntilExit()
        _ = reading.wait(timeout: .now() + 5)
        return CommandResult(status: -1, stdout: "", stderr: String(decoding: collected.data, as: UTF8.self), stdoutData: Data())
    }
    process.waitUntilExit()
    reading.wait()
    let errData = collected.data
    return CommandResult(status: process.terminationStatus, stdout: "", stderr: String(decoding: errData, as: UTF8.self),
                         stdoutData: Data())
}

/// Bytes a reader thread hands over (read once the thread has signalled).
final class ErrorCollector: @unchecked Sendable {
    var data = Data()
}

/// Starts `escalation ARGUMENTS` (a batch with --out) and kills it with SIGKILL once `partial`
/// holds more than 200,000 bytes (or after 20 s), as a crash or a cluster's pre-emption would.
/// Returns the killed process.
public func startAndKillBatch(_ arguments: [String], partial: String) throws -> Process {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: escalationExecutable)
    child.arguments = arguments
    child.currentDirectoryURL = repositoryRoot
    try child.run()
    let started = Date()
    while Date().timeIntervalSince(started) < 20 {
        let size = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        if size > 200_000 { break }
        usleep(2000)
    }
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    return child
}
