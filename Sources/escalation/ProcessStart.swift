import Experiments
import Foundation
import Record

/// What the program makes sure of before it reads its arguments.
enum ProcessStart {
    /// Standard input, output and error are open, and the arguments are UTF-8; the handlers that
    /// clean up after Ctrl-C are installed. Exits 64 on an argument that is not UTF-8.
    static func prepare() {
        // A descriptor 0, 1 or 2 that was closed (`escalation batch ... >&-`) would be taken by
        // the first file the command opens (an output's lock), and rows meant for standard
        // output would go into it. It is opened on /dev/null read-only instead, so that a write
        // to standard output still fails as it did ("not open for writing", exit 74).
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            _ = open("/dev/null", O_RDONLY)
        }
        if let (index, byte) = firstArgumentNotUTF8() {
            complain("error: argument \(index) is not UTF-8 text (byte 0x\(String(byte, radix: 16, uppercase: true)) at "
                     + "\(ArgumentText.shown(index))); escalation reads and names files in UTF-8: rename the file")
            exit(Exit.usage)
        }
        Cleanup.installHandlers()
    }

    /// The first argument (1 for the first after the program's name) that is not UTF-8, and its
    /// first byte that is not. Swift's `CommandLine.arguments` would have replaced such bytes
    /// with U+FFFD, naming another file.
    static func firstArgumentNotUTF8() -> (index: Int, byte: UInt8)? {
        // (A program started with no arguments at all, not even its name, has argc 0.)
        for i in 1..<max(1, Int(CommandLine.argc)) {
            guard let pointer = CommandLine.unsafeArgv[i] else { continue }
            let bytes = Data(bytes: pointer, count: strlen(pointer))
            if let bad = firstNonUTF8(in: bytes) { return (i, bad.byte) }
        }
        return nil
    }
}

/// An argument as a message shows it: the bytes that are UTF-8 as text, the others as `\xFF`.
enum ArgumentText {
    static func shown(_ index: Int) -> String {
        guard let pointer = CommandLine.unsafeArgv[index] else { return "" }
        var text = ""
        var rest = Data(bytes: pointer, count: strlen(pointer))[...]
        while !rest.isEmpty {
            if let bad = firstNonUTF8(in: Data(rest)) {
                let offset = Self.validPrefixLength(rest)
                text += String(decoding: rest.prefix(offset), as: UTF8.self)
                text += "\\x" + String(bad.byte, radix: 16, uppercase: true)
                rest = rest.dropFirst(offset + 1)
            } else {
                text += String(decoding: rest, as: UTF8.self)
                break
            }
        }
        return "'" + withVisibleControls(text) + "'"
    }

    /// Bytes from the start of `data` that are whole UTF-8 characters.
    static func validPrefixLength(_ data: Data.SubSequence) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        return offset
    }
}
