import CYaml

/// Reads YAML text into a `YAMLNode` tree from libyaml's events (the C parser Yams is built on),
/// so that every limit is checked as the text is read, before anything can grow:
///
/// - a key must be a scalar: an alias, list or mapping as a key is refused where it starts
///   (Yams' own composer hashes keys whole, aliases expanded, to find repeats: a key of a few
///   nested aliases would take hours, and a pattern over the text cannot see every way of
///   writing one);
/// - a key may appear once in a mapping, compared as text;
/// - at most `maximumNodes` values once aliases are expanded, counted as each alias is met;
/// - mappings and lists nested at most `maximumDepth` deep, aliases expanded;
/// - one document in the text.
///
/// Nothing recurses: open lists and mappings are a stack.
enum YAMLReader {
    /// The most nodes a document may hold once its aliases are expanded (the largest bundled
    /// scenario has about 3,000): a few hundred bytes of nested aliases can otherwise stand for
    /// billions of nodes.
    static let maximumNodes = 100_000
    /// The deepest nesting of mappings and lists (the bundled scenarios reach 7).
    static let maximumDepth = 64

    /// Parses `text` (from `file`) into a tree, or nil for a text with no document (empty or
    /// comments only); syntax errors and refused shapes are diagnostics at their place.
    static func parse(_ text: String, file: String) throws(ScenarioError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes.append(0) }   // libyaml wants a pointer; a NUL alone reads as nothing
        let count = text.utf8.count
        return try bytes.withUnsafeBufferPointer { (buffer) throws(ScenarioError) -> YAMLNode? in
            var composer = Composer(file: file)
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw composer.failure(at: (1, 1), expected: "memory to read YAML", found: "none")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { throw composer.syntaxError(parser) }
                defer { yaml_event_delete(&event) }
                if try composer.take(event) { return composer.root }
            }
        }
    }

    /// A node with what the limits need to know of it once it is copied by an alias.
    struct Built {
        var node: YAMLNode
        /// Nodes in it (itself included).
        var size: Int
        /// Levels of lists and mappings below it (0 for a scalar or an empty one).
        var height: Int
    }

    /// The list or mapping being read.
    struct Open {
        var location: SourceLocation
        var anchor: String?
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []
        /// The key read, waiting for its value.
        var key: (name: String, location: SourceLocation)?
        var keys: Set<String> = []
        var size = 1
        var height = 0
    }

    struct Composer {
        let file: String
        var budget = YAMLReader.maximumNodes
        var anchors: [String: Built] = [:]
        var open: [Open] = []
        var root: YAMLNode?
        var documents = 0

        init(file: String) { self.file = file }

        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        func failure(at place: (line: Int, column: Int), expected: String, found: String) -> ScenarioError {
            ScenarioError([Diagnostic(SourceLocation(file: file, line: place.line, column: place.column), path: "",
                                      expected: expected, found: found)])
        }

        func failure(_ location: SourceLocation, expected: String, found: String) -> ScenarioError {
            ScenarioError([Diagnostic(location, path: "", expected: expected, found: found)])
        }

        /// libyaml's own message, at its place, with what it was reading.
        func syntaxError(_ parser: yaml_parser_t) -> ScenarioError {
            let problem = parser.problem.map { String(cString: $0) } ?? "an error"
            if parser.error == YAML_READER_ERROR {
                return failure(at: (1, 1), expected: "UTF-8 text", found: problem)
            }
            if parser.error == YAML_MEMORY_ERROR {
                return failure(at: (1, 1), expected: "memory to read YAML", found: "none")
            }
            let detail = parser.context.map {
                "\(problem) (\(String(cString: $0)) at line \(Int(parser.context_mark.line) + 1))"
            } ?? problem
            return failure(location(parser.problem_mark), expected: "valid YAML", found: detail)
        }

        var readingKey: Bool {
            guard let top = open.last else { return false }
            return top.isMapping && top.key == nil
        }

        /// Counts `size` more values and checks the depth of one `height` levels deep placed in
        /// the open lists and mappings.
        mutating func admit(size: Int, height: Int, at location: SourceLocation) throws(ScenarioError) {
            budget -= size
            if budget < 0 {
                throw failure(location, expected: "at most \(YAMLReader.maximumNodes) values once aliases (*name) are expanded",
                              found: "more (an alias that repeats a large part of the file many times?)")
            }
            if open.count + height > YAMLReader.maximumDepth {
                throw failure(location, expected: "mappings and lists nested at most \(YAMLReader.maximumDepth) deep",
                              found: "deeper")
            }
        }

        func refuseAsKey(_ what: String, at location: SourceLocation) throws(ScenarioError) {
            if readingKey { throw failure(location, expected: "a plain name as each key", found: what) }
        }

        /// Handles one event; true at the end of the text.
        mutating func take(_ event: yaml_event_t) throws(ScenarioError) -> Bool {
            let at = location(event.start_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw failure(at, expected: "one document in the file", found: "a second one ('---')")
                }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                try admit(size: 1, height: 0, at: at)
                if readingKey {
                    if open[open.count - 1].keys.contains(text) {
                        throw failure(at, expected: "each key once in a mapping", found: "'\(text)' more than once")
                    }
                    open[open.count - 1].keys.insert(text)
                    open[open.count - 1].key = (text, at)
                    if let anchor = Self.name(scalar.anchor) {
                        anchors[anchor] = Built(node: YAMLNode(.scalar(text, quoted: false), at: at), size: 1, height: 0)
                    }
                    return false
                }
                let quoted = scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
                let block = scalar.style == YAML_LITERAL_SCALAR_STYLE || scalar.style == YAML_FOLDED_SCALAR_STYLE
                let value: YAMLNode.Value = !quoted && !block && ["", "~", "null", "Null", "NULL"].contains(text)
                    ? .null : .scalar(text, quoted: quoted)
                place(Built(node: YAMLNode(value, at: at), size: 1, height: 0), anchor: Self.name(scalar.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.name(event.data.alias.anchor) ?? ""
                try refuseAsKey("an alias (*name) as a key", at: at)
                guard let built = anchors[name] else {
                    throw failure(at, expected: "an anchor (&\(name)) before its alias", found: "'*\(name)' with none")
                }
                try admit(size: built.size, height: built.height, at: at)
                place(built, anchor: nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                try refuseAsKey(isMapping ? "a mapping as a key" : "a list as a key", at: at)
                try admit(size: 1, height: 0, at: at)
                let anchor = Self.name(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                open.append(Open(location: at, anchor: anchor, isMapping: isMapping))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let done = open.removeLast()
                let node = YAMLNode(done.isMapping ? .mapping(done.pairs) : .sequence(done.items), at: done.location)
                place(Built(node: node, size: done.size, height: done.height), anchor: done.anchor)
            default:
                break   // stream start, document end
            }
            return false
        }

        /// Puts a finished node where it belongs: the root, a list's next item or a key's value.
        mutating func place(_ built: Built, anchor: String?) {
            if let anchor { anchors[anchor] = built }
            guard !open.isEmpty else { root = built.node; return }
            let top = open.count - 1
            open[top].size += built.size
            open[top].height = max(open[top].height, built.height + 1)
            if open[top].isMapping, let key = open[top].key {
                open[top].pairs.append((key: key.name, keyLocation: key.location, value: built.node))
                open[top].key = nil
            } else {
                open[top].items.append(built.node)
            }
        }

        static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
