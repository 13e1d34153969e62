import EscalationModel
import Experiments
import Foundation
import ScenarioIO
import Synchronization

/// The scenarios a classroom serves: the `.yaml` files directly in one folder that load
/// cleanly, known by their file name without `.yaml`. Nothing else can be named: a request's
/// scenario is looked up in this list, never joined to a path.
public final class ScenarioShelf: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let path: String
        public let loaded: LoadedScenario
        public let knobs: [Explore.Knob]
        /// A what-if built on a documented episode, listed after the episodes. An episode is
        /// checked against history in its own file (`hindcast:`); a what-if inherits that check
        /// with the rest of its episode.
        public var isVariant: Bool {
            !(loaded.files.first?.text.split(separator: "\n").contains { $0.hasPrefix("hindcast:") } ?? false)
        }
    }

    public let folder: String
    public let entries: [Entry]
    /// What-if loads, by scenario and settings, kept a while (a slider goes back and forth).
    private let cache = Mutex<[String: LoadedScenario]>([:])
    static let cacheLimit = 64

    /// Loads every scenario in `folder`; those that fail are left out, with the reason in `skipped`.
    public init(folder: String) throws {
        self.folder = folder
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw ClassroomError.setup("cannot read the scenarios folder \(folder) (\(error.localizedDescription))")
        }
        var entries: [Entry] = []
        var skipped: [String] = []
        for file in files {
            let name = String(file.dropLast(5))
            guard ScenarioShelf.isValidName(name) else { continue }
            let path = (folder as NSString).appendingPathComponent(file)
            do {
                let loaded = try ScenarioLoader.load(path: path)
                entries.append(Entry(name: name, path: path, loaded: loaded, knobs: Explore.knobs(loaded)))
            } catch {
                skipped.append("\(file): \(String(describing: error).prefix(200))")
            }
        }
        guard !entries.isEmpty else {
            throw ClassroomError.setup("no scenario in \(folder) loads" + (skipped.isEmpty ? "" : ": " + skipped.joined(separator: "; ")))
        }
        // The documented episodes first, the latest first (the flagship leads), then the what-ifs.
        self.entries = entries.filter { !$0.isVariant }.sorted {
            ($0.loaded.scenario.start?.iso ?? "", $1.name) > ($1.loaded.scenario.start?.iso ?? "", $0.name)
        } + entries.filter(\.isVariant)
        self.skipped = skipped
    }

    public let skipped: [String]

    /// Names are lower-case letters, digits, '-' and '_': no dots, no slashes.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 95
        }
    }

    public func entry(_ name: String) throws(ClientError) -> Entry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw ClientError(.notFound, "no scenario named \(Self.shown(name)); the scenarios are "
                              + entries.map(\.name).joined(separator: ", "))
        }
        return entry
    }

    /// The scenario with `overrides` applied (loaded once per distinct set of settings).
    public func loaded(_ entry: Entry, overrides: [Override]) throws -> LoadedScenario {
        if overrides.isEmpty { return entry.loaded }
        let key = entry.name + "|" + overrides.map(\.description).joined(separator: "|")
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let loaded = try ScenarioLoader.load(path: entry.path, overrides: overrides)
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[key] = loaded
        }
        return loaded
    }

    /// A name from a request, cut short and without control characters, for a message.
    static func shown(_ text: String) -> String {
        "\"" + String(text.unicodeScalars.prefix(40).map { $0.value < 32 ? "?" : Character($0) }) + "\""
    }
}
