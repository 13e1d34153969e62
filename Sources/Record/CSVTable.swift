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
        var field = ""
        var line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1
        var quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endField() {
            record.append(Field(text: field, line: fieldLine, column: fieldColumn))
            field = ""
            wasQuoted = false
        }
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 2
                        column += 2
                        continue
                    }
                    quoted = false
                } else {
                    field.unicodeScalars.append(c)
                    if c == "\n" { line += 1; column = 0 }
                }
                i += 1
                column += 1
                continue
            }
            switch c {
            case "\"":
                if !field.isEmpty || wasQuoted {
                    throw SyntaxError(path: path, line: line, column: column,
                                      message: "expected a quote only at the start of a field, found one inside it")
                }
                quoted = true
                wasQuoted = true
            case ",":
                endField()
                fieldLine = line
                fieldColumn = column + 1
            case "\r":
                break
            case "\n":
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
                                      message: "expected a comma or the end of the line after a closing quote, found '\(c)'")
                }
                field.unicodeScalars.append(c)
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
