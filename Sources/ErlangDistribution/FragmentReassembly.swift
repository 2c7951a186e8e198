import ErlangTerm
import NIOCore

/// The bytes of a message arriving in fragments, gathered for one decode at the end.
///
/// Large binaries go straight into the arrays that become their terms (``DetachedBinary``):
/// gathering them into ``data`` and copying them out at the decode cost a receiving peer about a
/// fifth of its time for 1 MiB binaries, the decode's copy twice the gathering's (the data had
/// left the cache). BEAM keeps one copy too: its decode makes sub-binaries of the reassembled
/// buffer (`dist.c`, `erts_net_message`; `external.c`, `dec_term`).
struct FragmentReassembly: Sendable {
    /// The message without the bytes of its detached binaries.
    private(set) var data = ByteBuffer()
    /// The binaries gathered apart, in order.
    private(set) var detached: [DetachedBinary] = []
    private var scanner = LargeBinaryScanner()
    /// Bytes still to come for the last detached binary.
    private var divert = 0

    /// Adds the next bytes of the message. A binary is detached only when its bytes not yet
    /// here fit in `allowance` (the bytes the message may still hold); returns how many bytes
    /// not yet here the detached binaries reserved, which the caller counts as held.
    mutating func append(_ bytes: ByteBuffer, allowance: Int) -> Int {
        var bytes = bytes
        var reserved = 0
        while bytes.readableBytes > 0 {
            guard divert == 0 else {
                let count = min(divert, bytes.readableBytes)
                bytes.readWithUnsafeReadableBytes { raw in
                    detached[detached.count - 1].bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw.prefix(count)))
                    return count
                }
                divert -= count
                continue
            }
            data.writeBuffer(&bytes)
            reserved += detachLargeBinaries(allowance: allowance - reserved)
        }
        return reserved
    }

    /// Moves the large binaries that the scanner finds in ``data`` into their own arrays.
    private mutating func detachLargeBinaries(allowance: Int) -> Int {
        var reserved = 0
        while divert == 0, let found = data.withUnsafeReadableBytes({ scanner.nextLargeBinary(in: $0) }) {
            let start = found.tag + 5
            let present = data.writerIndex - start
            let taken = min(present, found.length)
            guard found.length - taken <= allowance - reserved else {
                scanner.skip(found.length)
                continue
            }
            var binary: [UInt8] = []
            binary.reserveCapacity(found.length)
            let after = present - taken
            data.withUnsafeMutableReadableBytes { raw in
                binary.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<start + taken]))
                // What followed the binary moves down to where its bytes began; the scanner
                // walks on from there.
                if after > 0, let base = raw.baseAddress {
                    (base + start).copyMemory(from: base + start + taken, byteCount: after)
                }
            }
            data.moveWriterIndex(to: start + after)
            detached.append(DetachedBinary(position: found.tag, bytes: binary))
            divert = found.length - taken
            reserved += divert
        }
        return reserved
    }
}
