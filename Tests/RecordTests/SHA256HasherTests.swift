import Record
import Testing

/// SHA-256 fed in pieces, as a report hashes a CSV line by line: the same digest whatever the
/// pieces, and the standard vectors.
struct SHA256HasherTests {
    /// A million 'a's (FIPS 180-2, appendix B.3), fed in pieces of sizes that straddle blocks.
    @Test func aMillionAsInAnyPiecesIsTheStandardDigest() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        for piece in [1, 55, 63, 64, 65, 200, 4096, 1_000_000] {
            var hasher = SHA256Hasher()
            message.withUnsafeBytes { all in
                for start in stride(from: 0, to: all.count, by: piece) {
                    hasher.update(UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + piece)]))
                }
            }
            #expect(hasher.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "pieces of \(piece)")
            #expect(hasher.count == 1_000_000)
        }
    }

    /// Every length from 0 to 300 (padding that fits its block or needs another), split in two
    /// at every third byte, gives the one-shot digest; finishing does not end the hash.
    @Test func anyLengthSplitAnywhereIsTheOneShotDigest() {
        var bytes: [UInt8] = []
        for length in 0...300 {
            let whole = SHA256.hex(bytes)
            for split in stride(from: 0, through: length, by: 3) {
                var hasher = SHA256Hasher()
                hasher.update(Array(bytes[..<split]))
                _ = hasher.finish()
                hasher.update(Array(bytes[split...]))
                #expect(hasher.hex() == whole, "length \(length), split at \(split)")
            }
            bytes.append(UInt8(truncatingIfNeeded: length &* 131 &+ 7))
        }
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
