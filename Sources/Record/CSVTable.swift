/// A CSV file read as RFC 4180 says (fields quoted with `"` may hold commas, quotes doubled, and
/// line breaks), keeping where each field starts so that problems can name line and column.
public struct CSVTable: Sendable {
    public struct Field: Sendable {
        public let text: String
        public let line: Int
        public let column: Int
    }

    public let path: String
    public let header: [Field]
    public let rows: [[Field]]

    public struct SyntaxError: Error, CustomStringConvertible {
        public let path: String
        public let line: Int
        public let column: Int
        public let message: String
        public var description: String { "\(path):\(line):\(column): error: \(message)" }
    }

    public init(text: String, path: String) throws(SyntaxError) {
        var records: [[Field]] = []
        var record: [Field] = []
        // Read as UTF-8 bytes: every byte the syntax looks at is ASCII, so a field is the bytes
        // between them, and a column counts characters (Unicode scalars), never bytes.
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var field: [UInt8] = []
        var line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1
        var quoted = false, wasQuoted = false
        var i = 0
        func endField() {
            record.append(Field(text: String(decoding: field, as: UTF8.self), line: fieldLine, column: fieldColumn))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        /// The character that starts at byte `i`, for a message.
        func character(at i: Int) -> String {
            var end = i + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            return String(decoding: bytes[i..<end], as: UTF8.self)
        }
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        while i < bytes.count {
            let c = bytes[i]
            // No control character but a tab and the line ends (a terminal would act on it: see
            // `firstControlCharacter`); C1 characters are 0xC2 0x80–0x9F in UTF-8.
            if (c < 0x20 && c != 0x09 && c != newline && c != cr) || c == 0x7F
                || (c == 0xC2 && i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1])) {
                let scalar = c == 0xC2 ? Unicode.Scalar(bytes[i + 1]) : Unicode.Scalar(c)
                throw SyntaxError(path: path, line: line, column: column,
                                  message: "expected text without control characters, found \(codePoint(scalar))")
            }
            // A UTF-8 continuation byte belongs to the character before it: no column of its own.
            if c & 0xC0 == 0x80 {
                field.append(c)
                i += 1
                continue
            }
            if quoted {
                if c == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        field.append(quote)
                        i += 2
                        column += 2
                        continue
                    }
                    quoted = false
                } else {
                    field.append(c)
                    if c == newline { line += 1; column = 0 }
                }
                i += 1
                column += 1
                continue
            }
            switch c {
            case quote:
                if !field.isEmpty || wasQuoted {
                    throw SyntaxError(path: path, line: line, column: column,
                                      message: "expected a quote only at the start of a field, found one inside it")
                }
                quoted = true
                wasQuoted = true
            case comma:
                endField()
                fieldLine = line
                fieldColumn = column + 1
            case cr:
                break
            case newline:
                endField()
                if !(record.count == 1 && record[0].text.isEmpty) { records.append(record) }
                record = []
                line += 1
                column = 0
                fieldLine = line
                fieldColumn = 1
            default:
                if wasQuoted {
                    throw SyntaxError(path: path, line: line, column: column,
                                      message: "expected a comma or the end of the line after a closing quote, found '\(character(at: i))'")
                }
                field.append(c)
            }
            i += 1
            column += 1
        }
        if quoted {
            throw SyntaxError(path: path, line: fieldLine, column: fieldColumn,
                              message: "expected a closing quote for the field that starts here, found the end of the file")
        }
        if !field.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        guard let header = records.first else {
            throw SyntaxError(path: path, line: 1, column: 1, message: "expected a header row, found an empty file")
        }
        self.path = path
        self.header = header
        self.rows = Array(records.dropFirst())
    }
}
