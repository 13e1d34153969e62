import Foundation

/// Where bytes stop being UTF-8: the line and column (counted in characters) of the first byte
/// that is not, and that byte; nil for UTF-8 text. Scenario files and CSVs say so by position.
public func firstNonUTF8(in data: Data) -> (line: Int, column: Int, byte: UInt8)? {
    if String(validating: data, as: UTF8.self) != nil { return nil }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = data.makeIterator()
    var offset = 0
    scan: while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): offset += scalar.count
        case .emptyInput: break scan
        case .error: break scan
        }
    }
    let before = data.prefix(offset)
    let line = before.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.startIndex
    let column = String(decoding: data[lineStart..<(data.startIndex + offset)], as: UTF8.self).unicodeScalars.count + 1
    return (line, column, offset < data.count ? data[data.startIndex + offset] : 0)
}
