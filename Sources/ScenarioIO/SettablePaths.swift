/// Every value of a merged scenario that `--set`, `--vary`, `--only` and `compare` can change,
/// with its path, its current value and what it is.
public enum SettablePaths {
    public struct Entry: Sendable {
        /// With list items by index, as the scenario's diagnostics name them.
        public let path: [String]
        /// The same path with named list items (rules, interventions) by name, where any.
        public let namedPath: [String]?
        public let value: String
        public let label: String?
        /// A number, or a parameter's name standing for one: what sweeps and sensitivity vary.
        public let numeric: Bool
    }

    /// Documentation: settable, but it changes no number.
    static let documentation: Set<String> = ["title", "summary", "why", "label", "note", "narrative", "unit"]

    public static func entries(in root: YAMLNode, includeDocumentation: Bool = false) -> [Entry] {
        var found: [Entry] = []
        func walk(_ node: YAMLNode, _ path: [String], _ named: [String], _ hasName: Bool) {
            switch node.value {
            case .mapping(let pairs):
                for pair in pairs where includeDocumentation || !documentation.contains(pair.key) {
                    walk(pair.value, path + [pair.key], named + [pair.key], hasName)
                }
                // A calibrated parameter has no value written: each run draws it from the posterior.
                // Setting `value` pins it, so the path is settable all the same.
                if path.count == 2, path[0] == "parameters", node["value"] == nil, node["prior"] != nil {
                    let valuePath = path + ["value"]
                    found.append(Entry(path: valuePath, namedPath: nil, value: "(calibrated: drawn from its posterior)",
                                       label: ParameterLabel.describe(valuePath, in: root), numeric: true))
                }
            case .sequence(let items):
                for (i, item) in items.enumerated() {
                    let name = item["name"]?.scalar ?? item["id"]?.scalar
                    walk(item, path + [String(i)], named + [name ?? String(i)], hasName || name != nil)
                }
            case .scalar(let text, _):
                let isNumber = Double(text.replacingOccurrences(of: "_", with: "")) != nil
                let isParameter = root["parameters"]?[text.trimmingCharacters(in: .whitespaces)] != nil
                found.append(Entry(path: path, namedPath: hasName ? named : nil, value: text,
                                   label: ParameterLabel.describe(path, in: root), numeric: isNumber || isParameter))
            case .null:
                found.append(Entry(path: path, namedPath: hasName ? named : nil, value: "~", label: nil, numeric: false))
            }
        }
        walk(root, [], [], false)
        return found
    }
}
