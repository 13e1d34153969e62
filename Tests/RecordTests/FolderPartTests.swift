import Foundation
import Record
import Testing

/// `folderPart(of:)` gives what `NSString.deletingLastPathComponent` gives, without its crash on
/// a path of one character.
struct FolderPartTests {
    @Test func theFolderOfAPathIsFoundationsAndAOneCharacterPathHasNone() {
        let paths = ["a/b.yaml", "Scenarios/taji-2020.yaml", "/b.yaml", "/", "a//b", "/a/b/", "../x.csv", "./x",
                     "ab", "..", "x/T", "/T", "a b/c d.yaml", "é/ü.yaml", "//a", "a/b//"]
        for path in paths {
            #expect(folderPart(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
        }
        // Foundation on Linux crashes on these; they name a file in the current folder.
        for path in ["T", ".", "b", "é", "a/"] { #expect(folderPart(of: path) == "", "\(path)") }
        #expect(folderPart(of: "") == "")
    }
}
