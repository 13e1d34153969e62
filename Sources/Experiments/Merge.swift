import Foundation
import ScenarioIO

/// Joins the shards of one batch into the CSV (and summary) the batch run whole would have
/// written, byte for byte. Shards must come from the same program version, scenario text,
/// overrides, seed, run count and shard count, and together cover every run exactly once.
public enum Merge {
    public struct Result {
        public let manifest: Manifest
        public let summary: BatchSummary?
        public let runs: Int
        /// How many shards were merged.
        public let shards: Int
    }

    /// Merges the shard CSVs named, or, for one folder, the shards in it (`ShardFolder`):
    /// every shard of the batch must be there and finished, else the refusal lists each one
    /// that is not with the command that makes it. Not `durable` (`--no-sync`), the outputs
    /// are renamed into place without waiting for the disk.
    public static func merge(inputs: [String], out: String, summaryPath: String?, durable: Bool = true) throws -> Result {
        guard !inputs.isEmpty else { throw BatchError("name at least one shard CSV, or a folder of shards") }
        var isDirectory: ObjCBool = false
        if inputs.count == 1, FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isDirectory), isDirectory.boolValue {
            return try merge(folder: inputs[0], out: out, summaryPath: summaryPath, durable: durable)
        }
        var shards: [MergePass.Input] = []
        for path in inputs {
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SourceReadError(path: path, reason: "no such shard file")
            }
            if isDirectory.boolValue { throw BatchError("\(path) is a folder; name the shard CSV files, or one folder alone") }
            shards.append(.init(path: path, manifest: try Manifest.read(Manifest.path(forCSV: path))))
        }
        let reference = shards[0]
        for shard in shards.dropFirst() {
            let differences = shard.manifest.differences(from: reference.manifest)
            if !differences.isEmpty {
                throw BatchError("\(shard.path) does not belong with \(reference.path): different "
                                 + differences.joined(separator: ", "))
            }
        }
        shards.sort { $0.manifest.shard.first < $1.manifest.shard.first }
        var expected = 0
        for (i, shard) in shards.enumerated() {
            let s = shard.manifest.shard
            if i > 0, s.first < expected {
                throw BatchError("\(shard.path) (shard \(s.index)/\(s.count), runs \(s.first)..<\(s.end)) overlaps "
                                 + "\(shards[i - 1].path) (runs up to \(expected))")
            }
            if s.first > expected {
                throw BatchError("runs \(expected)..<\(s.first) are missing: no shard covers them "
                                 + "(next is \(shard.path), shard \(s.index)/\(s.count))")
            }
            expected = s.end
        }
        if expected != reference.manifest.runs {
            throw BatchError("runs \(expected)..<\(reference.manifest.runs) are missing: no shard covers them")
        }
        let pass = try self.pass(over: shards)
        return try write(pass, out: out, summaryPath: summaryPath, durable: durable, stopAtFirst: true) { failures in
            BatchError(failures[0].message)
        }
    }

    /// A folder's shards: all of them, finished, or a refusal naming each that is not.
    static func merge(folder: String, out: String, summaryPath: String?, durable: Bool) throws -> Result {
        var found = try ShardFolder(scanning: folder)
        found.setAsideOtherMath()
        guard !found.ready.isEmpty else { throw found.failure() }
        let pass = try self.pass(over: found.ready.map { MergePass.Input(path: $0.path, manifest: $0.manifest) })
        func refusal(_ failures: [MergePass.Failure]) -> BatchError {
            for failure in failures {
                let path = pass.inputs[failure.shard].path
                var reason = Substring(failure.message)
                if reason.hasPrefix(path + ": ") { reason = reason.dropFirst(path.count + 2) }
                else if reason.hasPrefix(path + " ") { reason = reason.dropFirst(path.count + 1) }
                found.add(ShardFolder.Problem(index: found.ready[failure.shard].index, reason: String(reason)))
            }
            return found.failure()
        }
        if !found.problems.isEmpty {
            // Read the others too, writing nothing, so that one refusal lists every shard to make again.
            let (_, failures) = try pass.run(output: nil, summarise: false, stopAtFirst: false)
            throw refusal(failures)
        }
        return try write(pass, out: out, summaryPath: summaryPath, durable: durable, stopAtFirst: false, refusal: refusal)
    }

    /// What a pass over shards needs: the scenario that made them (the rows are checked against
    /// it, see `RowVerifier`; it loads while the rows are read), the master seed, the header
    /// and the columns.
    static func pass(over shards: [MergePass.Input]) throws -> MergePass {
        _ = try Manifest.commonMath(of: shards.map { ($0.path, $0.manifest) })
        let reference = shards[0]
        guard let masterSeed = UInt64(reference.manifest.seed) else { throw BatchError("\(reference.path): its manifest's seed is not a number") }
        return MergePass(inputs: shards, header: reference.manifest.columns.joined(separator: ","),
                         load: { try loadScenario(of: shards).scenario },
                         masterSeed: masterSeed, table: try RunTable(manifest: reference.manifest))
    }

    /// The scenario the shards were made from, as the first shard's manifest names it, or, if
    /// that does not load from here (a relative path, from a shard run in another folder), as
    /// the next one's does. The shards are known to belong together (same scenario text,
    /// overrides and posterior by their hashes), so any of them that loads is the one.
    static func loadScenario(of shards: [MergePass.Input]) throws -> LoadedScenario {
        var firstError: Error?
        for shard in shards {
            do {
                return try shard.manifest.loadScenario(besideCSV: shard.path, purpose: "checking the shards' rows")
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? BatchError("no shards to load a scenario from")
    }

    /// The shards' counts of runs above `max_rate` added up: nil if none records one (manifests
    /// written before they did), and fewer runs checked than the batch's if some do not.
    static func rateCount(_ shards: [Manifest]) -> Manifest.RateCount? {
        let known = shards.compactMap(\.maxRateExceeded)
        guard !known.isEmpty else { return nil }
        return .init(runs: known.map(\.runs).reduce(0, +), checked: known.map(\.checked).reduce(0, +),
                     highest: known.map(\.highest).reduce(nil, Manifest.RateCount.merged))
    }

    /// Writes the merged CSV, its manifest and the summary, all or none.
    static func write(_ pass: MergePass, out: String, summaryPath: String?, durable: Bool, stopAtFirst: Bool,
                      refusal: ([MergePass.Failure]) -> BatchError) throws -> Result {
        let outputs = try OutputFiles([out, Manifest.path(forCSV: out), summaryPath].compactMap { $0 }, durable: durable)
        let inputs = Set(pass.inputs.flatMap { [OutputFiles.canonical($0.path), OutputFiles.canonical(Manifest.path(forCSV: $0.path))] })
        for output in outputs.targets where inputs.contains(OutputFiles.canonical(output)) {
            throw BatchError("\(output) is a shard or a shard's manifest as well as an output of the merge; name another file")
        }
        // So are the scenario and posterior the shards were made from (which the merge loads to
        // check a sample of rows).
        if !pass.inputs.isEmpty {
            try outputs.protect(loadScenario(of: pass.inputs).files.map(\.path))
        }
        let temporary = OutputFiles.temporaryPath(for: out)
        let output = try FileWriter.create(temporary, reportedAs: out, compressed: Gzip.isNamed(out), durable: durable)
        outputs.adopt(temporary, for: out, keep: false)
        var finished = false
        defer { if !finished { output.abandon() } }
        try output.write(pass.header + "\n")
        let (summary, failures) = try pass.run(output: output, summarise: summaryPath != nil, stopAtFirst: stopAtFirst)
        if !failures.isEmpty { throw refusal(failures) }
        finished = true
        try output.finish()
        let shards = pass.inputs
        var manifest = shards[0].manifest
        manifest.shard = .init(index: 1, count: 1, first: 0, end: manifest.runs)
        manifest.started = shards.map(\.manifest.started).min() ?? manifest.started
        manifest.finished = shards.map(\.manifest.finished).max() ?? manifest.finished
        manifest.maxRateExceeded = rateCount(shards.map(\.manifest))
        // The shards' one fingerprint (`pass(over:)` refused more); unknown if a shard records none.
        manifest.math = shards.allSatisfy { $0.manifest.math != nil } ? shards[0].manifest.math : nil
        if let summaryPath, let summary { try outputs.stage(summary.csv(), for: summaryPath) }
        try outputs.stage(manifest.encoded(), for: Manifest.path(forCSV: out))
        try outputs.commit()
        return Result(manifest: manifest, summary: summary, runs: manifest.runs, shards: shards.count)
    }
}
