import ArgumentParser
import Calibration
import EscalationModel
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

/// Prints a message to standard error, any control character in it but a tab and a line break
/// shown escaped (`\u{1B}`): a message may echo a path or a value from the command line.
func complain(_ message: String) {
    let shown = withVisibleControls(message)
    StandardError.write(shown.hasSuffix("\n") ? shown : shown + "\n")
}

/// Thinning draws a state-dependent process's candidates at its `max_rate`; a rate above that
/// is cut to it, and the runs undercount the process. Every command that simulates says so, and
/// where it knows how far (`reached`, by process id, the highest rate ÷ `max_rate`), by how much
/// to raise it: "(the base; attacks reached 1.35 times its max_rate)".
func warnIfRateExceeded(_ exceeded: Bool, where place: String? = nil, reached: [String: Double] = [:]) {
    guard exceeded else { return }
    let details = [place, reached.isEmpty ? nil : rateExcessText(reached)].compactMap { $0 }
    complain("warning: a state-dependent rate went above its max_rate in some runs"
             + (details.isEmpty ? "" : " (\(details.joined(separator: "; ")))") + "; raise max_rate for exact results")
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
    } catch let error as PosteriorOptionError {
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
/// against a second writer, and none may be a file it reads: `reading`) before the command does
/// any work.
func claim(_ paths: String?..., reading inputs: [String?] = []) throws -> OutputFiles {
    let outputs = try OutputFiles(paths.compactMap { $0 })
    try outputs.protect(inputs.compactMap { $0 })
    return outputs
}

/// The files a loaded scenario was read from: its YAML (with what it extends and includes), its
/// record, and its posterior unless `posterior` is false (`calibrate` writes the posterior it
/// fits).
func inputFiles(of loaded: LoadedScenario, posterior: Bool = true) -> [String] {
    let fitted: String? = switch loaded.posterior {
    case .draws(let path, _), .medians(let path): path
    default: nil
    }
    return loaded.files.map(\.path).filter { posterior || $0 != fitted }
}

/// Stages output for a claimed file, or writes it to standard output.
func emit(_ text: String, to path: String?, in outputs: OutputFiles) throws {
    if let path {
        try outputs.stage(text, for: path)
    } else {
        try toStandardOutput(text)
    }
}
