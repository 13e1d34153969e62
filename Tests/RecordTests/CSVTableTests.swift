import Record
import Testing

/// The RFC 4180 reader the catalog, sources and posterior files go through: fields, quotes,
/// line breaks inside quotes, a byte order mark, CRLF, and errors whose line and column count
/// characters (not UTF-8 bytes), as a text editor shows them.
@Suite struct CSVTableTests {
    func texts(_ rows: [[CSVTable.Field]]) -> [[String]] { rows.map { $0.map(\.text) } }

    @Test func fieldsQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}name,note\r\nQāsim,\"says \"\"no\"\", then\nleaves\"\r\n\n\"\",é,ü\nlast,row"
        let table = try CSVTable(text: text, path: "t.csv")
        #expect(table.header.map(\.text) == ["name", "note"])
        #expect(texts(table.rows) == [["Qāsim", "says \"no\", then\nleaves"], ["", "é", "ü"], ["last", "row"]])
        // Where each field starts: line and column in characters; the byte order mark is not one.
        #expect(table.header.map(\.column) == [1, 6])
        #expect(table.rows[0].map { [$0.line, $0.column] } == [[2, 1], [2, 7]])
        #expect(table.rows[1].map { [$0.line, $0.column] } == [[5, 1], [5, 4], [5, 6]])
        #expect(table.rows[2].map { [$0.line, $0.column] } == [[6, 1], [6, 6]])
    }

    @Test func errorsNameLineAndColumnInCharacters() {
        func error(_ text: String) -> String {
            do {
                _ = try CSVTable(text: text, path: "t.csv")
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(error("a,b\nQāsim\"x,y\n") == "t.csv:2:6: error: expected a quote only at the start of a field, found one inside it")
        #expect(error("a,b\n\"ā\"é,y\n") == "t.csv:2:4: error: expected a comma or the end of the line after a closing quote, found 'é'")
        #expect(error("a,b\nx,\"ā\ny\n") == "t.csv:2:3: error: expected a closing quote for the field that starts here, found the end of the file")
        #expect(error("") == "t.csv:1:1: error: expected a header row, found an empty file")
    }
}
