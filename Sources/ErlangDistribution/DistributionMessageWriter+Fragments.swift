import NIOCore

/// The frames of one written message, made one at a time.
///
/// A message that fits one frame is that frame. A fragmented message is held encoded once; each
/// ``next()`` copies the next fragment's data behind its header, and the encoded message is
/// released with the last fragment, so a caller that sends each frame before asking for the next
/// holds the message once plus one fragment (64 KiB by default). Frames after the first may be
/// sent later than other traffic, as ``DistributionMessageWriter`` explains.
public struct DistributionFrames: Sequence, IteratorProtocol, Sendable {
    // A single frame is the common case, a small message: kept apart from the fragments' state
    // so that handing it out touches nothing else (it was a struct of three buffers and a layout,
    // two of them empty for a single frame).
    private enum State: Sendable {
        case single(ByteBuffer?)
        case fragmenting(Fragmenting)
    }

    private var state: State

    /// The number of frames: 1, or the number of fragments.
    public let count: Int

    /// One frame.
    init(single frame: ByteBuffer) {
        self.state = .single(frame)
        self.count = 1
    }

    /// The fragments of `encoded`, whose first `layout.headerSpace` bytes are room for a header.
    init(fragmenting encoded: ByteBuffer, layout: FragmentLayout, startHeader: ByteBuffer, sequenceID: UInt64) {
        self.state = .fragmenting(Fragmenting(encoded: encoded, layout: layout, startHeader: startHeader, sequenceID: sequenceID))
        self.count = layout.count
    }

    /// Room before each fragment for the 4-byte frame length, which the channel handler writes
    /// there rather than in a buffer of its own.
    static let lengthRoom = 4

    /// The next frame, or nil after the last.
    public mutating func next() -> ByteBuffer? {
        switch state {
        case .single(let frame):
            // Cleared before the frame is returned, so that the caller holds its only reference.
            state = .single(nil)
            return frame
        case .fragmenting(var fragmenting):
            let frame = fragmenting.next()
            state = .fragmenting(fragmenting)
            return frame
        }
    }
}

/// A fragmented message under way: the encoded message and the next fragment's index.
private struct Fragmenting: Sendable {
    var encoded: ByteBuffer
    let layout: FragmentLayout
    let startHeader: ByteBuffer
    let sequenceID: UInt64
    var index = 0

    private static let allocator = ByteBufferAllocator()

    mutating func next() -> ByteBuffer? {
        let count = layout.count
        guard index < count else { return nil }
        defer {
            index += 1
            if index == count { encoded = ByteBuffer() }  // Release the message with its last fragment.
        }
        let range = layout.dataRange(index)
        let headerBytes = index == 0 ? startHeader.readableBytes : DistributionHeader.fragmentHeaderSize
        var frame = Self.allocator.buffer(capacity: DistributionFrames.lengthRoom + headerBytes + range.count)
        frame.writeRepeatingByte(0, count: DistributionFrames.lengthRoom)
        frame.moveReaderIndex(forwardBy: DistributionFrames.lengthRoom)
        if index == 0 {
            frame.writeImmutableBuffer(startHeader)
        } else {
            DistributionHeader.writeContinuation(sequenceID: sequenceID, fragmentID: UInt64(count - index), into: &frame)
        }
        encoded.withUnsafeReadableBytes { bytes in
            _ = frame.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[range]))
        }
        return frame
    }
}

/// Where the fragments' data lie in the buffer that holds the whole message: room for a header,
/// then the control term and the payload.
struct FragmentLayout: Sendable {
    /// The bytes before the data.
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

    /// The offsets of fragment `index`'s data (counting from 0) in the buffer.
    func dataRange(_ index: Int) -> Range<Int> {
        guard index > 0 else { return headerSpace..<(headerSpace + firstLength) }
        let start = headerSpace + firstLength + (index - 1) * fragmentSize
        return start..<min(start + fragmentSize, headerSpace + dataBytes)
    }
}
