import Foundation

/// Writes a file so that it appears under its name only when complete: the bytes go to a
/// temporary file beside it, which is flushed and renamed over the target. A crash part way
/// leaves the old file (or none), never a half-written one.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws(WriteError) {
        let temporary = temporaryPath(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw WriteError(path: path, reason: reason(creating: temporary))
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            try commit(temporary, to: path)
        } catch let error as WriteError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw WriteError(path: path, reason: error.localizedDescription)
        }
    }

    /// `dir/.name.tmp-PID`: hidden, beside the target (so the rename stays on one file system).
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        return directory + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Renames a finished temporary file over `path`.
    public static func commit(_ temporary: String, to path: String) throws(WriteError) {
        if rename(temporary, path) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw WriteError(path: path, reason: message)
        }
    }

    static func reason(creating temporary: String) -> String {
        let directory = (temporary as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return "no such directory '\(directory)'"
        }
        return "permission denied in '\(directory)'"
    }
}
