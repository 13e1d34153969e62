import Foundation
import Record
import TestSupport
import Testing

/// No sentence of a source document enters the project: every text file in the repository is
/// checked for any run of 8 consecutive words (case and punctuation folded) that also occurs in
/// a document of `../shared/seeds/`. The titles and addresses of publications listed in
/// `seeds/sources.csv` are the one exception: a title (or the address that spells it) may be cited
/// whole.
///
/// Where the documents are at hand (`../shared/seeds`, or `ESCALATION_SOURCES`), the check reads
/// them, and also requires `source-fingerprints.txt` to be their current fingerprints. Elsewhere
/// (a clean clone in CI) it uses those fingerprints: hashes of the 8-word runs, not the words.
struct SourceCopyTests {
    static let runLength = 8

    /// Words of a text: maximal runs of ASCII letters and digits, lowercased.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (v >= 0x41 && v <= 0x5A) { current.unicodeScalars.append(Unicode.Scalar(v + 32)!) }
            else if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) { current.unicodeScalars.append(scalar) }
            else if !current.isEmpty { result.append(current); current = "" }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// 64-bit FNV-1a of the run joined by single spaces (as scripts/source-fingerprints does).
    static func fingerprint(_ run: ArraySlice<String>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (i, word) in run.enumerated() {
            if i > 0 { h ^= 0x20; h = h &* 0x0000_0100_0000_01b3 }
            for b in word.utf8 { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 }
        }
        return h
    }

    static func runs(_ words: [String]) -> Set<UInt64> {
        guard words.count >= runLength else { return [] }
        return Set((0...(words.count - runLength)).map { fingerprint(words[$0..<($0 + runLength)]) })
    }

    static var sourcesFolder: String? {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["ESCALATION_SOURCES"],
                                     repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds").path]
        return candidates.compactMap { $0 }.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    static let fingerprintFile = repositoryPath("Tests/RecordTests/source-fingerprints.txt")

    static func storedFingerprints() throws -> Set<UInt64> {
        let text = try String(contentsOfFile: fingerprintFile, encoding: .utf8)
        return Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { UInt64($0, radix: 16) })
    }

    static func liveFingerprints(_ folder: String) throws -> Set<UInt64> {
        var all = Set<UInt64>()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name))
            all.formUnion(runs(words(String(decoding: data, as: UTF8.self))))
        }
        return all
    }

    /// The files git tracks, or, without git, every file outside build and output folders.
    static func repositoryFiles() throws -> [String] {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", repositoryRoot.path, "ls-files", "-z"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        if (try? git.run()) != nil {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            git.waitUntilExit()
            if git.terminationStatus == 0 {
                return String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
            }
        }
        var files: [String] = []
        let skip: Set<String> = [".build", ".git", ".swiftpm", "out"]
        let enumerator = FileManager.default.enumerator(atPath: repositoryRoot.path)
        while let path = enumerator?.nextObject() as? String {
            if skip.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) || path.hasPrefix(".build") { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: repositoryPath(path), isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files
    }

    /// The word runs of publication titles and addresses, which a file may quote whole.
    static func titles() throws -> [[String]] {
        let table = try CSVTable(readingFrom: repositoryPath("seeds/sources.csv"))
        let columns = table.header.indices.filter { ["title", "url"].contains(table.header[$0].text) }
        return table.rows.flatMap { row in columns.map { words(row[$0].text) } }.filter { $0.count >= 3 }
    }

    /// A file's words in segments, each title occurrence cut out so no run crosses or includes it.
    static func segments(_ words: [String], cutting titles: [[String]]) -> [[String]] {
        var cut = [Bool](repeating: false, count: words.count)
        for title in titles where words.count >= title.count {
            for start in 0...(words.count - title.count) where Array(words[start..<(start + title.count)]) == title {
                for k in start..<(start + title.count) { cut[k] = true }
            }
        }
        var result: [[String]] = [[]]
        for (word, isCut) in zip(words, cut) {
            if isCut { if !result[result.count - 1].isEmpty { result.append([]) } } else { result[result.count - 1].append(word) }
        }
        return result
    }

    @Test func noFileSharesEightConsecutiveWordsWithASourceDocument() throws {
        let sources: Set<UInt64>
        if let folder = Self.sourcesFolder {
            sources = try Self.liveFingerprints(folder)
            #expect(try Self.storedFingerprints() == sources,
                    "Tests/RecordTests/source-fingerprints.txt is out of date: run scripts/source-fingerprints \(folder) > Tests/RecordTests/source-fingerprints.txt")
        } else {
            sources = try Self.storedFingerprints()
        }
        #expect(sources.count > 1000, "too few source fingerprints to check against")
        let titles = try Self.titles()
        var offenders: [String] = []
        for file in try Self.repositoryFiles() where file != "Tests/RecordTests/source-fingerprints.txt" {
            guard let data = FileManager.default.contents(atPath: repositoryPath(file)), !data.contains(0) else { continue }
            for segment in Self.segments(Self.words(String(decoding: data, as: UTF8.self)), cutting: titles)
            where segment.count >= Self.runLength {
                if let start = (0...(segment.count - Self.runLength)).first(where: {
                    sources.contains(Self.fingerprint(segment[$0..<($0 + Self.runLength)]))
                }) {
                    offenders.append("\(file): \"\(segment[start..<(start + Self.runLength)].joined(separator: " "))\"")
                    break
                }
            }
        }
        #expect(offenders.isEmpty, Comment(rawValue: "text shared with a source document (reword it; only a publication title may be "
                + "quoted whole):\n" + offenders.joined(separator: "\n")))
    }

    /// The check itself: it finds a sentence copied from a document and ignores a title.
    @Test func theCheckCatchesACopiedRunAndAllowsATitle() throws {
        let document = Self.runs(Self.words("The quick brown fox jumps over the lazy dog by the river bank."))
        let copied = Self.words("As it says, THE quick brown fox jumps—over the lazy dog! Then more.")
        let found = (0...(copied.count - 8)).contains { document.contains(Self.fingerprint(copied[$0..<($0 + 8)])) }
        #expect(found)
        let title = Self.words("quick brown fox jumps over the lazy dog")
        let cited = Self.segments(Self.words("See 'The quick brown fox jumps over the lazy dog' (1900)."), cutting: [title])
        #expect(cited.allSatisfy { seg in seg.count < 8 || !(0...(seg.count - 8)).contains { document.contains(Self.fingerprint(seg[$0..<($0 + 8)])) } })
        #expect(Self.words("Kata’ib Hezbollah's 2,000-man") == ["kata", "ib", "hezbollah", "s", "2", "000", "man"])
    }
}
