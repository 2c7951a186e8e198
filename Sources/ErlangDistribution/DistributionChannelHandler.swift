import NIOCore

/// The channel handler of a connected distribution connection: bytes (cut into frames by the
/// handler itself, or frames from a ``DistributionFrameDecoder`` in front of it) in,
/// ``DistributionMessage`` values up; messages down, frames with their 4-byte length out; ticks
/// both ways.
///
/// It does I/O only; the decisions are ``DistributionMessageReader``'s, ``DistributionMessageWriter``'s
/// and ``DistributionTicker``'s. Time is the event loop's (`EventLoop.now` and scheduled tasks), so a
/// test loop's virtual clock drives it.
///
/// Writes: a write's promise completes when the message's last frame has gone to the socket. The
/// handler writes only while the channel is writable and keeps the rest until it is writable again,
/// taking one frame from each sender's current message in turn, so the fragments of a large
/// message interleave with other senders' messages as OTP interleaves those of different processes,
/// while one sender's messages go out whole and in write order (``OutboundFrameQueue``). So a
/// writer need not wait for a promise before its next write to keep its order. Queued messages go
/// out at the next flush, so a batch of writes costs one flush.
///
/// On bad input, a tick timeout or an encoding failure it fires the ``DistributionError`` down the
/// pipeline as an error, fails what is waiting, reports it to `onClose` and closes the channel.
public final class DistributionChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = DistributionMessage
    public typealias OutboundIn = DistributionMessage
    public typealias OutboundOut = ByteBuffer

    private var reader: DistributionMessageReader
    private var writer: DistributionMessageWriter
    private var ticker: DistributionTicker<LoopInstant>?
    private let configuration: DistributionConnectionConfiguration
    private let peerIsHidden: Bool
    private var queue = OutboundFrameQueue<EventLoopPromise<Void>?, DistributionFrames>()
    private var tickTask: RepeatedTask?
    private var closeError: DistributionError?
    private var pumping = false
    private var pumpRequested = false
    private var continuationScheduled = false
    /// The most bytes written in one turn of the event loop (16 fragments of 64 KiB); the rest
    /// goes out in a later turn (``continueLater``).
    static let bytesPerTurn = 1 << 20
    private var closed = false
    /// Whether a frame went out since the tick timer last fired; the timer tells the ticker, so
    /// writes do not read the clock.
    private var wroteSinceFiring = false
    /// Whether bytes came in since the tick timer last fired; the timer tells the ticker.
    private var receivedSinceFiring = false
    /// The handler's context while it is in a pipeline, for ``send(_:promise:)``.
    private var context: ChannelHandlerContext?
    /// Whether the handler takes the raw byte stream and cuts the frames itself.
    private let cutsFrames: Bool
    /// The start of a frame whose rest has not arrived yet (only when ``cutsFrames``).
    private var partialFrame: ByteBuffer?
    /// A continuation fragment whose bytes go to its message as they arrive, and how many are
    /// still to come (only when ``cutsFrames``).
    private var streamed: (sequenceID: UInt64, remaining: Int)?
    private let onClose: (DistributionError?) -> Void
    /// Called on the event loop once per message written, dropped as unencodable, or discarded
    /// at close, whether or not it came with a promise: a sender that does not wait for each
    /// write can count its messages in flight without a promise per message.
    public var onMessageDone: (() -> Void)?
    /// Runs the rest of a write turn later, on the event loop (default: `execute`). The runtime
    /// sets it to run after the loop's next poll of its sockets, so a connection with a long
    /// queue never keeps the loop from reading its other connections.
    public var continueLater: ((@escaping () -> Void) -> Void)?
    /// When set, each message read goes to it instead of down the pipeline: a message fired
    /// through the pipeline is boxed in `NIOAny` and cast back by the next handler, which cost
    /// about 6 % of the receiving peer's CPU in the throughput benchmark (`NIOAny.forceAsOther`,
    /// `swift_dynamicCast`). Set and cleared on the event loop by the handler that consumes them.
    public var onMessage: ((DistributionMessage) -> Void)?
    /// Called on the event loop when a read's frames have all gone to ``onMessage``, so that the
    /// consumer can act on them as a batch before the pipeline's `channelReadComplete`, which
    /// comes after NIO's read loop has unwound.
    public var onReadEnd: (() -> Void)?

    /// Creates the handler for a connection whose handshake agreed on `flags`.
    ///
    /// - Parameters:
    ///   - cutsFrames: when true the handler reads the raw byte stream and splits it into frames
    ///     itself (as ``ChannelPipeline/SynchronousOperations/addDistributionConnectionHandlers(for:configuration:onClose:)``
    ///     sets it up), refusing an over-long frame before buffering it as
    ///     ``DistributionFrameDecoder`` does; when false each read is one frame's body, from a
    ///     ``DistributionFrameDecoder`` in front of it.
    ///   - onClose: called once on the event loop when the channel closes, with the error
    ///     that closed it (nil for a clean close by either side).
    public init(
        agreedFlags flags: DistributionFlags,
        peerIsHidden: Bool,
        configuration: DistributionConnectionConfiguration = .init(),
        cutsFrames: Bool = false,
        onClose: @escaping (DistributionError?) -> Void = { _ in }
    ) {
        self.cutsFrames = cutsFrames
        self.reader = DistributionMessageReader(flags: flags, limits: configuration.limits)
        self.writer = DistributionMessageWriter(flags: flags, limits: configuration.limits)
        self.configuration = configuration
        self.peerIsHidden = peerIsHidden
        self.onClose = onClose
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let now = LoopInstant(context.eventLoop.now)
        let ticker = DistributionTicker(
            netTickTime: configuration.netTickTime, intensity: configuration.tickIntensity,
            peerIsHidden: peerIsHidden, start: now)
        self.ticker = ticker
        let interval = TimeAmount(ticker.tickInterval)
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        tickTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.handler.timerFired(context: bound.value.context)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        tickTask?.cancel()
        tickTask = nil
    }

    // MARK: - Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        var bytes = unwrapInboundIn(data)
        // Any bytes count as a sign of life, as OTP's tick check looks at the socket's receive
        // counter (`dist_util:getstat/1`, `recv_cnt`), not at whole messages. Noted here and
        // told to the ticker when its timer fires: reading the clock on every read was about a
        // tenth of a ping's way from the socket to its message.
        receivedSinceFiring = true
        do {
            if !cutsFrames {
                try readFrame(bytes, context: context)
            } else {
                if streamed != nil {
                    try continueStreamed(&bytes, context: context)
                } else if let partial = partialFrame {
                    partialFrame = nil
                    try complete(partial, from: &bytes, context: context)
                }
                try cutFrames(&bytes, context: context)
            }
        } catch {
            fail(context: context, error: Self.distributionError(error))
        }
        onReadEnd?()
    }

    /// Reads the whole frames at the front of `bytes` and keeps what is left of a frame not yet
    /// complete. Doing this here rather than in a `ByteToMessageHandler` in front saves a pipeline
    /// hop and an `NIOAny` box per frame: about 0.4 µs of a ping's 1.5 µs from `channelRead` to
    /// its message, in a loop feeding one frame per read to an `EmbeddedChannel`.
    private func cutFrames(_ bytes: inout ByteBuffer, context: ChannelHandlerContext) throws {
        let maximumFrameBytes = configuration.limits.maxFrameBytes
        while !closed, let frame = try DistributionFrameDecoder.readFrame(from: &bytes, maximumFrameBytes: maximumFrameBytes) {
            try readFrame(frame, context: context)
        }
        if !closed, bytes.readableBytes > 0, !startStreamed(&bytes) { partialFrame = bytes }
    }

    /// When `bytes` hold the start of a continuation fragment, its length and whole header, hands
    /// its data to the reader as it arrives instead of keeping the start to join with the rest.
    /// A fragment the reader would refuse (``DistributionMessageReader/beginContinuation(_:fragment:dataBytes:)``
    /// throws) is kept whole as before, and reading it reports the error.
    private func startStreamed(_ bytes: inout ByteBuffer) -> Bool {
        let headerBytes = DistributionHeader.fragmentHeaderSize
        guard let length = bytes.getInteger(at: bytes.readerIndex, as: UInt32.self).map(Int.init), length > headerBytes,
            var header = bytes.getSlice(at: bytes.readerIndex + 4, length: headerBytes),
            case .fragmentContinuation(let sequenceID, let fragmentID)? =
                try? DistributionHeader.read(from: &header, flags: reader.flags, reference: { _, _, _ in }),
            (try? reader.beginContinuation(sequenceID, fragment: fragmentID, dataBytes: length - headerBytes)) != nil
        else { return false }
        bytes.moveReaderIndex(forwardBy: 4 + headerBytes)
        // The frame is not complete here, so every byte left belongs to it.
        streamed = (sequenceID, length - headerBytes - bytes.readableBytes)
        reader.appendContinuation(bytes, to: sequenceID)
        bytes.moveReaderIndex(to: bytes.writerIndex)
        return true
    }

    /// Adds the front of `bytes` to the fragment being streamed, and reads its message when the
    /// fragment ends and was the last.
    private func continueStreamed(_ bytes: inout ByteBuffer, context: ChannelHandlerContext) throws {
        guard let (sequenceID, remaining) = streamed, let data = bytes.readSlice(length: min(remaining, bytes.readableBytes)) else {
            return
        }
        reader.appendContinuation(data, to: sequenceID)
        guard remaining == data.readableBytes else {
            streamed = (sequenceID, remaining - data.readableBytes)
            return
        }
        streamed = nil
        if let message = try reader.finishContinuation(sequenceID) { deliver(message, context: context) }
    }

    /// Finishes an unfinished frame with the bytes it lacks from the front of `bytes`, leaving the
    /// rest of the read to be cut in place: copying only those bytes, not the whole read behind
    /// them, matters for large messages, whose 64 KiB fragments rarely line up with reads.
    private func complete(_ partial: ByteBuffer, from bytes: inout ByteBuffer, context: ChannelHandlerContext) throws {
        var partial = partial
        if partial.readableBytes < 4, var lengthRest = bytes.readSlice(length: min(4 - partial.readableBytes, bytes.readableBytes)) {
            partial.writeBuffer(&lengthRest)
        }
        if let length = partial.getInteger(at: partial.readerIndex, as: UInt32.self), Int(length) <= configuration.limits.maxFrameBytes,
            var rest = bytes.readSlice(length: min(max(4 + Int(length) - partial.readableBytes, 0), bytes.readableBytes))
        {
            partial.writeBuffer(&rest)
        }
        try cutFrames(&partial, context: context)
    }

    /// Reads one frame's body, length excluded; an empty one is a tick.
    private func readFrame(_ frame: ByteBuffer, context: ChannelHandlerContext) throws {
        guard frame.readableBytes > 0 else { return }
        guard let message = try reader.read(frame: frame) else { return }
        deliver(message, context: context)
    }

    private func deliver(_ message: DistributionMessage, context: ChannelHandlerContext) {
        if let onMessage {
            onMessage(message)
        } else {
            context.fireChannelRead(wrapInboundOut(message))
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context: context, error: Self.distributionError(error))
    }

    public func channelInactive(context: ChannelHandlerContext) {
        finish(error: closeError)
        context.fireChannelInactive()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pump(context: context) }
        context.fireChannelWritabilityChanged()
    }

    // MARK: - Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        enqueue(unwrapOutboundIn(data), promise: promise)
    }

    /// On the event loop: queues `message` for the next ``flush()``, as a `write` through the
    /// pipeline would, without the trip through it.
    public func enqueue(_ message: DistributionMessage, promise: EventLoopPromise<Void>?) {
        guard !closed else {
            drop(promise, with: closedError)
            return
        }
        queue.append(message, completion: promise)
    }

    /// On the event loop: writes what was queued, as a `flush` through the pipeline would.
    public func flush() {
        if let context { pump(context: context) }
    }

    /// On the event loop: writes `message` and flushes, as `write` then `flush` through the
    /// pipeline would, without the trip through it. A message that nothing waits before and that
    /// fits one frame goes to the socket at once, skipping the queue: the common case of a reply,
    /// where the pipeline trip, the `NIOAny` box and the queue's bookkeeping cost about a third of
    /// the send path (probe of the ping-pong benchmark's peer).
    public func send(_ message: DistributionMessage, promise: EventLoopPromise<Void>?) {
        guard let context else {
            drop(promise, with: closedError)
            return
        }
        guard !closed, !pumping, queue.isEmpty, context.channel.isWritable else {
            enqueue(message, promise: promise)
            pump(context: context)
            return
        }
        var frames: DistributionFrames
        do {
            frames = try writer.frames(for: message)
        } catch {
            drop(promise, with: Self.distributionError(error))
            return
        }
        guard frames.count == 1 else {
            queue.append(encoded: frames, of: message, completion: promise)
            pump(context: context)
            return
        }
        // Taken out of `frames`, so that writing its length in front finds its buffer unshared
        // (iterating a copy of `frames` left a second reference, and every reply's buffer was
        // copied to write the length).
        if let frame = frames.next(), frame.readableBytes > 0 {
            writeFrame(frame, context: context, promise: promise, flush: true)
        } else {
            // An empty frame would read as a tick; writers never make one.
            promise?.succeed()
        }
        wroteSinceFiring = true
        onMessageDone?()
    }

    /// A message that will not be written (closed, or unencodable): its writer hears why and its
    /// slot is counted done.
    private func drop(_ promise: EventLoopPromise<Void>?, with error: DistributionError) {
        promise?.fail(error)
        onMessageDone?()
    }

    /// Why a write after the close fails: the error that closed the connection, if any.
    private var closedError: DistributionError {
        closeError ?? DistributionError(.connectionClosed, "the connection is closed")
    }

    /// Writes what was queued: the writes before a flush go to the socket with one flush.
    public func flush(context: ChannelHandlerContext) {
        pump(context: context)
    }

    /// A ``CloseWithError`` closes the connection with its error as the reason; other events pass on.
    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let close = event as? CloseWithError else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        fail(context: context, error: close.error)
        promise?.succeed()
    }

    /// Writes frames while the channel takes them: one frame of each waiting message in turn.
    ///
    /// At most ``bytesPerTurn`` bytes per turn of the event loop: a flush can make the channel
    /// writable again at once (and call back in here), and on a fast socket a large message would
    /// otherwise go out whole before another sender's write, waiting on the loop, could queue.
    private func pump(context: ChannelHandlerContext) {
        guard !pumping else {
            pumpRequested = true
            return
        }
        pumping = true
        defer { pumping = false }
        var written = 0
        repeat {
            pumpRequested = false
            var wrote = false
            while !closed, written < Self.bytesPerTurn, context.channel.isWritable,
                let next = queue.next(encode: { try writer.frames(for: $0) })
            {
                switch next {
                case .frame(let frame, let completes):
                    // An empty frame would read as a tick; writers never make one.
                    if frame.readableBytes > 0 {
                        writeFrame(frame, context: context, promise: completes ?? nil)
                    } else {
                        (completes ?? nil)?.succeed()
                    }
                    if completes != nil { onMessageDone?() }
                    wroteSinceFiring = true
                    written += frame.readableBytes + 4
                    wrote = true
                case .failed(let error, let promise):
                    drop(promise, with: Self.distributionError(error))
                }
            }
            if wrote { context.flush() }
        } while pumpRequested && written < Self.bytesPerTurn && !closed
        if !closed, !queue.isEmpty, context.channel.isWritable, !continuationScheduled {
            continuationScheduled = true
            let resume = { [self] in
                continuationScheduled = false
                pump(context: context)
            }
            if let continueLater {
                continueLater(resume)
            } else {
                context.eventLoop.assumeIsolated().execute(resume)
            }
        }
    }

    // The writer leaves room before a frame's header, so the length usually goes there: one
    // buffer and one pending write per frame instead of two.
    // With `flush`, the frame goes with one `writeAndFlush`, one trip to the pipeline's head
    // instead of two.
    private func writeFrame(
        _ frame: consuming ByteBuffer, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, flush: Bool = false
    ) {
        let length = UInt32(frame.readableBytes)
        var frame = frame
        if frame.readerIndex >= 4 {
            frame.moveReaderIndex(to: frame.readerIndex - 4)
            frame.setInteger(length, at: frame.readerIndex)
        } else {
            var prefix = context.channel.allocator.buffer(capacity: 4)
            prefix.writeInteger(length)
            context.write(wrapOutboundOut(prefix), promise: nil)
        }
        if flush {
            // Kept to hand back to the writer: the socket usually has the bytes once the flush
            // returns, and the next message then reuses the buffer instead of allocating one.
            let written = frame
            context.writeAndFlush(wrapOutboundOut(frame), promise: promise)
            writer.recycle(written)
        } else {
            context.write(wrapOutboundOut(frame), promise: promise)
        }
    }

    // MARK: - Ticks and closing

    private func timerFired(context: ChannelHandlerContext) {
        guard !closed, var ticker else { return }
        if wroteSinceFiring {
            wroteSinceFiring = false
            ticker.sent(at: LoopInstant(context.eventLoop.now))
        }
        if receivedSinceFiring {
            receivedSinceFiring = false
            ticker.receivedSincePreviousFiring()
        }
        let action = ticker.timerFired(at: LoopInstant(context.eventLoop.now), outputPending: !queue.isEmpty)
        self.ticker = ticker
        switch action {
        case .none:
            break
        case .sendTick:
            // inet_tcp_dist:tick/2 sends the empty frame even when the socket is busy.
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: [0, 0, 0, 0])), promise: nil)
        case .peerUnresponsive:
            fail(context: context, error: DistributionError(.peerUnresponsive, "nothing received for net_ticktime (\(ticker.netTickTime))"))
        }
    }

    private func fail(context: ChannelHandlerContext, error: DistributionError) {
        guard !closed, closeError == nil else { return }
        closeError = error
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func finish(error: DistributionError?) {
        guard !closed else { return }
        closed = true
        tickTask?.cancel()
        tickTask = nil
        let failure = error ?? DistributionError(.connectionClosed, "the connection closed")
        for promise in queue.removeAll() {
            drop(promise, with: failure)
        }
        onClose(error)
    }

    static func distributionError(_ error: any Error) -> DistributionError {
        if let error = error as? DistributionError { return error }
        if let error = error as? ChannelError, error == .ioOnClosedChannel || error == .alreadyClosed {
            return DistributionError(.connectionClosed, "the connection closed")
        }
        return DistributionError(.connectionClosed, "the connection failed: \(error)")
    }
}

@available(*, unavailable)
extension DistributionChannelHandler: Sendable {}

extension DistributionChannelHandler {
    /// A user outbound event (`Channel.triggerUserOutboundEvent`) that closes the connection with
    /// `error` as the reason its `onClose` and readers see, instead of a clean close: how a local
    /// `disconnect_node` or a shutdown is told apart from the peer closing the socket.
    public struct CloseWithError: Sendable {
        /// The reason the connection closes with.
        public let error: DistributionError

        /// Creates the event.
        public init(_ error: DistributionError) {
            self.error = error
        }
    }
}

/// The event loop's clock as an `InstantProtocol`, for ``DistributionTicker``.
struct LoopInstant: InstantProtocol {
    var nanoseconds: Int64

    init(_ deadline: NIODeadline) {
        nanoseconds = Int64(truncatingIfNeeded: deadline.uptimeNanoseconds)
    }

    init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    func advanced(by duration: Duration) -> LoopInstant {
        LoopInstant(nanoseconds: nanoseconds + TimeAmount(duration).nanoseconds)
    }

    func duration(to other: LoopInstant) -> Duration {
        .nanoseconds(other.nanoseconds - nanoseconds)
    }

    static func < (lhs: LoopInstant, rhs: LoopInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the connected-state handler at the end of the pipeline: a ``DistributionChannelHandler``
    /// for the flags `result` agreed on, which cuts the byte stream into frames itself.
    @discardableResult
    public func addDistributionConnectionHandlers(
        for result: HandshakeResult,
        configuration: DistributionConnectionConfiguration = .init(),
        onClose: @escaping (DistributionError?) -> Void = { _ in }
    ) throws -> DistributionChannelHandler {
        let handler = DistributionChannelHandler(
            agreedFlags: result.agreedFlags, peerIsHidden: !result.peerFlags.contains(.published),
            configuration: configuration, cutsFrames: true, onClose: onClose)
        try addHandler(handler)
        return handler
    }
}

