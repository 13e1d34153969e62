import Foundation
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
    /// The most nodes a document may hold once its aliases are expanded (the largest bundled
    /// scenario has about 3,000): a few hundred bytes of nested aliases can otherwise stand for
    /// billions of nodes.
    static let maximumNodes = 100_000
    /// The deepest nesting of mappings and lists (the bundled scenarios reach 7).
    static let maximumDepth = 64

    /// Parses `text` (from `file`) into a tree; syntax errors become diagnostics at their place.
    static func parse(_ text: String, file: String) throws(ScenarioError) -> YAMLNode? {
        try refuseComplexKeys(text, file: file)
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError([diagnostic(for: error, file: file)])
        } catch {
            throw ScenarioError([Diagnostic(SourceLocation(file: file, line: 1, column: 1), path: "",
                                            expected: "valid YAML", found: "\(error)")])
        }
        guard let composed else { return nil }
        var budget = maximumNodes
        return try convert(composed, file: file, depth: 0, budget: &budget)
    }

    /// Keys must be plain names. An alias, a list or a mapping as a key (`*a: 1`, `? [x]`) is
    /// refused before parsing: the YAML library compares keys by hashing them whole, aliases
    /// expanded, so a few hundred bytes of nested aliases used as a key would take hours.
    nonisolated(unsafe) static let keyPatterns: [(NSRegularExpression, String)] = [
        (#"^\s*(?:-\s+)*\?(?:\s|$)"#, "an explicit key ('? ')"),
        (#"^\s*(?:-\s+)*\*[^\s:,\[\]{}]+\s*:(?:\s|$)"#, "an alias (*name) as a key"),
        (#"[{,]\s*\*[^\s:,\[\]{}]+\s*:(?:\s|$)"#, "an alias (*name) as a key"),
        (#"^\s*(?:-\s+)*[\[{][^#]*[\]}]\s*:(?:\s|$)"#, "a list or mapping as a key"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    static func refuseComplexKeys(_ text: String, file: String) throws(ScenarioError) {
        let patterns = keyPatterns
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            // Only a line with an alias, or one that starts (after indentation and list dashes)
            // with '?', '[' or '{', can hold such a key; the rest skip the expressions.
            let start = line.drop { $0 == " " || $0 == "\t" || $0 == "-" }.first
            guard line.contains("*") || start == "?" || start == "[" || start == "{" else { continue }
            let string = String(line)
            let range = NSRange(string.startIndex..., in: string)
            for (pattern, what) in patterns {
                if let match = pattern.firstMatch(in: string, range: range) {
                    let column = string[..<(Range(match.range, in: string)?.lowerBound ?? string.startIndex)].unicodeScalars.count + 1
                    throw ScenarioError([Diagnostic(SourceLocation(file: file, line: lineNumber, column: column), path: "",
                                                    expected: "a plain name as each key", found: what)])
                }
            }
        }
    }

    static func convert(_ node: Node, file: String, depth: Int, budget: inout Int) throws(ScenarioError) -> YAMLNode {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        budget -= 1
        if budget < 0 {
            throw ScenarioError([Diagnostic(location, path: "", expected: "at most \(maximumNodes) values once aliases (*name) are expanded",
                                            found: "more (an alias that repeats a large part of the file many times?)")])
        }
        if depth > maximumDepth {
            throw ScenarioError([Diagnostic(location, path: "", expected: "mappings and lists nested at most \(maximumDepth) deep",
                                            found: "deeper")])
        }
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            if !quoted && scalar.style != .literal && scalar.style != .folded,
               ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return YAMLNode(.null, at: location)
            }
            return YAMLNode(.scalar(scalar.string, quoted: quoted), at: location)
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence { items.append(try convert(item, file: file, depth: depth + 1, budget: &budget)) }
            return YAMLNode(.sequence(items), at: location)
        case .mapping(let mapping):
            var pairs: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []
            for pair in mapping {
                let key = try convert(pair.key, file: file, depth: depth + 1, budget: &budget)
                guard let name = key.scalar ?? pair.key.string else {
                    throw ScenarioError([Diagnostic(key.location, path: "", expected: "a plain key (a name)",
                                                    found: key.kindDescription + " as a key")])
                }
                pairs.append((key: name, keyLocation: key.location,
                              value: try convert(pair.value, file: file, depth: depth + 1, budget: &budget)))
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
