import Record

/// Where something is in a source: a scenario file, or a `--set` argument.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// From 1.
    public let line: Int
    /// From 1, in Unicode scalars.
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The location `offset` characters further along the same line.
    public func advanced(by offset: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + offset)
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a scenario, said so a person can fix it: where it is, the key path,
/// what was expected and what was found, and a suggestion when one is likely.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public let location: SourceLocation
    /// Dotted key path: `actions.kh_rockets.rung`; empty at the top of a file.
    public let path: String
    public let expected: String
    public let found: String
    public let hint: String?

    public init(_ location: SourceLocation, path: String, expected: String, found: String, hint: String? = nil) {
        self.location = location
        // A value echoed back is cut short: a message need not repeat 100,000 characters.
        self.path = abbreviated(path, limit: 120)
        self.expected = expected
        self.found = abbreviated(found, limit: 120)
        self.hint = hint.map { abbreviated($0, limit: 200) }
    }

    /// `file:line:col: error: path: expected …, found …; hint`
    public var description: String {
        let prefix = path.isEmpty ? "" : "\(path): "
        let suffix = hint.map { "; \($0)" } ?? ""
        // A found value is echoed with its control characters escaped: it may hold any.
        return "\(location): error: \(prefix)expected \(expected), found \(withVisibleControls(found))\(withVisibleControls(suffix))"
    }
}

/// A scenario that cannot be used, with every problem found in it.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A scenario file that cannot be read at all (missing, unreadable, not UTF-8).
public struct SourceReadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read '\(withVisibleControls(path, lineBreaks: false))': \(reason)" }
}

/// Collects diagnostics while compiling, so that every error in a file is reported at once.
struct Diagnostics {
    private(set) var list: [Diagnostic] = []

    var isEmpty: Bool { list.isEmpty }

    mutating func error(_ location: SourceLocation, _ path: String, expected: String, found: String,
                        hint: String? = nil) {
        list.append(Diagnostic(location, path: path, expected: expected, found: found, hint: hint))
    }

    mutating func append(_ diagnostic: Diagnostic) { list.append(diagnostic) }

    /// By file (in the order files first appear), then line and column.
    var inFileOrder: [Diagnostic] {
        var files: [String] = []
        for d in list where !files.contains(d.location.file) { files.append(d.location.file) }
        return list.enumerated().sorted { x, y in
            let (a, b) = (x.element.location, y.element.location)
            let (fa, fb) = (files.firstIndex(of: a.file)!, files.firstIndex(of: b.file)!)
            if fa != fb { return fa < fb }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return x.offset < y.offset
        }.map(\.element)
    }
}
