import ErlangTerm
import NIOCore

// One pass = every blob of the corpus once. Each pass is a non-inlined function whose symbol
// contains benchPass_<op>, so that icount.sh can count its instructions alone (callgrind
// --toggle-collect='*benchPass_decode*'). The symbol is set with @_silgen_name because Swift's
// mangling would abbreviate "bench", a word the module name already holds.
// Each returns a number derived from its results, which the caller keeps, so the optimiser
// cannot drop the work.

/// Decodes every blob to a full term.
@inline(never) @_silgen_name("swerl_benchPass_decode")
func benchPass_decode(_ blobs: [[UInt8]], decoder: ETFDecoder) throws -> Int {
    var sink = 0
    for blob in blobs {
        sink &+= try decoder.decode(blob).shape
    }
    return sink
}

/// Encodes every term into one reused buffer, as a sender would; returns the bytes written.
@inline(never) @_silgen_name("swerl_benchPass_encode")
func benchPass_encode(_ terms: [Term], encoder: ETFEncoder, buffer: inout ByteBuffer) throws -> Int {
    var written = 0
    for term in terms {
        buffer.clear()
        try encoder.encode(term, into: &buffer)
        written &+= buffer.readableBytes
    }
    return written
}

extension Term {
    /// A cheap number that depends on the decoded value, for keeping results alive.
    var shape: Int {
        switch self {
        case .tuple(let elements), .list(let elements): return elements.count
        case .map(let map): return map.count
        case .binary(let bytes): return bytes.count
        default: return 1
        }
    }
}
