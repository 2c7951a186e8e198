/// Binaries whose bytes were gathered apart from the rest of a term's encoding.
///
/// A large binary that arrives in many pieces (a message in distribution fragments) can be
/// gathered straight into the array that becomes its ``Term/binary(_:)``, instead of into the
/// message's buffer and then copied out of it. The buffer then holds only the binary's
/// `BINARY_EXT` tag and length, at ``DetachedBinary/position``, and the decoder takes the array
/// from here when it reaches that position.
package struct DetachedBinary: Sendable {
    /// The index, in the buffer the term is read from, of the binary's `BINARY_EXT` tag.
    package var position: Int
    /// The binary's bytes; fewer than its length says when the input ended before all came.
    package var bytes: [UInt8]

    /// A binary whose tag is at `position` and whose bytes are `bytes`.
    package init(position: Int, bytes: [UInt8]) {
        self.position = position
        self.bytes = bytes
    }
}

/// The detached binaries one decode may take, in the order of their positions.
struct DetachedBinaries {
    private var binaries: [DetachedBinary]
    /// Subtracted from each position: the buffer index where the decode's input starts.
    private let base: Int
    private var next = 0

    init(_ binaries: [DetachedBinary] = [], base: Int = 0) {
        self.binaries = binaries
        self.base = base
        next = binaries.firstIndex { $0.position >= base } ?? binaries.count
    }

    /// The bytes of the binary whose tag is at `offset` of the decode's input, if it was detached.
    @inline(__always)
    mutating func take(at offset: Int) -> [UInt8]? {
        guard next < binaries.count, binaries[next].position - base == offset else { return nil }
        defer { next += 1 }
        return binaries[next].bytes
    }
}
