import EscalationModel

/// A scenario ready to run, with what it was made from.
public struct LoadedScenario: Sendable {
    public let scenario: Scenario
    /// The file asked for.
    public let path: String
    /// Every file read (the scenario, what it extends, what it includes), with its text.
    public let files: [SourceFile]
    public let overrides: [Override]
}

public struct SourceFile: Sendable, Equatable {
    public let path: String
    public let text: String
}

public enum ScenarioLoader {
    /// Reads, merges, overrides and compiles a scenario.
    ///
    /// - Throws: `SourceReadError` if the file cannot be read (exit 74), `OverrideError` for a
    ///   `--set` that does not fit the file (exit 64), `ScenarioError` with every problem found
    ///   otherwise (exit 65).
    public static func load(path: String, overrides: [Override] = []) throws -> LoadedScenario {
        var source = try ScenarioSource.load(path: path)
        for override in overrides { try override.apply(to: &source.root) }
        let scenario = try ScenarioCompiler.compile(source.root, name: source.name)
        return LoadedScenario(scenario: scenario, path: path,
                              files: source.files.map { SourceFile(path: $0.path, text: $0.text) },
                              overrides: overrides)
    }

    /// Compiles scenario text that is not in a file (tests, tools). `file` names it in messages.
    public static func load(text: String, file: String = "<scenario>") throws -> Scenario {
        guard let root = try YAMLReader.parse(text, file: file) else {
            throw ScenarioError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                                            expected: "a scenario (a YAML mapping)", found: "an empty document")])
        }
        return try ScenarioCompiler.compile(root, name: "scenario")
    }

    /// The merged tree of a scenario file, before compiling (for checking `--vary` paths).
    public static func tree(path: String) throws -> YAMLNode {
        try ScenarioSource.load(path: path).root
    }
}
