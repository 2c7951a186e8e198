import NIOCore

/// Where the fragments of one message lie in the buffer that holds the whole message.
///
/// The buffer starts with room for the first fragment's header, then the data (control term and
/// payload). Splitting moves each later chunk forward in place to open an 18-byte continuation
/// header before it, so the frames are slices of that one buffer: no copy of the payload is made
/// besides its encoding.
struct FragmentLayout {
    /// The bytes before the data: the first fragment's header.
    let headerSpace: Int
    /// The data bytes: control term and payload.
    let dataBytes: Int
    /// The data bytes of each fragment after the first.
    let fragmentSize: Int
    /// The data bytes of the first fragment.
    let firstLength: Int
    /// The number of frames.
    let count: Int

    /// Plans the split; `fragmentSize` nil means one frame. The control term is whole in the first
    /// fragment, because the receiver decodes it from there (`dist.c`, `erts_net_message`,
    /// `erts_decode_dist_ext_size` on the first fragment).
    init(headerSpace: Int, controlBytes: Int, dataBytes: Int, fragmentSize: Int?) {
        self.headerSpace = headerSpace
        self.dataBytes = dataBytes
        self.fragmentSize = fragmentSize ?? dataBytes
        guard let size = fragmentSize, dataBytes > size else {
            self.firstLength = dataBytes
            self.count = 1
            return
        }
        self.firstLength = max(size, controlBytes)
        let rest = dataBytes - firstLength
        self.count = 1 + (rest + size - 1) / size
    }

    /// The offset of fragment `index`'s data (1 and up) before the split.
    private func dataStart(_ index: Int) -> Int {
        headerSpace + firstLength + (index - 1) * fragmentSize
    }

    private func dataLength(_ index: Int) -> Int {
        min(fragmentSize, dataBytes - firstLength - (index - 1) * fragmentSize)
    }

    /// Splits the message in `frame` (reader index 0) into its fragment frames.
    func split(_ frame: inout ByteBuffer, sequenceID: UInt64, references: AtomCacheReferences) throws -> [ByteBuffer] {
        let headerSize = DistributionHeader.fragmentHeaderSize
        frame.writeRepeatingByte(0, count: (count - 1) * headerSize)
        // Last chunk first, so no chunk is overwritten before it moves.
        frame.withUnsafeMutableReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            for index in stride(from: count - 1, through: 1, by: -1) {
                let source = dataStart(index)
                (base + source + index * headerSize).copyMemory(from: base + source, byteCount: dataLength(index))
            }
        }
        var header = ByteBuffer()
        try DistributionHeader.fragmentStart(sequenceID: sequenceID, fragmentID: UInt64(count), atomCache: references)
            .write(into: &header)
        precondition(header.readableBytes == headerSpace, "the first fragment's header fills the room left for it")
        frame.setBuffer(header, at: 0)
        var frames = [frame.getSlice(at: 0, length: headerSpace + firstLength)!]
        for index in 1..<count {
            let start = dataStart(index) + (index - 1) * headerSize
            header.clear()
            try DistributionHeader.fragmentContinuation(sequenceID: sequenceID, fragmentID: UInt64(count - index))
                .write(into: &header)
            frame.setBuffer(header, at: start)
            frames.append(frame.getSlice(at: start, length: headerSize + dataLength(index))!)
        }
        return frames
    }
}
