/// A value as an error message echoes it: whole when short, else its start, an ellipsis and its
/// length, so a 100,000-character value does not flood the terminal.
public func abbreviated(_ text: String, limit: Int = 80) -> String {
    let count = text.count
    guard count > limit else { return text }
    return String(text.prefix(limit - 20)) + "… (\(count) characters)"
}

/// `abbreviated` for a value of any type.
public func abbreviated(_ value: some CustomStringConvertible, limit: Int = 80) -> String {
    abbreviated(value.description, limit: limit)
}
