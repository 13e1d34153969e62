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
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Reports any error as text on standard error and turns it into the contract's exit code.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
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
    } catch let error as AtomicFile.WriteError {
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

/// Writes output to a file (atomically) or to standard output.
func emit(_ text: String, to path: String?) throws {
    if let path {
        try AtomicFile.write(text, to: path)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
