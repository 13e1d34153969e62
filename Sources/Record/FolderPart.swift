/// The folder part of a file path, as `NSString.deletingLastPathComponent` gives it: "a/b.yaml"
/// → "a", "/b.yaml" → "/", "b.yaml" → "" (a bare name, in the current folder). Foundation on
/// Linux crashes on a path of one character ("T"), so paths a user types go through this.
public func folderPart(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "" }
    var folder = trimmed[..<slash]
    while folder.hasSuffix("/") { folder = folder.dropLast() }
    return folder.isEmpty ? "/" : String(folder)
}
