import NIOCore

/// The daemon side's decoder: one length-framed request per connection, as epmd reads them.
///
/// It waits for the whole frame; it fails on a length outside `1...3057`, on bytes beyond the
/// frame that arrived with it (epmd: "got N bytes in packet, expected M"), on any byte after the
/// request (on a registration connection that is how a node unregisters), and on EOF inside a
/// frame. Its buffer never holds more than one frame plus one read.
public struct EPMDRequestDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = EPMDRequest

    private let singleRequest: Bool
    private var hasDecodedRequest = false

    /// Creates a decoder. `singleRequest: false` decodes a stream of frames instead of epmd's one
    /// request per connection (for tools and tests; the daemon never uses it).
    public init(singleRequest: Bool = true) {
        self.singleRequest = singleRequest
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> EPMDRequest? {
        guard !(singleRequest && hasDecodedRequest) else {
            guard buffer.readableBytes == 0 else {
                throw EPMDError(.dataAfterRequest, "\(buffer.readableBytes) bytes after the request")
            }
            return nil
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else { return nil }
        guard (1...EPMDRequest.maximumFrameLength).contains(Int(length)) else {
            throw EPMDError(.invalidLength, "request length \(length) outside 1...\(EPMDRequest.maximumFrameLength)", offset: 0)
        }
        let frameSize = 2 + Int(length)
        guard buffer.readableBytes >= frameSize else { return nil }
        guard buffer.readableBytes == frameSize || !singleRequest else {
            throw EPMDError(.dataAfterRequest, "\(buffer.readableBytes - frameSize) bytes after a \(length)-byte request", offset: frameSize)
        }
        let body = buffer.getSlice(at: buffer.readerIndex + 2, length: Int(length))!
        buffer.moveReaderIndex(forwardBy: frameSize)
        hasDecodedRequest = true
        return try EPMDRequest.read(body: body)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> EPMDRequest? {
        if let request = try decode(buffer: &buffer) { return request }
        guard buffer.readableBytes == 0 || (singleRequest && hasDecodedRequest) else {
            throw EPMDError(.connectionClosed, "connection closed after \(buffer.readableBytes) bytes of a request")
        }
        return nil
    }
}

/// The client side's decoder: the one reply to a request of a known kind.
public struct EPMDResponseDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = EPMDResponse

    /// The request whose reply this decodes.
    public let kind: EPMDRequest.Kind
    /// The most bytes a NAMES or DUMP reply may take.
    public let maximumTextLength: Int
    private let singleReply: Bool

    /// Creates a decoder for the reply to a request of `kind`. `singleReply: false` decodes a
    /// stream of replies of that kind (for tools and tests; meaningless for NAMES and DUMP, which
    /// end at EOF).
    public init(replyingTo kind: EPMDRequest.Kind, maximumTextLength: Int = 1 << 20, singleReply: Bool = true) {
        self.kind = kind
        self.maximumTextLength = maximumTextLength
        self.singleReply = singleReply
    }

    private var hasDecodedResponse = false

    public mutating func decode(buffer: inout ByteBuffer) throws -> EPMDResponse? {
        try decode(buffer: &buffer, atEOF: false)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> EPMDResponse? {
        try decode(buffer: &buffer, atEOF: true)
    }

    private mutating func decode(buffer: inout ByteBuffer, atEOF: Bool) throws -> EPMDResponse? {
        guard !(singleReply && hasDecodedResponse) else {
            // A daemon sends nothing after its one reply; whatever comes is dropped.
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        if atEOF, !singleReply, buffer.readableBytes == 0 { return nil }
        let response = try EPMDResponse.read(
            from: &buffer, replyingTo: kind, atEOF: atEOF, maximumTextLength: maximumTextLength)
        hasDecodedResponse = hasDecodedResponse || response != nil
        return response
    }
}

/// Writes requests with their length prefix.
public struct EPMDRequestEncoder: MessageToByteEncoder {
    public typealias OutboundIn = EPMDRequest

    /// Creates an encoder.
    public init() {}

    public func encode(data: EPMDRequest, out: inout ByteBuffer) throws {
        data.write(into: &out)
    }
}

/// Writes replies as epmd does.
public struct EPMDResponseEncoder: MessageToByteEncoder {
    public typealias OutboundIn = EPMDResponse

    /// Creates an encoder.
    public init() {}

    public func encode(data: EPMDResponse, out: inout ByteBuffer) throws {
        data.write(into: &out)
    }
}
