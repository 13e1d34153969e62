import Foundation

/// Writes one file so that it appears under its name only when complete, with the checks and
/// the lock of `OutputFiles`. A crash part way leaves the old file (or none), never a
/// half-written one.
public enum AtomicFile {
    public typealias WriteError = Experiments.WriteError

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws(WriteError) {
        let output = try OutputFiles([path])
        try output.stage(data, for: path)
        try output.commit()
    }
}
