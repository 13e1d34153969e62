@testable import ScenarioIO
import Testing

/// The YAML reader builds the same tree a person reads, aliases expanded, and holds every limit
/// at the value that crosses it.
struct YAMLReaderTests {
    func read(_ text: String) throws(ScenarioError) -> YAMLNode? { try YAMLReader.parse(text, file: "t.yaml") }

    /// The tree as compact text: scalars bare (quoted ones in quotes), null as ~.
    func render(_ node: YAMLNode) -> String {
        switch node.value {
        case .scalar(let s, let quoted): quoted ? "\"\(s)\"" : s
        case .null: "~"
        case .sequence(let items): "[" + items.map(render).joined(separator: ",") + "]"
        case .mapping(let pairs): "{" + pairs.map { "\($0.key):" + render($0.value) }.joined(separator: ",") + "}"
        }
    }

    func message(_ text: String) -> String? {
        do { _ = try read(text); return nil } catch { return error.description }
    }

    @Test func aliasesAreExpandedAndEveryNodeKeepsItsPlace() throws {
        let text = """
            base: &base {rate: 0.5, note: 'as in 2011'}
            list: &list
              - 1
              - ~
              - ""
              - |
                kept
            copy: *base
            nested: {inner: *list, again: *base}
            empty:
            """
        let root = try #require(try read(text))
        #expect(render(root) == "{base:{rate:0.5,note:\"as in 2011\"},list:[1,~,\"\",kept\n],"
            + "copy:{rate:0.5,note:\"as in 2011\"},nested:{inner:[1,~,\"\",kept\n],again:{rate:0.5,note:\"as in 2011\"}},empty:~}")
        // An alias's copy keeps the place of what it copies (where the numbers were written).
        #expect(root["copy"]?["rate"]?.location.description == "t.yaml:1:20")
        #expect(root["copy"]?.location.description == "t.yaml:1:7")   // where its anchor starts it
        guard case .mapping(let pairs) = root.value else { Issue.record("not a mapping"); return }
        #expect(pairs.map(\.keyLocation.line) == [1, 2, 8, 9, 10])
        #expect(pairs.allSatisfy { $0.keyLocation.column == 1 })
        #expect(try read("") == nil)
        #expect(try read("# nothing but a comment\n") == nil)
    }

    @Test func theValueLimitCountsEveryExpandedValueAndStopsAtTheAliasThatCrossesIt() throws {
        // a0 holds 10 scalars and itself: 11 values; a1 holds 10 copies and itself: 111; a4: 111,111.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...3 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        // Values so far: root 1, four keys 4, then 11 + 111 + 1,111 + 11,111 = 12,349.
        #expect(try read(text) != nil)
        let fits = text + "b: [" + Array(repeating: "*a3", count: 7).joined(separator: ", ") + "]\n"
        // One more key and list (2) and 7 × 11,111 = 77,777: 90,128, within 100,000.
        #expect(try read(fits) != nil)
        let crosses = text + "b: [" + Array(repeating: "*a3", count: 8).joined(separator: ", ") + "]\n"
        // The eighth copy makes 101,239: refused at that alias (line 5, column 5 + 5 × 7).
        #expect(message(crosses) == "t.yaml:5:40: error: expected at most 100000 values once aliases (*name) are expanded, "
            + "found more (an alias that repeats a large part of the file many times?)")
    }

    @Test func depthCountsTheLevelsAnAliasBringsWithIt() throws {
        let inner = String(repeating: "[", count: 10) + "1" + String(repeating: "]", count: 10)
        // d is 10 lists, a scalar in the tenth; under the root's mapping and 53 lists, that scalar
        // is 64 levels down, the most there may be; under 54 it is 65.
        let fits = "d: &d \(inner)\nx: " + String(repeating: "[", count: 53) + "*d" + String(repeating: "]", count: 53) + "\n"
        #expect(try read(fits) != nil)
        let deeper = "d: &d \(inner)\nx: " + String(repeating: "[", count: 54) + "*d" + String(repeating: "]", count: 54) + "\n"
        #expect(message(deeper) == "t.yaml:2:58: error: expected mappings and lists nested at most 64 deep, found deeper")
        let written = "x: " + String(repeating: "[", count: 65) + "1" + String(repeating: "]", count: 65) + "\n"
        #expect(message(written) == "t.yaml:1:68: error: expected mappings and lists nested at most 64 deep, found deeper")
    }

    @Test func keysArePlainAndOnce() throws {
        #expect(message("a: 1\nb: {c: 1, 'c': 2}\n")
            == "t.yaml:2:11: error: expected each key once in a mapping, found 'c' more than once")
        #expect(message("a: &x 1\n*x : 2\n") == "t.yaml:2:1: error: expected a plain name as each key, found an alias (*name) as a key")
        #expect(message("[a]: 1\n") == "t.yaml:1:1: error: expected a plain name as each key, found a list as a key")
        #expect(message("x: [{a: 1}: 2]\n") == "t.yaml:1:5: error: expected a plain name as each key, found a mapping as a key")
        // An explicit key that is a plain name is a plain key.
        #expect(render(try #require(try read("? a\n: 1\n"))) == "{a:1}")
    }
}
