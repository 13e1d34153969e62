import EscalationModel
import Foundation
import Record

/// A scenario file read once and compiled again under different overrides, for analyses that
/// compile hundreds of variants (the points of a Sobol design). Measured on the flagship
/// scenario, parsing its YAML and reading its posterior sample take five times as long as
/// compiling it, so they are done once: the merged tree, the record and each posterior (per set
/// of calibrated parameters left free) are kept. A variant is the scenario that
/// `ScenarioLoader.load(path:overrides:)` gives for the same overrides, with the posterior the
/// scenario declares. Safe to use from several threads.
public final class ScenarioVariants: Sendable {
    let root: YAMLNode
    let name: String
    let catalog: Catalog?
    let posteriors = PosteriorCache()

    /// Reads the scenario (with `overrides`, the `--set`s that every variant shares) as
    /// `ScenarioLoader.load` does, and fails as it does.
    public init(path: String, overrides: [Override] = []) throws {
        let loaded = try ScenarioLoader.load(path: path, overrides: overrides)
        var source = try ScenarioSource.load(path: path)
        for override in overrides { try override.apply(to: &source.root) }
        root = source.root
        name = source.name
        catalog = loaded.catalog
    }

    /// The scenario with `overrides` applied after the shared ones.
    public func scenario(_ overrides: [Override]) throws -> Scenario {
        var tree = root
        for override in overrides { try override.apply(to: &tree) }
        let compiled = try ScenarioCompiler.compile(tree, name: name, catalog: catalog)
        let slots = compiled.scenario.parameters.names
        // As ScenarioLoader.load: draws from the declared posterior when it exists, else the
        // compiled prior medians.
        guard !slots.isEmpty, let file = compiled.calibration?.posterior, FileManager.default.fileExists(atPath: file) else {
            return compiled.scenario
        }
        let pinned = Set(compiled.parameters.filter { if case .pinned = $0.origin { true } else { false } }.map(\.id))
        let (posterior, medians) = try posteriors.get(file: file, slots: slots, pinned: pinned) {
            let supports = slots.map { name in
                compiled.parameters.first { $0.id == name }?.prior?.support ?? -Double.infinity...Double.infinity
            }
            let posterior = try PosteriorFile.read(path: file, names: slots, supports: supports, ignored: pinned)
            return (posterior, slots.indices.map { posterior.quantile($0, 0.5) })
        }
        return compiled.scenario.with(parameters: ParameterSlots(names: slots, pointValues: medians, posterior: posterior))
    }
}

/// Posteriors read, by file and the calibrated parameters they are read for.
final class PosteriorCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (Posterior, [Double])] = [:]

    func get(file: String, slots: [String], pinned: Set<String>,
             read: () throws -> (Posterior, [Double])) throws -> (Posterior, [Double]) {
        let key = ([file] + slots + ["|"] + pinned.sorted()).joined(separator: "\u{1F}")
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[key] { return entry }
        let entry = try read()
        entries[key] = entry
        return entry
    }
}
