import EscalationModel
import Foundation
import Record

/// A scenario ready to run, with what it was made from and what documents its numbers.
public struct LoadedScenario: Sendable {
    public let scenario: Scenario
    /// The file asked for.
    public let path: String
    /// Every file read (the scenario, what it extends and includes, its record, its posterior),
    /// with its text: the scenario content hash covers them all.
    public let files: [SourceFile]
    public let overrides: [Override]
    /// `parameters:`, in declaration order, each with its origin and where it is used.
    public let parameters: [ScenarioParameter]
    public let calibration: CalibrationSettings?
    public let hindcast: HindcastSettings?
    /// The record the scenario draws on, and the folder it was read from.
    public let catalog: Catalog?
    public let recordPath: String?
    /// Record references written straight into the body.
    public let recordUses: [RecordUse]
    /// The posterior file parameters are drawn from (nil: point values), and why.
    public let posterior: PosteriorUse
    /// Numbers without an origin: `validate --strict` fails a scenario that has any.
    public let unlabelled: [Diagnostic]
}

/// Where a run's calibrated parameters come from.
public enum PosteriorUse: Sendable, Equatable {
    /// No calibrated parameters.
    case notCalibrated
    /// Draws from this file, chosen per replication.
    case draws(path: String, sha256: String)
    /// Posterior medians of this file (`--posterior none`).
    case medians(path: String)
    /// The scenario declares a posterior that does not exist yet: prior medians.
    case priorMedians(missing: String?)

    public var drawsFrom: String? {
        if case .draws(let path, _) = self { return path }
        return nil
    }
}

/// Which posterior a command uses.
/// A posterior file named for a scenario that has nothing to draw from one (exit 64: the command
/// line asks for something the scenario cannot do).
public struct PosteriorOptionError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "--posterior \(abbreviated(path)): \(reason)" }
}

public enum PosteriorChoice: Sendable, Equatable {
    /// The file the scenario's `calibration: posterior:` names, if it exists.
    case declared
    /// Point values: the posterior medians (or the prior medians before calibration).
    case none
    /// Another file.
    case file(String)

    /// `none`, or a path.
    public init(argument: String) {
        self = argument == "none" ? .none : .file(argument)
    }
}

public struct SourceFile: Sendable, Equatable {
    public let path: String
    public let text: String
}

public enum ScenarioLoader {
    /// Reads, merges, overrides and compiles a scenario, with its record and posterior.
    ///
    /// - Throws: `SourceReadError` if the file cannot be read (exit 74), `OverrideError` for a
    ///   `--set` that does not fit the file (exit 64), `ScenarioError` with every problem found
    ///   otherwise, and `Catalog.Problems` for a broken record (exit 65).
    public static func load(path: String, overrides: [Override] = [], posterior choice: PosteriorChoice = .declared) throws
        -> LoadedScenario {
        var source = try ScenarioSource.load(path: path)
        for override in overrides { try override.apply(to: &source.root) }
        var files = source.files.map { SourceFile(path: $0.path, text: $0.text) }

        var catalog: Catalog?
        var recordPath: String?
        if let node = source.root["record"], let folder = node.scalar {
            do {
                catalog = try Catalog.load(folder: folder)
            } catch let error as CatalogReadError {
                throw ScenarioError([Diagnostic(node.location, path: "record", expected: "a folder holding incidents.csv and sources.csv",
                                                found: "\(error.reason) at \(error.path)")])
            }
            recordPath = Self.tidy(folder)
            for name in ["incidents.csv", "sources.csv"] {
                let file = (folder as NSString).appendingPathComponent(name)
                files.append(SourceFile(path: file, text: (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""))
            }
        }
        let compiled = try ScenarioCompiler.compile(source.root, name: source.name, catalog: catalog)
        var parameters = compiled.parameters
        var scenario = compiled.scenario
        let slots = scenario.parameters.names

        var use = PosteriorUse.notCalibrated
        if slots.isEmpty, case .file(let file) = choice {
            throw PosteriorOptionError(path: file, reason: "\(path)" + (overrides.isEmpty ? "" : " with its --set values")
                                       + " has no calibrated parameters to draw from a posterior")
        }
        if !slots.isEmpty {
            let declared = compiled.calibration?.posterior
            let file: String? = switch choice {
            case .declared, .none: declared.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
            case .file(let path): path
            }
            if let file {
                // Read as a CSV first: it says what is wrong with a folder, a FIFO, gzip or bytes
                // that are not text.
                let posterior: Posterior
                do {
                    let pinned = Set(parameters.filter { if case .pinned = $0.origin { true } else { false } }.map(\.id))
                    let supports = slots.map { name in
                        parameters.first { $0.id == name }?.prior?.support ?? -Double.infinity...Double.infinity
                    }
                    posterior = try PosteriorFile.read(path: file, names: slots, supports: supports, ignored: pinned)
                } catch let error as CatalogReadError {
                    throw SourceReadError(path: file, reason: error.reason)
                }
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw SourceReadError(path: file, reason: FileManager.default.fileExists(atPath: file) ? "not readable" : "no such file")
                }
                files.append(SourceFile(path: file, text: String(decoding: data, as: UTF8.self)))
                let medians = slots.indices.map { posterior.quantile($0, 0.5) }
                for k in parameters.indices {
                    if case .calibrated(_, let slot) = parameters[k].origin { parameters[k].value = medians[slot] }
                }
                let draws = choice == .none ? nil : posterior
                scenario = scenario.with(parameters: ParameterSlots(names: slots, pointValues: medians, posterior: draws))
                use = draws == nil ? .medians(path: file) : .draws(path: file, sha256: SHA256.hex([UInt8](data)))
            } else {
                use = .priorMedians(missing: declared)
            }
        }
        return LoadedScenario(
            scenario: scenario, path: path, files: files, overrides: overrides, parameters: parameters,
            calibration: compiled.calibration, hindcast: compiled.hindcast, catalog: catalog, recordPath: recordPath,
            recordUses: compiled.recordUses, posterior: use,
            unlabelled: NumberAudit.run(source.root, parameters: compiled.parameters))
    }

    /// Compiles scenario text that is not in a file (tests, tools). `file` names it in messages.
    /// A scenario from the bytes of a file, within the limits a file on disk gets (size, UTF-8).
    public static func load(data: Data, file: String) throws -> Scenario {
        if data.count > SourceText.maximumBytes {
            throw ScenarioError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                                            expected: "a scenario file of at most \(SourceText.maximumBytes) bytes (1 MiB)",
                                            found: "a larger file")])
        }
        return try load(text: SourceText.decode(data, file: file), file: file)
    }

    public static func load(text: String, file: String = "<scenario>") throws -> Scenario {
        try loaded(text: text, file: file).scenario
    }

    /// Compiles scenario text with what documents it; a `record:` folder is read relative to the
    /// working directory.
    public static func loaded(text: String, file: String = "<scenario>", catalog: Catalog? = nil) throws -> LoadedScenario {
        guard let root = try YAMLReader.parse(text, file: file) else {
            throw ScenarioError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                                            expected: "a scenario (a YAML mapping)", found: "an empty document")])
        }
        let compiled = try ScenarioCompiler.compile(root, name: "scenario", catalog: catalog)
        return LoadedScenario(
            scenario: compiled.scenario, path: file, files: [SourceFile(path: file, text: text)], overrides: [],
            parameters: compiled.parameters, calibration: compiled.calibration, hindcast: compiled.hindcast, catalog: catalog,
            recordPath: nil, recordUses: compiled.recordUses,
            posterior: compiled.scenario.parameters.count > 0 ? .priorMedians(missing: nil) : .notCalibrated,
            unlabelled: NumberAudit.run(root, parameters: compiled.parameters))
    }

    /// The merged tree of a scenario file, before compiling (for checking `--vary` paths).
    public static func tree(path: String) throws -> YAMLNode {
        try ScenarioSource.load(path: path).root
    }

    /// `Scenarios/../seeds` as `seeds`: a path for people to read (the folder is opened as given).
    static func tidy(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
