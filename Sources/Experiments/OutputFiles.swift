import Foundation
import Record

/// The files one command writes, claimed before any work starts and written all or none.
///
/// - Each target must be a regular file or not exist: a device, a FIFO, a symbolic link or a
///   folder given as an output is refused, never replaced.
/// - Each target is locked (`flock` on a hidden `.NAME.lock` beside it) for as long as the
///   command runs, so a second process writing the same output is refused at once with the
///   first one's pid, and the first one's files stay whole.
/// - Temporary files (`.NAME.tmp-PID`) left by a process that was killed are removed once the
///   lock is held (no live process can be writing them).
/// - Outputs are written to temporary files beside their targets, flushed to the disk, and only
///   when every one is complete renamed into place, one after another; a failure before that
///   leaves every target as it was.
/// - A target whose name ends in `.gz` is written gzip-compressed (see `Gzip`).
public final class OutputFiles {
    /// Targets in the order they were named (duplicates removed).
    public let targets: [String]
    private var locks: [OutputLock] = []
    /// Files to rename into place; `keep` ones (a batch's partial file) survive a failure.
    private var staged: [(temporary: String, target: String, keep: Bool)] = []
    /// Whether staged files are flushed to the disk before they are renamed into place (not
    /// for `merge --no-sync`: a power cut may then leave a renamed file incomplete).
    public let durable: Bool

    /// Claims `paths`, and `workFiles`: files the command writes for itself beside them (a
    /// batch's `.partial` file and plan), checked and locked as outputs are, so that no output of
    /// the same command, and no other process, can take their names while it runs. Each work file
    /// comes with what it is, for the message that refuses an output of the same name.
    public init(_ paths: [String], workFiles: [(path: String, what: String)] = [], durable: Bool = true) throws(WriteError) {
        self.durable = durable
        var seen = Set<String>()
        targets = paths.filter { seen.insert(Self.canonical($0)).inserted }
        if targets.count != paths.count {
            let twice = paths.first { p in paths.filter { Self.canonical($0) == Self.canonical(p) }.count > 1 }!
            throw WriteError(path: twice, reason: "it is named for two outputs of the same command")
        }
        for work in workFiles {
            if let output = paths.first(where: { Self.canonical($0) == Self.canonical(work.path) }) {
                throw WriteError(path: output, reason: "it is \(work.what); name another output")
            }
        }
        do {
            for path in targets + workFiles.map(\.path) {
                try Self.checkName(path, workFile: !targets.contains(path))
                try Self.checkTarget(path)
                locks.append(try OutputLock(for: path))
                Self.removeLeftovers(of: path)
            }
        } catch {
            release()
            throw error
        }
    }

    deinit {
        for s in staged where !s.keep { unlink(s.temporary) }
        Cleanup.unregister(staged.filter { !$0.keep }.map(\.temporary))
        release()
    }

    /// Refuses a target that is one of the command's inputs (by its file, however it is named:
    /// a link or another spelling of the path is the same file), before anything replaces it.
    public func protect(_ inputs: [String]) throws(WriteError) {
        try Self.refuseInputs(targets, inputs)
    }

    /// Refuses any of `targets` that is one of `inputs` (by its file, as `protect` does).
    public static func refuseInputs(_ targets: [String], _ inputs: [String]) throws(WriteError) {
        func identity(_ path: String) -> (dev_t, ino_t)? {
            var info = stat()
            return stat(path, &info) == 0 ? (info.st_dev, info.st_ino) : nil
        }
        let read = inputs.compactMap { path in identity(path).map { (path, $0) } }
        guard !read.isEmpty else { return }
        for target in targets {
            guard let file = identity(target), let input = read.first(where: { $0.1 == file }) else { continue }
            throw WriteError(path: target, reason: input.0 == target ? "it is an input of this command; name another output"
                             : "it is an input of this command (\(input.0)); name another output")
        }
    }

    /// The hidden temporary file beside `path` that this process writes.
    public static func temporaryPath(for path: String) -> String {
        let (directory, name) = split(path)
        return directory + "/." + name + ".tmp-\(getpid())"
    }

    /// Writes `text` for `path` (one of the targets) to its temporary file, flushed.
    public func stage(_ text: String, for path: String) throws(WriteError) {
        try stage(Data(text.utf8), for: path)
    }

    /// Writes `data` for `path` to its temporary file, flushed; gzip-compressed when the name
    /// ends in `.gz`.
    public func stage(_ data: Data, for path: String) throws(WriteError) {
        try stage(for: path) { writer in try writer.write(data) }
    }

    /// Copies a file this process wrote (a batch's plain partial file) into the temporary file
    /// of `path`, a block at a time, gzip-compressed when the name ends in `.gz`. The file
    /// itself is left as it was, so a failure before the commit loses nothing.
    public func stage(copyOf file: String, for path: String) throws {
        let source = try InputFile(path: file)
        defer { source.close() }
        try stage(for: path) { writer in
            while true {
                let block = try source.readBytes(1 << 22)
                if block.isEmpty { break }
                try block.withUnsafeBytes { try writer.write($0) }
            }
        }
    }

    private func stage(for path: String, _ body: (FileWriter) throws -> Void) throws(WriteError) {
        precondition(targets.contains(path), "\(path) was not claimed")
        let temporary = Self.temporaryPath(for: path)
        unlink(temporary)
        Cleanup.register([temporary])
        let writer = try FileWriter.create(temporary, reportedAs: path, compressed: Gzip.isNamed(path), durable: durable)
        staged.append((temporary, path, false))
        do {
            try body(writer)
        } catch let error as WriteError {
            writer.abandon()
            throw error
        } catch {
            writer.abandon()
            throw WriteError(path: path, reason: "\(error)")
        }
        try writer.finish()
    }

    /// Takes a file this process wrote itself as the content of `path`; `keep` leaves it in
    /// place if the command fails (a batch's partial file, for `--resume`).
    public func adopt(_ file: String, for path: String, keep: Bool) {
        precondition(targets.contains(path), "\(path) was not claimed")
        if !keep { Cleanup.register([file]) }
        staged.append((file, path, keep))
    }

    private var removals: [String] = []

    /// A file this command made for itself (a batch's plan) to remove once the outputs are in
    /// place, while the locks are still held.
    public func removeOnCommit(_ path: String) { removals.append(path) }

    /// Renames every staged file into place, in the order staged, and releases the locks.
    ///
    /// All or none: each target that exists is first kept under a hidden name beside it
    /// (`.NAME.old-PID`, a hard link, so nothing is copied); if a rename fails, the targets
    /// already replaced get their old files back (or are removed, if they were new) before the
    /// error is thrown. Only a kill in the middle of the renames, or a file system without hard
    /// links, can leave some replaced (the message then names them).
    public func commit() throws(WriteError) {
        // What each staged target was before: absent, kept under its old name, or a file that
        // could not be kept (a file system without hard links), which a failure cannot restore.
        enum Before { case absent, kept(String), unkept }
        var before: [Before] = []
        for s in staged {
            guard access(s.target, F_OK) == 0 else { before.append(.absent); continue }
            let old = Self.oldPath(for: s.target)
            unlink(old)
            before.append(link(s.target, old) == 0 ? .kept(old) : .unkept)
        }
        let olds = before.compactMap { if case .kept(let old) = $0 { old } else { nil } }
        // Old files that could not be put back stay, named in the message.
        var stranded = Set<String>()
        Cleanup.register(olds)
        defer {
            for old in olds where !stranded.contains(old) { unlink(old) }
            Cleanup.unregister(olds)
        }
        for (n, s) in staged.enumerated() where rename(s.temporary, s.target) != 0 {
            let code = errno
            // Put back what was replaced: a kept file (a batch's partial file) goes back to its
            // own name first, so that --resume still finds it.
            var lost: [String] = []
            for i in (0..<n).reversed() {
                let done = staged[i]
                let old: String? = if case .kept(let old) = before[i] { old } else { nil }
                if done.keep && rename(done.target, done.temporary) != 0 {
                    // Its rows are at the target now: nothing may be put over them.
                    if let old { stranded.insert(old) }
                    lost.append("\(done.target) (it holds \(done.temporary)'s rows\(old.map { "; its old file is \($0)" } ?? ""))")
                    continue
                }
                switch before[i] {
                case .kept(let old):
                    if rename(old, done.target) != 0 {
                        stranded.insert(old)
                        lost.append("\(done.target) (its old file is \(old))")
                    }
                case .absent: if !done.keep { unlink(done.target) }
                case .unkept: lost.append(done.target)
                }
            }
            let undone = n == 0 ? "" : lost.isEmpty ? "; the outputs already in place were put back as they were"
                : "; these could not be put back as they were: " + lost.joined(separator: ", ")
            throw WriteError(path: s.target, reason: Self.renameProblem(s, errno: code) + undone, code: code)
        }
        Cleanup.unregister(staged.map(\.temporary))
        staged = []
        for path in removals { unlink(path) }
        removals = []
        release()
    }

    /// Why a staged file could not be renamed into place.
    private static func renameProblem(_ s: (temporary: String, target: String, keep: Bool), errno code: Int32) -> String {
        var info = stat()
        if code == ENOENT && lstat(s.temporary, &info) != 0 {
            let (directory, _) = split(s.target)
            if stat(directory, &info) == 0 {
                return "its file \(s.temporary) was removed while the command ran"
            }
        }
        return WriteError.describe(errno: code)
    }

    /// The hidden name an existing target is kept under while `commit` replaces it.
    static func oldPath(for path: String) -> String {
        let (directory, name) = split(path)
        return directory + "/." + name + ".old-\(getpid())"
    }

    private func release() {
        for lock in locks.reversed() { lock.release() }
        locks = []
    }

    // MARK: Checks

    /// Refuses a target that exists and is not a regular file, or whose folder does not exist.
    public static func checkTarget(_ path: String) throws(WriteError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind != S_IFREG {
                throw WriteError(path: path, reason: "it is \(fileKind(kind)), not a regular file; escalation replaces only regular "
                                 + "files (name a new file, or remove it first)")
            }
            return
        }
        let (directory, _) = split(path)
        var folder = stat()
        if stat(directory, &folder) != 0 { throw WriteError(path: path, reason: "no such folder '\(directory)'", code: ENOENT) }
        if folder.st_mode & S_IFMT != S_IFDIR { throw WriteError(path: path, reason: "'\(directory)' is not a folder", code: ENOTDIR) }
    }

    /// Removes `.NAME.tmp-*` and `.NAME.old-*` beside `path`: with the lock held, no live
    /// process is writing them. (An old file is left only by a kill in the middle of a commit,
    /// after its target was replaced.)
    static func removeLeftovers(of path: String) {
        let (directory, name) = split(path)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for prefix in ["." + name + ".tmp-", "." + name + ".old-"] {
            for entry in entries where entry.hasPrefix(prefix) && Int32(entry.dropFirst(prefix.count)) != nil {
                unlink(directory + "/" + entry)
            }
        }
    }

    /// The longest name an output may have: 255 bytes (the file systems' limit) less what the
    /// hidden files beside it add, `.NAME.tmp-PID` and `.NAME.old-PID` (a pid has at most seven
    /// digits on Linux, whose `pid_max` is at most 2^22).
    public static let maximumNameBytes = 255 - 13
    /// The longest name of a file a command writes for itself (a batch's partial file and plan),
    /// which has only its lock, `.NAME.lock`, beside it.
    public static let maximumWorkFileNameBytes = 255 - 6

    /// Refuses a path that holds a control character (a line break in a name would break the
    /// lines of a plan's script, or a message, in two), or whose name leaves no room for the
    /// hidden files written beside it (`workFile`: only its lock). Checked before any work,
    /// where the file system would refuse the name only when the output is written.
    public static func checkName(_ path: String, workFile: Bool = false) throws(WriteError) {
        if let control = firstControlCharacter(in: path) {
            throw WriteError(path: path, reason: "its name holds the control character \(codePoint(control)); name a file without one")
        }
        let name = split(path).name
        let limit = workFile ? maximumWorkFileNameBytes : maximumNameBytes
        if name.utf8.count > limit {
            throw WriteError(path: path, reason: "its name is \(name.utf8.count) bytes long; it may have at most \(limit) (the file "
                             + "system allows 255, and escalation writes hidden files beside it, .NAME.lock"
                             + (workFile ? ")" : " and .NAME.tmp-PID)") + "; name a shorter output")
        }
    }

    static func split(_ path: String) -> (directory: String, name: String) {
        let url = URL(fileURLWithPath: path)
        return (url.deletingLastPathComponent().path, url.lastPathComponent)
    }

    public static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}

/// An exclusive, non-blocking `flock` on `.NAME.lock` beside an output, holding the owner's pid.
final class OutputLock {
    let path: String
    private var descriptor: Int32 = -1

    init(for target: String) throws(WriteError) {
        let (directory, name) = OutputFiles.split(target)
        path = directory + "/." + name + ".lock"
        // Another process may remove the lock file between our open and our flock; then we
        // hold a lock on a file nobody else will see, so check and try again.
        for _ in 0..<8 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if fd < 0 {
                let code = errno
                var info = stat()
                if (code == EISDIR || code == ELOOP), lstat(path, &info) == 0 {
                    let what = code == EISDIR ? "a folder" : "a symbolic link"
                    throw WriteError(path: target, reason: "its lock file \(path) is \(what); remove it (escalation makes its own)",
                                     code: code)
                }
                throw WriteError(path: target, errno: code)
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                let owner = Self.owner(fd)
                close(fd)
                if code == EWOULDBLOCK {
                    throw WriteError(path: target, reason: "another process\(owner.map { " (pid \($0))" } ?? "") is writing it; "
                                     + "wait for it to finish or choose another output", code: code)
                }
                throw WriteError(path: target, errno: code)
            }
            var opened = stat(), named = stat()
            if fstat(fd, &opened) == 0, stat(path, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev {
                let pid = "\(getpid())\n"
                _ = ftruncate(fd, 0)
                _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
                descriptor = fd
                Cleanup.register([path])
                return
            }
            close(fd)
        }
        throw WriteError(path: target, reason: "its lock file \(path) keeps changing under us")
    }

    static func owner(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 31)
        let n = pread(fd, &buffer, 31, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func release() {
        guard descriptor >= 0 else { return }
        // No longer one to remove on a signal, before it is gone: once it is, another process
        // may make and lock a new one at once.
        Cleanup.unregister([path])
        // Remove the lock file only if it is still ours (not one a later holder made anew).
        var opened = stat(), named = stat()
        if fstat(descriptor, &opened) == 0, stat(path, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev {
            unlink(path)
        }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
