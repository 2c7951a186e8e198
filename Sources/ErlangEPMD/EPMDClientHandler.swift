import NIOCore

/// The client side of one EPMD connection: sends its request once the connection is up and
/// completes `promise` with the reply, a typed error, or ``EPMDError/Code/timeout`` when no
/// reply is complete within `replyTimeout`. After a successful ALIVE2 it leaves the connection
/// open, since it holds the registration; otherwise it closes it.
public final class EPMDClientHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = EPMDResponse
    public typealias OutboundOut = EPMDRequest

    private let request: EPMDRequest
    private let replyTimeout: TimeAmount
    private var promise: EventLoopPromise<EPMDResponse>?
    private var timeout: Scheduled<Void>?
    private var sent = false

    /// Creates the handler.
    public init(request: EPMDRequest, replyTimeout: TimeAmount, promise: EventLoopPromise<EPMDResponse>) {
        self.request = request
        self.replyTimeout = replyTimeout
        self.promise = promise
    }

    /// Adds the codec and a handler for `request` to a client pipeline.
    public static func addHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        request: EPMDRequest,
        replyTimeout: TimeAmount,
        maximumTextLength: Int = 1 << 20,
        promise: EventLoopPromise<EPMDResponse>
    ) throws {
        try pipeline.addHandler(MessageToByteHandler(EPMDRequestEncoder()))
        try pipeline.addHandler(ByteToMessageHandler(EPMDResponseDecoder(replyingTo: request.kind, maximumTextLength: maximumTextLength)))
        try pipeline.addHandler(EPMDClientHandler(request: request, replyTimeout: replyTimeout, promise: promise))
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { send(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response = unwrapInboundIn(data)
        guard let promise else { return }
        self.promise = nil
        cancelTimeout()
        promise.succeed(response)
        if case .alive2(let reply) = response, reply.isSuccess { return }
        context.close(promise: nil)
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error as? EPMDError ?? EPMDError(.connectionClosed, "\(error)"))
        context.close(promise: nil)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        fail(EPMDError(.connectionClosed, "the daemon closed the connection without a reply to \(request.kind)"))
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        fail(EPMDError(.connectionClosed, "the connection went away before a reply to \(request.kind)"))
    }

    private func send(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let channel = context.channel
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: replyTimeout) {
            handler.value.fail(EPMDError(.timeout, "no reply to \(handler.value.request.kind) within \(handler.value.replyTimeout)"))
            channel.close(promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    private func fail(_ error: EPMDError) {
        cancelTimeout()
        guard let promise else { return }
        self.promise = nil
        promise.fail(error)
    }

    private func cancelTimeout() {
        timeout?.cancel()
        timeout = nil
    }
}
