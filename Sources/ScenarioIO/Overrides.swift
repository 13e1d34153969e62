import Record

/// A `--set PATH=VALUE` from the command line: a change to the merged scenario tree before it
/// is compiled, so every check a file gets applies to the overridden value too.
public struct Override: Sendable, Equatable, CustomStringConvertible {
    /// Keys and list indices: `actions.kh_rockets.rung` is ["actions", "kh_rockets", "rung"].
    public let path: [String]
    /// The value as written (YAML: a number, a word, an expression, or a flow mapping).
    public let text: String
    /// The option it came from, for messages: `--set`, or `--vary` for a sweep's grid values.
    public let option: String

    /// Parses `PATH=VALUE`.
    public init(parsing argument: String) throws(OverrideError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw OverrideError(argument: argument, message: "expected PATH=VALUE, found no '='")
        }
        let path = argument[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if path.isEmpty || path.contains(where: \.isEmpty) {
            throw OverrideError(argument: argument,
                                message: "expected a dotted key path such as actions.kh_rockets.rung before '='")
        }
        let value = String(argument[argument.index(after: equals)...])
        if value.isEmpty {
            throw OverrideError(argument: argument, message: "expected a value after '='")
        }
        self.path = path
        self.text = value
        self.option = "--set"
    }

    public init(path: [String], text: String, option: String = "--set") {
        self.path = path
        self.text = text
        self.option = option
    }

    public var pathString: String { path.joined(separator: ".") }
    public var description: String { "\(pathString)=\(text)" }

    /// Sets the value at the path in `root`. The parent of the last key must exist; the last key
    /// may be new (the compiler then checks it is a key the scenario format knows).
    public func apply(to root: inout YAMLNode) throws(OverrideError) {
        let file = "\(option) \(abbreviated(pathString, limit: 100))"
        let parsed: YAMLNode?
        do {
            parsed = try YAMLReader.parse(text, file: file)
        } catch {
            throw OverrideError(argument: description, message: "expected a YAML value, found '\(abbreviated(text))'")
        }
        let value = parsed ?? YAMLNode(.null, at: SourceLocation(file: file, line: 1, column: 1))
        try Override.set(value, at: path[...], in: &root, walked: [], argument: description)
    }

    private static func set(_ value: YAMLNode, at path: ArraySlice<String>, in node: inout YAMLNode,
                            walked: [String], argument: String) throws(OverrideError) {
        let key = path.first!
        let here = walked.isEmpty ? "the top of the scenario" : walked.joined(separator: ".")
        switch node.value {
        case .mapping(var pairs):
            if let i = pairs.firstIndex(where: { $0.key == key }) {
                if path.count == 1 {
                    pairs[i].value = value
                } else {
                    try set(value, at: path.dropFirst(), in: &pairs[i].value, walked: walked + [key], argument: argument)
                }
            } else if walked.isEmpty && !ScenarioCompiler.topKeys.contains(key) {
                // A new key at the top that no scenario has: a path that does not exist (exit
                // 64), not a value the compiler would refuse.
                let hint = Suggestions.hint(for: key, in: ScenarioCompiler.topKeys).map { " (\($0))" } ?? ""
                throw OverrideError(argument: argument, message: "no key '\(key)' at \(here)\(hint)")
            } else if path.count == 1 {
                pairs.append((key, value.location, value))
            } else {
                let hint = Suggestions.hint(for: key, in: pairs.map(\.key)).map { " (\($0))" } ?? ""
                throw OverrideError(argument: argument, message: "no key '\(key)' under \(here)\(hint)")
            }
            node.value = .mapping(pairs)
        case .sequence(var items):
            guard let i = Override.index(of: key, in: items) else {
                throw OverrideError(argument: argument, message: Override.noItem(key, in: items, under: here))
            }
            if path.count == 1 {
                items[i] = value
            } else {
                try set(value, at: path.dropFirst(), in: &items[i], walked: walked + [key], argument: argument)
            }
            node.value = .sequence(items)
        default:
            throw OverrideError(argument: argument,
                                message: "\(here) is \(node.kindDescription), which has no key '\(key)'")
        }
    }

    /// Why `path` names no value in `root` ("no key 'x' under actions (did you mean 'y'?)"), or
    /// nil if it does.
    public static func missingReason(_ path: [String], in root: YAMLNode) -> String? {
        var node = root
        var walked: [String] = []
        for key in path {
            let here = walked.isEmpty ? "the top of the scenario" : walked.joined(separator: ".")
            switch node.value {
            case .mapping(let pairs):
                guard let next = node[key] else {
                    let hint = Suggestions.hint(for: key, in: pairs.map(\.key)).map { " (\($0))" } ?? ""
                    return "no key '\(key)' under \(here)\(hint)"
                }
                node = next
            case .sequence(let items):
                guard let i = Override.index(of: key, in: items) else { return Override.noItem(key, in: items, under: here) }
                node = items[i]
            default:
                return "\(here) is \(node.kindDescription), which has no key '\(key)'"
            }
            walked.append(key)
        }
        return nil
    }

    /// Why `path` cannot be varied as a number in `root` (sweeps, sensitivity), or nil if it can:
    /// a number written there, or the value of a calibrated parameter (`parameters.X.value`,
    /// which pins it). Where a parameter's name stands instead of a number, says which path to
    /// vary.
    public static func numericProblem(_ path: [String], in root: YAMLNode) -> String? {
        let parameters = root["parameters"]
        if let node = lookup(path, in: root) {
            guard let text = node.scalar else { return "the value there is \(node.kindDescription), not a number" }
            if Double(text.replacingOccurrences(of: "_", with: "")) != nil { return nil }
            let name = text.trimmingCharacters(in: .whitespaces)
            if parameters?[name] != nil {
                return "the value there is the parameter '\(name)'; vary parameters.\(name).value instead"
            }
            return "the value there is \(node.kindDescription), not a number"
        }
        if path.count == 3, path[0] == "parameters", path[2] == "value", parameters?[path[1]]?["prior"] != nil { return nil }
        return missingReason(path, in: root) ?? "no such value"
    }

    /// The item of a list that `key` names: its index (`2`), or the `name` or `id` of the item
    /// (`policies.us_limited.rules.non-lethal KH attacks.probability`), so a path survives rules
    /// being added or reordered.
    public static func index(of key: String, in items: [YAMLNode]) -> Int? {
        if let i = Int(key) { return items.indices.contains(i) ? i : nil }
        return items.firstIndex { $0["name"]?.scalar == key || $0["id"]?.scalar == key }
    }

    static func noItem(_ key: String, in items: [YAMLNode], under here: String) -> String {
        let names = items.compactMap { $0["name"]?.scalar ?? $0["id"]?.scalar }
        let range = items.isEmpty ? "the list under \(here) is empty" : "expected a list index 0 to \(items.count - 1)"
        guard !names.isEmpty, Int(key) == nil else { return "\(range) under \(here), found '\(key)'" }
        let hint = Suggestions.hint(for: key, in: names).map { " (\($0))" } ?? ""
        return "\(range) or an item's name under \(here), found '\(key)'\(hint); names: "
            + names.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// The path with list items named by index, as the scenario's own diagnostics name them.
    public static func canonical(_ path: [String], in root: YAMLNode) -> [String] {
        var node = root, out: [String] = []
        for key in path {
            switch node.value {
            case .mapping:
                guard let next = node[key] else { return out + path.dropFirst(out.count) }
                node = next
                out.append(key)
            case .sequence(let items):
                guard let i = index(of: key, in: items) else { return out + path.dropFirst(out.count) }
                node = items[i]
                out.append(String(i))
            default: return out + path.dropFirst(out.count)
            }
        }
        return out
    }

    /// The existing value at the path, if any (sweeps check their paths before running).
    public static func lookup(_ path: [String], in root: YAMLNode) -> YAMLNode? {
        var node = root
        for key in path {
            switch node.value {
            case .mapping: guard let next = node[key] else { return nil }; node = next
            case .sequence(let items):
                guard let i = index(of: key, in: items) else { return nil }
                node = items[i]
            default: return nil
            }
        }
        return node
    }
}

/// A `--set` that cannot be applied: a command-line mistake (exit 64).
public struct OverrideError: Error, Sendable, CustomStringConvertible {
    public let argument: String
    public let message: String
    public var description: String { "--set \(abbreviated(argument)): \(abbreviated(message, limit: 600))" }
}
