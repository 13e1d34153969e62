import CZlib
import Foundation

/// A gzip stream being written: bytes go in, compressed bytes come out through `emit` in blocks
/// of 64 KiB, so nothing but zlib's window and one block is held, however large the file.
/// zlib writes modification time 0 and no name, so the same bytes in give the same bytes out.
final class GzipDeflater: @unchecked Sendable {
    // The z_stream lives at a fixed address: zlib keeps a pointer back to it in its state.
    private let stream: UnsafeMutablePointer<z_stream>
    private let block: UnsafeMutablePointer<UInt8>
    private static let blockSize = 1 << 16
    private var open = true

    /// Level 1, gzip's fastest: a batch CSV shrinks about 2.4-fold at some five times the speed of
    /// level 6 (which gains only a sixth more); `gzip -9` can squeeze a finished file further.
    init?(level: Int32 = 1) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        block = .allocate(capacity: Self.blockSize)
        if escalation_deflate_init_gzip(stream, level) != Z_OK {
            open = false
            return nil
        }
    }

    deinit {
        end()
        block.deallocate()
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input`; `finishing` also writes the end of the stream (its CRC and length).
    func compress(_ input: UnsafeRawBufferPointer, finishing: Bool,
                  emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(open, "gzip stream used after it ended")
        var rest = input
        repeat {
            // avail_in is 32 bits: feed at most 1 GiB a pass.
            let slice = UnsafeRawBufferPointer(rebasing: rest.prefix(1 << 30))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(slice.count))
            let last = finishing && rest.isEmpty
            stream.pointee.next_in = UnsafeMutablePointer(mutating: slice.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(slice.count)
            var status: Int32
            repeat {
                stream.pointee.next_out = block
                stream.pointee.avail_out = uInt(Self.blockSize)
                status = deflate(stream, last ? Z_FINISH : Z_NO_FLUSH)
                let produced = Self.blockSize - Int(stream.pointee.avail_out)
                if produced > 0 { try emit(UnsafeRawBufferPointer(start: block, count: produced)) }
                // Z_BUF_ERROR only says no progress was possible; anything else is a broken state.
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "deflate: \(status)")
            } while stream.pointee.avail_out == 0 || (last && status != Z_STREAM_END)
            stream.pointee.next_in = nil
        } while !rest.isEmpty
    }

    /// Frees zlib's state (after the end of the stream, or after a failure).
    func end() {
        guard open else { return }
        open = false
        deflateEnd(stream)
    }
}
