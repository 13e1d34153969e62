import CZlib
import Foundation

/// A gzip file being read: compressed blocks go in, at most a buffer's worth of decompressed
/// bytes come out a call, whatever the ratio, so a small file that inflates to gigabytes is still
/// read a block at a time. Members written one after another (`cat a.gz b.gz`) read as one file,
/// as with `gzip -dc`. A stream cut short or damaged is an error naming the file (exit 65).
final class GzipInflater {
    // The z_stream lives at a fixed address: zlib keeps a pointer back to it in its state.
    private let stream: UnsafeMutablePointer<z_stream>
    private let path: String
    /// Compressed bytes read from the file and not yet inflated.
    private var pending: [UInt8]
    private var consumed = 0
    /// Compressed bytes inflated so far, to say where damage was found.
    private var position: UInt64 = 0
    /// Whether the last member ended and nothing of a next one has been read.
    private var betweenMembers = false

    init(path: String, firstBlock: [UInt8]) throws {
        self.path = path
        pending = firstBlock
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        if escalation_inflate_init_gzip(stream) != Z_OK {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw BatchError("\(path): zlib could not start decompressing it (out of memory?)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decompresses into `output` (at most its size, at least one byte) and returns the bytes
    /// written, or 0 at the end of the file. `more` reads the next compressed block and
    /// returns an empty one at the end of the file.
    func read(into output: UnsafeMutableRawBufferPointer, more: () throws -> [UInt8]) throws -> Int {
        guard let out = output.baseAddress, output.count > 0 else { return 0 }
        let limit = min(output.count, 1 << 30)
        var produced = 0
        while produced == 0 {
            if consumed == pending.count {
                pending = try more()
                consumed = 0
                if pending.isEmpty {
                    guard betweenMembers else {
                        throw BatchError("\(path) ends in the middle of its gzip stream: the file is cut short "
                                         + "(a copy or download that did not finish?)")
                    }
                    return 0
                }
            }
            if betweenMembers {
                // Another member follows the last one: start it afresh.
                inflateReset(stream)
                betweenMembers = false
            }
            // zlib uses the input and output pointers only during the call.
            let start = consumed, available = min(pending.count - consumed, 1 << 30)
            var status: Int32 = Z_OK
            var message = ""
            let z = stream
            pending.withUnsafeMutableBufferPointer { input in
                z.pointee.next_in = input.baseAddress! + start
                z.pointee.avail_in = uInt(available)
                z.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
                z.pointee.avail_out = uInt(limit)
                status = inflate(z, Z_NO_FLUSH)
                if let text = z.pointee.msg { message = String(cString: text) }
                z.pointee.next_in = nil
                z.pointee.next_out = nil
            }
            produced = limit - Int(stream.pointee.avail_out)
            let used = available - Int(stream.pointee.avail_in)
            consumed += used
            position += UInt64(used)
            switch status {
            case Z_OK, Z_BUF_ERROR: break
            case Z_STREAM_END: betweenMembers = true
            case Z_MEM_ERROR: throw BatchError("\(path): not enough memory to decompress it")
            default:
                throw BatchError("\(path) is not a valid gzip file: \(message.isEmpty ? "zlib error \(status)" : message) "
                                 + "near byte \(position) of the compressed file: it is damaged")
            }
        }
        return produced
    }
}
