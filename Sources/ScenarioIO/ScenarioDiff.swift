/// The differences between two scenarios as the simulator sees them: both merged trees (after
/// `extends:` and overrides) walked together, so a what-if file of ten lines that extends the
/// flagship shows exactly the values it changes. Words that only document (titles, labels,
/// reasons, narratives) are left out; list items with names are matched by name, so inserting
/// a rule does not make every later rule look changed.
public enum ScenarioDiff {
    public struct Difference: Sendable, Equatable {
        /// Keys and list indices (of arm B's tree where an item moved).
        public let path: [String]
        /// The value in A and in B, written compactly; nil where that scenario has none.
        public let a: String?
        public let b: String?

        public var pathString: String { path.joined(separator: ".") }

        public init(path: [String], a: String?, b: String?) {
            self.path = path
            self.a = a
            self.b = b
        }
    }

    /// Keys that describe rather than set anything.
    static let documentation: Set<String> = ["title", "summary", "why", "label", "note", "narrative", "unit", "extends"]

    public static func differences(_ a: YAMLNode, _ b: YAMLNode) -> [Difference] {
        var found: [Difference] = []
        walk(a, b, [], &found)
        return found
    }

    static func walk(_ a: YAMLNode, _ b: YAMLNode, _ path: [String], _ found: inout [Difference]) {
        switch (a.value, b.value) {
        case (.mapping(let pa), .mapping(let pb)):
            let keys = pa.map(\.key) + pb.map(\.key).filter { k in !pa.contains { $0.key == k } }
            for key in keys where !documentation.contains(key) {
                switch (a[key], b[key]) {
                case let (x?, y?): walk(x, y, path + [key], &found)
                case let (x?, nil): found.append(Difference(path: path + [key], a: compact(x), b: nil))
                case let (nil, y?): found.append(Difference(path: path + [key], a: nil, b: compact(y)))
                default: break
                }
            }
        case (.sequence(let ia), .sequence(let ib)):
            let named = { (items: [YAMLNode]) in items.map { $0["name"]?.scalar ?? $0["id"]?.scalar } }
            let na = named(ia), nb = named(ib)
            if !na.contains(nil) && !nb.contains(nil) && Set(na.compactMap { $0 }).count == na.count {
                for (j, name) in nb.enumerated() {
                    if let i = na.firstIndex(of: name) { walk(ia[i], ib[j], path + [String(j)], &found) } else {
                        found.append(Difference(path: path + [String(j)], a: nil, b: compact(ib[j])))
                    }
                }
                for (i, name) in na.enumerated() where !nb.contains(name) {
                    found.append(Difference(path: path + [String(i)], a: compact(ia[i]), b: nil))
                }
            } else {
                for i in 0..<max(ia.count, ib.count) {
                    if i < ia.count && i < ib.count { walk(ia[i], ib[i], path + [String(i)], &found) } else {
                        found.append(Difference(path: path + [String(i)], a: i < ia.count ? compact(ia[i]) : nil,
                                                b: i < ib.count ? compact(ib[i]) : nil))
                    }
                }
            }
        default:
            let x = compact(a), y = compact(b)
            if x != y && !sameNumber(a, b) { found.append(Difference(path: path, a: x, b: y)) }
        }
    }

    static func sameNumber(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
        guard let x = a.scalar.flatMap({ Double($0.replacingOccurrences(of: "_", with: "")) }),
              let y = b.scalar.flatMap({ Double($0.replacingOccurrences(of: "_", with: "")) }) else { return false }
        return x == y
    }

    /// A node as one short line: a scalar as written, a mapping or list in flow style.
    public static func compact(_ node: YAMLNode, limit: Int = 120) -> String {
        func text(_ node: YAMLNode) -> String {
            switch node.value {
            case .scalar(let s, _): return s
            case .null: return "~"
            case .sequence(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
            case .mapping(let pairs):
                return "{" + pairs.filter { !documentation.contains($0.key) }.map { "\($0.key): \(text($0.value))" }
                    .joined(separator: ", ") + "}"
            }
        }
        let t = text(node)
        return t.count <= limit ? t : String(t.prefix(limit - 1)) + "…"
    }
}
