import Foundation

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
