import Foundation
import Record

/// Reads a scenario file and everything it builds on: `extends:` (a scenario it changes) and
/// `include:` (parameter files merged in), into one merged tree.
///
/// Merging: mappings merge key by key, recursively (the later file wins, new keys go at the end);
/// a list is patched item by item by a mapping of indices (`rules: {0: {probability: 1}}`, `~`
/// removes an item, the index one past the end appends); a tagged value (a distribution such as
/// `{gamma: ...}`, a change `{set: ...}`, a `{piecewise: ...}` rate) over another replaces it
/// whole; any other value replaces the earlier one whole; a key set to null (`~`) is removed.
/// Order: the extended scenario, then each include in order, then the file itself.
struct ScenarioSource {
    /// The merged tree.
    var root: YAMLNode
    /// Name of the scenario: its file name without extension.
    var name: String
    /// Every file read, in the order first read (for the scenario content hash).
    var files: [(path: String, text: String)]

    static func load(path: String) throws -> ScenarioSource {
        var reader = Reader()
        guard let root = try reader.load(path: path, chain: [], reference: nil) else {
            throw ScenarioError([Diagnostic(SourceLocation(file: path, line: 1, column: 1), path: "",
                                            expected: "a scenario (a YAML mapping)", found: "an empty file")])
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return ScenarioSource(root: root, name: name, files: reader.files)
    }

    struct Reader {
        var files: [(path: String, text: String)] = []

        /// `reference` is the `extends:`/`include:` node that named this file (nil for the file
        /// asked for), so a missing file is reported where it was named.
        mutating func load(path: String, chain: [String], reference: YAMLNode?) throws -> YAMLNode? {
            let canonical = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            if let first = chain.firstIndex(of: canonical), let reference {
                let cycle = (chain[first...] + [canonical]).map { ($0 as NSString).lastPathComponent }
                throw ScenarioError([Diagnostic(reference.location, path: "extends",
                                                expected: "a chain of extends: without cycles",
                                                found: cycle.joined(separator: " → "))])
            }
            let data: Data
            do {
                data = try SourceText.read(path)
            } catch let error as SourceReadError {
                if let reference {
                    throw ScenarioError([Diagnostic(reference.location, path: "",
                                                    expected: "a readable scenario file",
                                                    found: "\(error.reason) at '\(path)'")])
                }
                throw error
            }
            let text = try SourceText.decode(data, file: path)
            files.append((path, text))
            guard let node = try YAMLReader.parse(text, file: path) else { return nil }
            guard case .mapping(var pairs) = node.value else {
                throw ScenarioError([Diagnostic(node.location, path: "", expected: "a scenario (a YAML mapping)",
                                                found: node.kindDescription)])
            }
            let directory = folderPart(of: path)
            func resolve(_ relative: String) -> String {
                relative.hasPrefix("/") || directory.isEmpty ? relative : directory + "/" + relative
            }

            var base: YAMLNode?
            var diagnostics = Diagnostics()
            if let extends = pairs.first(where: { $0.key == "extends" })?.value {
                if let parent = extends.scalar {
                    base = try load(path: resolve(parent), chain: chain + [canonical], reference: extends)
                } else {
                    diagnostics.error(extends.location, "extends", expected: "the path of a scenario file",
                                      found: extends.kindDescription)
                }
            }
            if let include = pairs.first(where: { $0.key == "include" })?.value {
                let items: [YAMLNode]
                switch include.value {
                case .sequence(let list): items = list
                case .scalar: items = [include]
                default:
                    items = []
                    diagnostics.error(include.location, "include", expected: "a path or a list of paths",
                                      found: include.kindDescription)
                }
                for (i, item) in items.enumerated() {
                    guard let relative = item.scalar else {
                        diagnostics.error(item.location, "include[\(i)]", expected: "the path of a parameter file",
                                          found: item.kindDescription)
                        continue
                    }
                    if let fragment = try load(path: resolve(relative), chain: chain + [canonical], reference: item) {
                        base = try base.map { try merge($0, fragment) } ?? fragment
                    }
                }
            }
            if !diagnostics.isEmpty { throw ScenarioError(diagnostics.list) }
            pairs.removeAll { $0.key == "extends" || $0.key == "include" }
            // Paths a file names are relative to that file, wherever the scenario extending it is.
            pairs = pairs.map { pair in
                var pair = pair
                switch pair.key {
                case "record":
                    pair.value = resolved(pair.value, resolve)
                case "calibration", "hindcast":
                    if case .mapping(var inner) = pair.value.value {
                        for k in inner.indices where ["posterior", "with", "calibrate_on"].contains(inner[k].key) {
                            inner[k].value = resolved(inner[k].value, resolve)
                        }
                        pair.value.value = .mapping(inner)
                    }
                default: break
                }
                return pair
            }
            let own = YAMLNode(.mapping(pairs), at: node.location)
            return try base.map { try merge($0, own) } ?? own
        }
    }
}

/// A path, or a list of paths, made relative to the file that wrote it.
private func resolved(_ node: YAMLNode, _ resolve: (String) -> String) -> YAMLNode {
    switch node.value {
    case .scalar(let s, let quoted): return YAMLNode(.scalar(resolve(s), quoted: quoted), at: node.location)
    case .sequence(let items): return YAMLNode(.sequence(items.map { resolved($0, resolve) }), at: node.location)
    default: return node
    }
}

/// `over` merged onto `base` (see `ScenarioSource`).
func merge(_ base: YAMLNode, _ over: YAMLNode) throws(ScenarioError) -> YAMLNode {
    if case .sequence(var items) = base.value, case .mapping(let patches) = over.value, !patches.isEmpty,
       patches.allSatisfy({ Int($0.key) != nil }) {
        var removals: [Int] = []
        for patch in patches {
            let i = Int(patch.key)!
            if case .null = patch.value.value, items.indices.contains(i) {
                removals.append(i)
            } else if items.indices.contains(i) {
                items[i] = try merge(items[i], patch.value)
            } else if i == items.count {
                items.append(patch.value)
            } else {
                throw ScenarioError([Diagnostic(patch.keyLocation, path: "",
                                                expected: "an index from 0 to \(items.count) (the list has \(items.count) items)",
                                                found: "\(i)")])
            }
        }
        for i in removals.sorted(by: >) { items.remove(at: i) }
        return YAMLNode(.sequence(items), at: over.location)
    }
    guard case .mapping(var merged) = base.value, case .mapping(let changes) = over.value else {
        return over
    }
    if merged.count == 1, changes.count == 1, taggedValueKeys.contains(merged[0].key),
       taggedValueKeys.contains(changes[0].key) {
        return over
    }
    for change in changes {
        if let i = merged.firstIndex(where: { $0.key == change.key }) {
            if case .null = change.value.value {
                merged.remove(at: i)
            } else {
                merged[i] = (change.key, change.keyLocation, try merge(merged[i].value, change.value))
            }
        } else if case .null = change.value.value {
            continue
        } else {
            merged.append(change)
        }
    }
    return YAMLNode(.mapping(merged), at: over.location)
}

/// Keys that tag a value's kind: a mapping with one of these as its only key is one value (a
/// distribution, a state change, a piecewise rate), replaced whole by another such value.
let taggedValueKeys: Set<String> = [
    "fixed", "uniform", "exponential", "gamma", "lognormal", "poisson", "negative_binomial", "bernoulli", "discrete",
    "set", "add", "piecewise",
]
