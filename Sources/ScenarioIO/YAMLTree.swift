import Yams

/// A YAML document as a tree whose every node knows where it came from, so that problems found
/// after merging `extends:` files and `--set` overrides still point at the right file and line.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        case scalar(String, quoted: Bool)
        case null
        case sequence([YAMLNode])
        case mapping([(key: String, keyLocation: SourceLocation, value: YAMLNode)])
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// The node as a person would describe it in "found …".
    public var kindDescription: String {
        switch value {
        case .scalar(let s, let quoted):
            quoted ? "the string \"\(s)\"" : "'\(s)'"
        case .null: "nothing"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    public var scalar: String? {
        if case .scalar(let s, _) = value { return s }
        return nil
    }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = value else { return nil }
        return pairs.first { $0.key == key }?.value
    }
}

enum YAMLReader {
    /// Parses `text` (from `file`) into a tree; syntax errors become diagnostics at their place.
    static func parse(_ text: String, file: String) throws(ScenarioError) -> YAMLNode? {
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError([diagnostic(for: error, file: file)])
        } catch {
            throw ScenarioError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                                            expected: "valid YAML", found: "\(error)")])
        }
        return composed.map { convert($0, file: file) }
    }

    static func convert(_ node: Node, file: String) -> YAMLNode {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            if !quoted && scalar.style != .literal && scalar.style != .folded,
               ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return YAMLNode(.null, at: location)
            }
            return YAMLNode(.scalar(scalar.string, quoted: quoted), at: location)
        case .sequence(let sequence):
            return YAMLNode(.sequence(sequence.map { convert($0, file: file) }), at: location)
        case .mapping(let mapping):
            let pairs = mapping.map { pair in
                let key = convert(pair.key, file: file)
                return (key: key.scalar ?? "\(pair.key)", keyLocation: key.location,
                        value: convert(pair.value, file: file))
            }
            return YAMLNode(.mapping(pairs), at: location)
        case .alias(let alias):
            return YAMLNode(.scalar("*\(alias.anchor)", quoted: false), at: location)
        }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return Diagnostic(at(mark), path: "", expected: "valid YAML", found: detail)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(at(context.mark), path: "", expected: "each key once in a mapping",
                              found: "\(keys) more than once")
        case .reader(let problem, _, _, _):
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                              expected: "UTF-8 text", found: problem)
        default:
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                              expected: "valid YAML", found: "\(error)")
        }
    }
}
