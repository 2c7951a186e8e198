import NIOCore

/// Splits the connected-state byte stream into frames: a 4-byte length and that many bytes
/// (`{packet,4}`, distribution.md §4.1). An empty frame is a tick.
///
/// It waits for whole frames and refuses, before buffering it, a frame whose announced length
/// is over the limit, so a hostile length costs no memory.
public struct DistributionFrameDecoder: ByteToMessageDecoder, Sendable {
    /// A frame's body, without its length; empty for a tick.
    public typealias InboundOut = ByteBuffer

    /// The largest frame accepted (``DistributionLimits/maxFrameBytes``).
    public let maximumFrameBytes: Int

    /// Creates a decoder.
    public init(maximumFrameBytes: Int) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    /// Emits one frame if it is complete.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.readFrame(from: &buffer, maximumFrameBytes: maximumFrameBytes) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// Like ``decode(context:buffer:)``; a partial frame left at the end is not an error here, the
    /// connection reports the close.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// Takes one frame off the front of `buffer`, or returns nil when it is not complete.
    public static func readFrame(from buffer: inout ByteBuffer, maximumFrameBytes: Int) throws -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maximumFrameBytes else {
            throw DistributionError(.frameTooLarge, "a frame of \(length) bytes is announced, the limit is \(maximumFrameBytes)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(length))
    }
}
