import ErlangTerm
import NIOCore

/// Decodes the terms of one message (its control message, then its payload) and reports where
/// in the message a term fails.
struct TermSource {
    let decoder: ETFDecoder
    /// The header's atoms; nil in pass-through mode, where each term carries the version byte 131.
    let atoms: [Atom]?
    /// Binaries of a reassembled message gathered apart from the buffer.
    let detached: [DetachedBinary]
    /// The buffer index of the message's offset 0.
    let start: Int

    /// The offset in the message of `body`'s reader index.
    func offset(of body: ByteBuffer) -> Int {
        offset(at: body.readerIndex)
    }

    /// The offset in the message of a buffer index: detached binaries before it count their
    /// bytes, as if they were in the buffer.
    func offset(at index: Int) -> Int {
        var offset = index - start
        for binary in detached where binary.position < index {
            offset += binary.bytes.count
        }
        return offset
    }

    /// Reads the next term, the `what` of the message.
    func decode(_ body: inout ByteBuffer, what: String) throws -> Term {
        let termIndex = body.readerIndex
        do {
            guard let atoms else { return try decoder.read(from: &body) }
            // external.c, erts_decode_dist_ext_size: after a header no term starts with 131.
            if body.getInteger(at: termIndex, as: UInt8.self) == DistributionHeader.versionMagic {
                throw DistributionError(
                    .invalidTerm, at: offset(at: termIndex), "the \(what) after a distribution header starts with 131")
            }
            guard !detached.isEmpty else { return try decoder.readUnversioned(from: &body, atomCache: atoms) }
            return try decoder.readUnversioned(from: &body, atomCache: atoms, detached: detached)
        } catch let error as ErlangTermError {
            let at = offset(at: termIndex + (error.offset ?? 0))
            throw DistributionError(.invalidTerm, at: at, "the \(what) does not decode: \(error.detail)", termError: error)
        }
    }
}
