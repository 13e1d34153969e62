import ArgumentParser
import Calibration
import Experiments
import Foundation
import Record
import ScenarioIO

/// Exit codes of the command-line contract (sysexits.h).
enum Exit {
    static let usage: Int32 = 64
    static let data: Int32 = 65
    static let internalError: Int32 = 70
    static let io: Int32 = 74
}

/// Progress lines for long work: to standard error when it is a terminal, unless `quiet`.
func progressLines(quiet: Bool) -> (@Sendable (String) -> Void)? {
    quiet || isatty(STDERR_FILENO) == 0 ? nil : { @Sendable line in complain(line) }
}

/// Prints a message to standard error.
func complain(_ message: String) {
    StandardError.write(message.hasSuffix("\n") ? message : message + "\n")
}

/// Thinning draws a state-dependent process's candidates at its `max_rate`; a rate above that
/// is cut to it, and the runs undercount the process. Every command that simulates says so.
func warnIfRateExceeded(_ exceeded: Bool, where place: String? = nil) {
    guard exceeded else { return }
    complain("warning: a state-dependent rate went above its max_rate in some runs" + (place.map { " (\($0))" } ?? "")
             + "; raise max_rate for exact results")
}

/// Prints to standard output, as an output: a failed write is an error (exit 74). Once the
/// reader of a pipe has gone, what would have gone there is dropped and the command goes on to
/// write its files and end with its own exit code.
func say(_ text: String, terminator: String = "\n") throws {
    try toStandardOutput(text + terminator)
}

func toStandardOutput(_ text: String) throws {
    guard !FileWriter.standardOutputClosed else { return }
    do {
        try FileWriter.standardOutput.write(text)
    } catch is ClosedPipe {
        FileWriter.standardOutputClosed = true
    }
}

/// Reports any error as text on standard error and turns it into the contract's exit code.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    // A reader that goes away shows up as EPIPE on the write, not as a signal that kills us.
    signal(SIGPIPE, SIG_IGN)
    do {
        return try body()
    } catch is ClosedPipe {
        throw ExitCode.success
    } catch let error as ScenarioError {
        complain(error.description)
        let files = Set(error.diagnostics.map(\.location.file)).sorted()
        complain("\(error.diagnostics.count) error\(error.diagnostics.count == 1 ? "" : "s") in \(files.joined(separator: ", "))")
        throw ExitCode(Exit.data)
    } catch let error as SourceReadError {
        complain("error: \(error)")
        throw ExitCode(Exit.io)
    } catch let error as OverrideError {
        complain("error: \(error)")
        throw ExitCode(Exit.usage)
    } catch let error as BatchError {
        complain("error: \(error)")
        throw ExitCode(Exit.data)
    } catch let error as GameError {
        complain("error: \(error)")
        throw ExitCode(Exit.data)
    } catch let error as OptionValueError {
        complain("error: \(error)")
        throw ExitCode(Exit.usage)
    } catch let error as Catalog.Problems {
        complain(error.description)
        throw ExitCode(Exit.data)
    } catch let error as CSVTable.SyntaxError {
        complain(error.description)
        throw ExitCode(Exit.data)
    } catch let error as CalibrationError {
        complain("error: \(error)")
        throw ExitCode(Exit.data)
    } catch let error as CatalogReadError {
        complain("error: \(error)")
        throw ExitCode(Exit.io)
    } catch let error as WriteError {
        complain("error: \(error)")
        throw ExitCode(Exit.io)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        complain("internal error: \(error)")
        throw ExitCode(Exit.internalError)
    }
}

/// Claims the files a command will write (each must be a regular file or new, and is locked
/// against a second writer) before the command does any work.
func claim(_ paths: String?...) throws -> OutputFiles {
    try OutputFiles(paths.compactMap { $0 })
}

/// Stages output for a claimed file, or writes it to standard output.
func emit(_ text: String, to path: String?, in outputs: OutputFiles) throws {
    if let path {
        try outputs.stage(text, for: path)
    } else {
        try toStandardOutput(text)
    }
}
