import Foundation
import Record

/// A failure to write an output, named by the output and by what the system said (ENOSPC,
/// EACCES, EROFS ... each in words). The command line turns it into exit 74.
public struct WriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// The errno behind it, when there is one.
    public let code: Int32?

    public init(path: String, reason: String, code: Int32? = nil) {
        self.path = path
        self.reason = reason
        self.code = code
    }

    public init(path: String, errno code: Int32) {
        self.init(path: path, reason: WriteError.describe(errno: code), code: code)
    }

    public var description: String { "cannot write '\(withVisibleControls(path, lineBreaks: false))': \(reason)" }

    /// What an errno means for someone writing a file.
    public static func describe(errno code: Int32) -> String {
        switch code {
        case ENOSPC: "no space left on the device (the disk is full)"
        case EDQUOT: "the disk quota is used up"
        case EACCES, EPERM: "permission denied"
        case EROFS: "the file system is read-only"
        case EPIPE: "the reader closed the pipe"
        case ENOENT: "no such directory"
        case ENOTDIR: "a part of the path is not a directory"
        case EISDIR: "it is a directory"
        case EFBIG: "the file is larger than this system allows"
        case EIO: "an input/output error on the device"
        case EBADF: "it is not open for writing"
        case ELOOP: "it is a symbolic link"
        default: String(cString: strerror(code))
        }
    }
}

/// Standard output was a pipe whose reader has gone (`escalation run ... | head`): the command
/// stops quietly, as Unix tools do.
public struct ClosedPipe: Error {}

/// Linux's sync_file_range(2), found at run time: Swift's Glibc module leaves it out (it is a
/// GNU extension), and other systems do not have it (there the hint is not given).
private let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "sync_file_range") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
}()

/// Has the disk start writing a file's pages every few MiB as they are written, so that the
/// fsync that finishes the file waits for the last few MiB only: a merge or a batch writes
/// hundreds of MiB, and the disk then works while the rows are still being checked or made.
private final class Writeback: @unchecked Sendable {
    static let stride: Int64 = 8 << 20
    let descriptor: Int32
    private var unstarted: Int64 = 0

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// `count` more bytes were written (by one thread at a time, as a FileWriter is used).
    func wrote(_ count: Int) {
        unstarted += Int64(count)
        guard unstarted >= Self.stride else { return }
        unstarted = 0
        // Offset 0 and length 0: every dirty page of the file; SYNC_FILE_RANGE_WRITE (2) starts
        // their write-out without waiting for it. A failure here is only a lost hint: fsync reports.
        _ = syncFileRange?(descriptor, 0, 0, 2)
    }
}

/// Writes bytes to a file descriptor, all of them or an error that says why.
public struct FileWriter: Sendable {
    public let descriptor: Int32
    /// The name errors give: the output the user asked for, not a temporary file's.
    public let name: String
    private let owned: Bool
    /// Compresses what is written, for a `.gz` output.
    private let deflater: GzipDeflater?
    /// For files (not standard output): starts their write-out as they grow.
    private let writeback: Writeback?
    /// Whether `finish` waits until the bytes are on the disk (fsync).
    private let durable: Bool

    /// A new file that must not exist yet (`O_EXCL`): a temporary file beside an output.
    /// `compressed` writes it as gzip, compressing as the bytes arrive. Not `durable`, its
    /// `finish` leaves the bytes to the kernel's own write-back instead of waiting for the disk.
    public static func create(_ path: String, reportedAs name: String, compressed: Bool = false,
                              durable: Bool = true) throws(WriteError) -> FileWriter {
        var deflater: GzipDeflater?
        if compressed {
            guard let made = GzipDeflater() else { throw WriteError(path: name, reason: "zlib could not start a gzip stream (out of memory?)") }
            deflater = made
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd < 0 { throw WriteError(path: name, errno: errno) }
        return FileWriter(descriptor: fd, name: name, owned: true, deflater: deflater, durable: durable)
    }

    /// An existing regular file, written at its end (a batch's partial file).
    public static func append(_ path: String, reportedAs name: String) throws(WriteError) -> FileWriter {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            let code = errno
            // The file to add to is gone while its folder is there: removed under the command.
            if code == ENOENT, FileManager.default.fileExists(atPath: folderPart(of: path).isEmpty ? "." : folderPart(of: path)) {
                throw WriteError(path: name, reason: "its file \(path) was removed while the command ran", code: code)
            }
            throw WriteError(path: name, errno: code)
        }
        return FileWriter(descriptor: fd, name: name, owned: true)
    }

    /// The reader of standard output has gone (set by the command line; then nothing more is
    /// written there).
    nonisolated(unsafe) public static var standardOutputClosed = false

    /// Standard output, as an output like any other.
    public static let standardOutput = FileWriter(descriptor: STDOUT_FILENO, name: "standard output", owned: false)

    private init(descriptor: Int32, name: String, owned: Bool, deflater: GzipDeflater? = nil, durable: Bool = true) {
        self.descriptor = descriptor
        self.name = name
        self.owned = owned
        self.deflater = deflater
        self.durable = durable
        writeback = owned && durable ? Writeback(descriptor: descriptor) : nil
    }

    /// Whether what is written is compressed (a `.gz` output).
    public var isCompressed: Bool { deflater != nil }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Every byte (compressed first, for a gzip writer), retrying short writes and
    /// interruptions. A closed pipe on standard output is `ClosedPipe`; anything else a `WriteError`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let deflater {
            try deflater.compress(bytes, finishing: false) { try writeRaw($0) }
        } else {
            try writeRaw(bytes)
        }
    }

    private func writeRaw(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Foundation.write(descriptor, base, left)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EPIPE && !owned { throw ClosedPipe() }
                throw WriteError(path: name, errno: code)
            }
            left -= n
            base += n
        }
        writeback?.wrote(bytes.count)
    }

    /// Flushes to the disk and closes (a file's last chance to report ENOSPC or EIO).
    public func finish() throws(WriteError) {
        guard owned else { return }
        if let deflater {
            // The end of the gzip stream: what zlib still holds, then the CRC and length.
            do {
                try deflater.compress(UnsafeRawBufferPointer(start: nil, count: 0), finishing: true) { try writeRaw($0) }
                deflater.end()
            } catch {
                abandon()
                throw error as? WriteError ?? WriteError(path: name, reason: "\(error)")
            }
        }
        if durable, fsync(descriptor) != 0 {
            let code = errno
            _ = close(descriptor)
            // Pipes and character devices cannot be synced; that is no failure.
            if code != EINVAL && code != EROFS { throw WriteError(path: name, errno: code) }
            return
        }
        if close(descriptor) != 0 { throw WriteError(path: name, errno: errno) }
    }

    /// Closes without a word (after a failure).
    public func abandon() {
        deflater?.end()
        if owned { _ = close(descriptor) }
    }
}

/// Messages and progress on standard error: never a reason to fail (or crash) when it is gone.
public enum StandardError {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard var base = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let n = Foundation.write(STDERR_FILENO, base, left)
                if n < 0 { if errno == EINTR { continue }; return }
                left -= n
                base += n
            }
        }
    }
}
