import Foundation
import ScenarioIO

/// The shards of one batch found in a folder by their names (`runs-0007-of-0064.csv`, see
/// `ShardFiles`), and what keeps any of them from being merged: missing, unfinished, without a
/// manifest, or with a manifest of another batch. Each shard that is not ready comes with the
/// command that makes it (`Manifest.batchCommand`, with `--resume`, so a partial shard goes on
/// from where it stopped).
struct ShardFolder {
    struct Ready {
        let index: Int
        let path: String
        let manifest: Manifest
    }

    /// A shard that cannot be merged, and why.
    struct Problem {
        let index: Int
        let reason: String
    }

    let folder: String
    let stem: String
    let count: Int
    /// `.csv` or `.csv.gz`, as most shards are named: the name a missing shard is made under.
    let ext: String
    /// The manifest most shards have: a missing shard is made again from it.
    let reference: Manifest?
    /// The extension each shard was found under.
    private var extensions: [Int: String] = [:]
    private(set) var ready: [Ready] = []
    private(set) var problems: [Problem] = []

    init(scanning folder: String) throws {
        self.folder = folder
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw SourceReadError(path: folder, reason: "the folder cannot be listed")
        }
        // Shard CSVs, partial files (a shard stopped part way, or still running) and manifests,
        // each by the shard's name.
        var csvs: [Int: [String]] = [:], partials: [Int: String] = [:], manifests: Set<Int> = []
        var batches: [String: Int] = [:]
        var found: [ShardFiles.Name] = []
        for name in names {
            var shard: ShardFiles.Name?
            if name.hasSuffix(".partial"), let n = ShardFiles.Name(parsing: String(name.dropLast(8))) {
                shard = n
                partials[n.index] = name
            } else if name.hasSuffix(".manifest.json"), let n = ShardFiles.Name(parsing: String(name.dropLast(14)) + ".csv") {
                shard = n
                manifests.insert(n.index)
            } else if let n = ShardFiles.Name(parsing: name) {
                shard = n
                csvs[n.index, default: []].append(name)
            }
            guard let shard else { continue }
            let batch = shard.stem + "-*-of-" + ShardFiles.Name.padded(shard.count, max(4, String(shard.count).count))
            batches[batch, default: 0] += 1
            found.append(shard)
        }
        guard let first = found.first else {
            throw BatchError("\(folder) holds no shard files: a shard's name is like runs-0001-of-0004.csv "
                             + "(the output name, the shard's index and the number of shards)")
        }
        if batches.count > 1 {
            let listed = batches.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) file\($0.value == 1 ? "" : "s"))" }
            throw BatchError("\(folder) holds shards of more than one batch: \(listed.joined(separator: ", ")); "
                             + "keep one batch in a folder, or name its shard CSVs")
        }
        stem = first.stem
        count = first.count
        let gz = csvs.values.joined().filter { $0.hasSuffix(".gz") }.count
        let plain = csvs.values.joined().count - gz
        ext = gz > plain ? ".csv.gz" : ".csv"

        // The manifests, and the batch most of them describe.
        var read: [Int: Manifest] = [:], unreadable: [Int: String] = [:]
        for index in manifests.sorted() {
            let path = Self.path(ShardFiles.Name(stem: stem, index: index, count: count), in: folder)
            do { read[index] = try Manifest.read(Manifest.path(forCSV: path)) } catch { unreadable[index] = "\(error)" }
        }
        let votes = Dictionary(grouping: read.keys.sorted()) { read[$0]!.batchKey }
        let majority = votes.max { a, b in a.value.count < b.value.count || (a.value.count == b.value.count && a.value[0] > b.value[0]) }
        reference = majority.map { read[$0.value[0]]! }

        for index in 1...count {
            let name = ShardFiles.Name(stem: stem, index: index, count: count)
            let here = csvs[index] ?? []
            extensions[index] = partials[index].map { String($0.dropLast(8)).hasSuffix(".gz") ? ".csv.gz" : ".csv" }
                ?? here.first.map { $0.hasSuffix(".gz") ? ".csv.gz" : ".csv" } ?? ext
            let manifestPath = Manifest.path(forCSV: path(name))
            if here.count > 1 {
                problems.append(Problem(index: index, reason: "both \(here.sorted().joined(separator: " and ")) are here; "
                                        + "remove the one that is not the shard (the command below makes it again)"))
                continue
            }
            if let partial = partials[index] {
                problems.append(Problem(index: index, reason: "unfinished: \(partial) is here (the shard stopped part way, or is still running)"))
                continue
            }
            guard here.count == 1 else {
                problems.append(Problem(index: index, reason: "missing: no \(name.description) (nor .gz)"))
                continue
            }
            if let why = unreadable[index] {
                problems.append(Problem(index: index, reason: why))
                continue
            }
            guard let manifest = read[index] else {
                problems.append(Problem(index: index, reason: "no manifest: \((manifestPath as NSString).lastPathComponent) is not here"))
                continue
            }
            let expected = Shard(index: index, count: count).range(ofRuns: manifest.runs)
            if manifest.shard.index != index || manifest.shard.count != count
                || manifest.shard.first != expected.lowerBound || manifest.shard.end != expected.upperBound {
                problems.append(Problem(index: index, reason: "its manifest is of shard \(manifest.shard.index)/\(manifest.shard.count) "
                                        + "(runs \(manifest.shard.first)..<\(manifest.shard.end)), not of \(index)/\(count)"))
                continue
            }
            if let reference, case let differences = manifest.differences(from: reference), !differences.isEmpty {
                problems.append(Problem(index: index, reason: "does not belong with the other shards: different "
                                        + differences.joined(separator: ", ")))
                continue
            }
            ready.append(Ready(index: index, path: path(name.with(ext: extensions[index]!)), manifest: manifest))
        }
    }

    /// A shard's file in the folder.
    func path(_ name: ShardFiles.Name) -> String { Self.path(name, in: folder) }

    static func path(_ name: ShardFiles.Name, in folder: String) -> String {
        (folder as NSString).appendingPathComponent(name.description)
    }

    /// Shards made under another math fingerprint than most ready shards' are not ready: each is
    /// a problem, made again by its command on a machine with theirs.
    mutating func setAsideOtherMath() {
        guard let main = Manifest.mainMath(ready.map(\.manifest.math)) else { return }
        for shard in ready {
            guard let math = shard.manifest.math, math != main else { continue }
            add(Problem(index: shard.index, reason: "it was made on a machine whose math library's fingerprint is \(math), "
                        + "where most shards' is \(main) (\(Manifest.mathDifference)); make it again on a machine with \(main)"))
        }
        ready.removeAll { $0.manifest.math != nil && $0.manifest.math != main }
    }

    mutating func add(_ problem: Problem) {
        problems.append(problem)
        problems.sort { $0.index < $1.index }
    }

    /// The refusal that lists every shard not ready, each with the command that makes it.
    func failure() -> BatchError {
        var text = "\(folder) does not hold a finished batch: \(problems.count) of its \(count) shard\(count == 1 ? "" : "s") "
            + "\(problems.count == 1 ? "is" : "are") missing or broken"
        for problem in problems {
            let name = ShardFiles.Name(stem: stem, index: problem.index, count: count, ext: extensions[problem.index] ?? ext)
            text += "\n  \(name.description): \(problem.reason)"
            if let reference {
                text += "\n    " + reference.batchCommand(out: path(name), shard: Shard(index: problem.index, count: count), resume: true)
            }
        }
        text += reference == nil
            ? "\n(no shard has a readable manifest, so the commands that make them cannot be told)"
            : "\nRun each command (from the folder the batch was run in: the scenario's path is as the batch was given it), then merge again."
        return BatchError(text)
    }
}

extension ShardFiles.Name {
    func with(ext: String) -> ShardFiles.Name { ShardFiles.Name(stem: stem, index: index, count: count, ext: ext) }
}

extension Manifest {
    /// What two manifests must share to be shards of one batch (`differences(from:)` empty).
    var batchKey: String {
        [version, scenarioHash, overrides.joined(separator: "\u{1}"), posterior ?? "", posteriorHash ?? "", seed,
         String(runs), String(shard.count), columns.joined(separator: ","), outcomes.joined(separator: ",")].joined(separator: "\u{0}")
    }
}
