/// Text for a terminal at most 100 columns wide: prose wrapped at spaces, and tables whose long
/// cells continue on the lines below. Widths count characters as a terminal shows them (Swift's
/// `Character`: "→" and "–" are one each).
public enum TerminalText {
    public static let width = 100

    /// `text` in lines of at most `width` characters, broken at spaces (a word longer than a line
    /// is cut); the first line starts with `first`, the others with `rest`.
    public static func wrap(_ text: String, width: Int = TerminalText.width, first: String = "", rest: String = "") -> [String] {
        var lines: [String] = []
        var line = first, empty = true
        // "(1 = yes)" stays on one line: an equals sign holds its neighbours.
        var words: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            if let last = words.last, last.hasSuffix(" =") || word == "=" { words[words.count - 1] += " " + word } else { words.append(word) }
        }
        for word in words {
            var word = word
            while true {
                let room = width - line.count - (empty ? 0 : 1)
                if word.count <= room {
                    line += (empty ? "" : " ") + word
                    empty = false
                    break
                }
                if empty {
                    // A word longer than a whole line: cut it.
                    let cut = max(1, room)
                    line += String(word.prefix(cut))
                    word = String(word.dropFirst(cut))
                    if word.isEmpty { empty = false; break }
                }
                lines.append(line)
                line = rest
                empty = true
            }
        }
        lines.append(line)
        return lines.map { $0.trimmingSpacesAtEnd() }
    }

    /// Every line of `text` wider than `width` wrapped, its continuation lines indented two
    /// spaces more than it: for prose, not for tables (wrapping joins runs of spaces).
    public static func fitting(_ text: String, width: Int = TerminalText.width) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [String] in
            guard line.count > width else { return [String(line)] }
            let indent = String(line.prefix { $0 == " " })
            return wrap(String(line.dropFirst(indent.count)), width: width, first: indent, rest: indent + "  ")
        }.joined(separator: "\n")
    }
}

/// A table for a terminal: columns padded to a common width, numbers on the right, and columns
/// marked `wraps` narrowed, their cells continued on the lines below, until the whole fits the
/// width (when the other columns leave room: they keep their widest cell, and only their
/// headers wrap).
public struct TextTable {
    public struct Column {
        public var header: String
        public var right: Bool
        public var wraps: Bool

        public init(_ header: String, right: Bool = false, wraps: Bool = false) {
            self.header = header
            self.right = right
            self.wraps = wraps
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Before every line.
    public var indent: String
    /// Spaces between columns.
    public var gap: Int
    /// A line of dashes under the header.
    public var rule: Bool

    public init(_ columns: [Column], rows: [[String]], indent: String = "", gap: Int = 2, rule: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.indent = indent
        self.gap = gap
        self.rule = rule
    }

    /// The header's lines (with the rule) and each row's lines.
    public func layout(width: Int = TerminalText.width) -> (header: [String], rows: [[String]]) {
        let widths = self.widths(fitting: width)
        var header = lines(columns.map(\.header), widths: widths)
        if rule {
            header.append((indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: String(repeating: " ", count: gap)))
                .trimmingSpacesAtEnd())
        }
        return (header, rows.map { lines($0, widths: widths) })
    }

    /// Every line: the header, then the rows.
    public func render(width: Int = TerminalText.width) -> [String] {
        let (header, rows) = layout(width: width)
        return header + rows.flatMap { $0 }
    }

    /// Column widths: the widest cell or header of each; if the sum is too wide, the wrapping
    /// columns are narrowed from the widest down (not below 20 characters nor their longest
    /// word), then the headers wider than their columns' cells break onto two lines, then the
    /// wrapping columns narrow further, cutting words longer than 20 characters.
    func widths(fitting width: Int) -> [Int] {
        let budget = width - indent.count - gap * max(0, columns.count - 1)
        let body = columns.indices.map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        let longestWord = columns.indices.map { c in
            rows.flatMap { c < $0.count ? $0[c].split(separator: " ").map(\.count) : [] }.max() ?? 0
        }
        let headerWord = columns.map { $0.header.split(separator: " ").map(\.count).max() ?? 0 }
        func fit(headersWrap: Bool, floor: (Int) -> Int) -> (widths: [Int], fits: Bool) {
            let natural = columns.indices.map { c in max(body[c], headersWrap ? headerWord[c] : columns[c].header.count) }
            let fixed = columns.indices.filter { !columns[$0].wraps }.map { natural[$0] }.reduce(0, +)
            let wrapping = columns.indices.filter { columns[$0].wraps }
            // The widest level the wrapping columns can share: each min(natural, max(floor, level)).
            func total(_ level: Int) -> Int {
                fixed + wrapping.map { min(natural[$0], max(floor($0), level)) }.reduce(0, +)
            }
            var level = wrapping.map { natural[$0] }.max() ?? 0
            while level > 0 && total(level) > budget { level -= 1 }
            let widths = columns.indices.map { c in columns[c].wraps ? min(natural[c], max(floor(c), level)) : natural[c] }
            return (widths, widths.reduce(0, +) <= budget)
        }
        // First no word is cut (up to 48 characters) and no column is under 20; then words of
        // over 20 characters may be.
        let roomy = { (c: Int) in max(min(longestWord[c], 48), min(20, body[c]), headerWord[c]) }
        let tight = { (c: Int) in max(min(longestWord[c], 20), headerWord[c], 1) }
        for attempt in [fit(headersWrap: false, floor: roomy), fit(headersWrap: true, floor: roomy), fit(headersWrap: true, floor: tight)]
            where attempt.fits { return attempt.widths }
        return fit(headersWrap: true, floor: tight).widths
    }

    /// One row (or the header) as lines: each cell wrapped to its column, padded, side by side.
    func lines(_ cells: [String], widths: [Int]) -> [String] {
        let wrapped = columns.indices.map { c -> [String] in
            let cell = c < cells.count ? cells[c] : ""
            return cell.count <= widths[c] ? [cell] : TerminalText.wrap(cell, width: widths[c])
        }
        let height = wrapped.map(\.count).max() ?? 1
        return (0..<height).map { k in
            let line = columns.indices.map { c -> String in
                let text = k < wrapped[c].count ? wrapped[c][k] : ""
                let pad = String(repeating: " ", count: max(0, widths[c] - text.count))
                return columns[c].right ? pad + text : text + pad
            }.joined(separator: String(repeating: " ", count: gap))
            return (indent + line).trimmingSpacesAtEnd()
        }
    }
}

extension String {
    func trimmingSpacesAtEnd() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
