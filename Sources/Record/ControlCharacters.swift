/// Control characters in text a person wrote (a scenario's names and prose, the record's
/// fields): a terminal acts on them as they are (an escape sequence recolours it or clears the
/// screen, a carriage return writes over the line), so they are refused where they are read, and
/// shown escaped where a message echoes them.

/// The first control character of `text`: C0 (but a tab, and a line feed where `lineBreaks`
/// allows it), DEL, or C1; nil if there is none.
public func firstControlCharacter(in text: String, lineBreaks: Bool = false) -> Unicode.Scalar? {
    text.unicodeScalars.first { scalar in
        switch scalar.value {
        case 0x09: false
        case 0x0A: !lineBreaks
        case 0x00..<0x20, 0x7F...0x9F: true
        default: false
        }
    }
}

/// "U+001B", as a message names a character.
public func codePoint(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}

/// `text` with every control character but a tab and a line feed (and a line feed too unless
/// `lineBreaks`: a path, a name) written as `\u{1B}`, so that echoing it cannot act on the
/// terminal.
public func withVisibleControls(_ text: String, lineBreaks: Bool = true) -> String {
    guard firstControlCharacter(in: text, lineBreaks: lineBreaks) != nil else { return text }
    var shown = ""
    for scalar in text.unicodeScalars {
        if firstControlCharacter(in: String(scalar), lineBreaks: lineBreaks) != nil {
            shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            shown.unicodeScalars.append(scalar)
        }
    }
    return shown
}
