import Foundation
import Record
import Synchronization

/// What a report checked of the batch it describes, said in its page.
public struct ReportCheck: Sendable {
    /// The batch CSV read, or nil when the runs were simulated for the report.
    public var csv: String?
    /// SHA-256 of the CSV's text (decompressed, for a .csv.gz): of the file read, or of the CSV
    /// `batch` writes for these runs when they were simulated for the report.
    public var csvSHA256: String
    /// Rows whose run and seed columns and written form were checked: every row.
    public var rows: Int
    /// The runs simulated again (with traces) and matched byte for byte.
    public var sample: ReportSample

    /// The sentence the page gives.
    public var text: String {
        let all = ReportSample.grouped(sample.range.count)
        guard let csv else {
            return "The \(all) runs were simulated for this report. The CSV `escalation batch` writes for them has "
                + "SHA-256 \(csvSHA256)."
        }
        let file = (csv as NSString).lastPathComponent
        let which = sample.isWhole
            ? "All \(all) replications were re-simulated and matched \(file) byte for byte"
            : "\(ReportSample.grouped(sample.runs.count)) of the \(all) replications were re-simulated and matched \(file) "
                + "byte for byte (one in each of \(ReportSample.grouped(sample.runs.count)) equal stretches of the runs, drawn from "
                + "the CSV's SHA-256, so not known before the file was); the other rows are as read, not re-simulated"
        return which + "; every row's run and seed columns were checked (the seed is the one the master seed gives the run); "
            + "the scenario's content hash matched the manifest's; the CSV's "
            + "SHA-256 is \(csvSHA256)" + (csv.hasSuffix(".gz") ? " (of its decompressed text: gunzip -c \(file) | sha256sum)" : "")
            + "."
    }
}

/// Hashes the text of a CSV on a thread of its own while the caller reads the rows: the text is
/// what `LineReader` gives (decompressed, for gzip), each line with its newline, then anything
/// after the last newline.
final class CSVHashing: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<String, Error> = .success("")
    /// Set when the rows were refused: the hash is no longer wanted.
    private let stopped = Atomic<Bool>(false)

    init(path: String) {
        DispatchQueue.global().async {
            self.result = Result {
                var reader = try LineReader(path: path)
                defer { reader.close() }
                var hasher = SHA256Hasher()
                let newline: [UInt8] = [10]
                var lines = 0
                while let line = try reader.nextLine() {
                    lines += 1
                    if lines % 4096 == 0 && self.stopped.load(ordering: .relaxed) { return "" }
                    hasher.update(UnsafeRawBufferPointer(line))
                    newline.withUnsafeBytes { hasher.update($0) }
                }
                reader.trailing.withUnsafeBytes { hasher.update($0) }
                return hasher.hex()
            }
            self.done.signal()
        }
    }

    /// Stops hashing soon (for a file refused before the hash was needed).
    func stop() { stopped.store(true, ordering: .relaxed) }

    /// The digest in hexadecimal, once the whole file is read.
    func hex() throws -> String {
        done.wait()
        return try result.get()
    }
}
