import NIOCore

/// The questions a handshake asks the node (`net_kernel`'s part in `dist_util`). The node keeps
/// the table of pending and up connections; one delegate value serves one connection attempt.
public protocol DistributionHandshakeDelegate: Sendable {
    /// An acceptor learnt who connects: what does the node already have for that peer?
    /// (`accept_pending`; ``AcceptDecision/rule(local:peer:existing:)`` gives OTP's answer.)
    func checkSimultaneous(_ pending: PendingConnection) async -> AcceptDecision
    /// An initiator was told `alive`: is this attempt still the node's pending one for `peer`? (`is_pending`)
    func isStillPending(_ peer: NodeName) async -> Bool
    /// An acceptor replaces a connection that is up: close the old one and return once it is gone (`wait_pending`).
    func closeOldConnection(to peer: NodeName) async

    /// The answer of ``checkSimultaneous(_:)`` when the node has it without waiting, or nil to
    /// ask that. An answer here spares the handshake two thread hops (a task and back to the
    /// event loop), about 0.1 ms of each accepted connection's setup. The default is nil.
    func checkSimultaneousAtOnce(_ pending: PendingConnection) -> AcceptDecision?
    /// The answer of ``isStillPending(_:)`` when the node has it without waiting, or nil to ask
    /// that. The default is nil.
    func isStillPendingAtOnce(_ peer: NodeName) -> Bool?
}

extension DistributionHandshakeDelegate {
    /// No answer without waiting: the handshake asks ``checkSimultaneous(_:)``.
    public func checkSimultaneousAtOnce(_ pending: PendingConnection) -> AcceptDecision? { nil }
    /// No answer without waiting: the handshake asks ``isStillPending(_:)``.
    public func isStillPendingAtOnce(_ peer: NodeName) -> Bool? { nil }
}

/// Drives a ``HandshakeStateMachine`` on a channel: 2-byte frames in and out, the setup timer, and
/// the node's answers. It does I/O only.
///
/// On success it sends the last handshake message, calls `connected` (on the event loop, before any
/// more bytes are read) so the caller can put the connected-state handlers behind it, passes the
/// bytes that came behind the handshake on to them, and removes itself. On failure it sends what
/// the machine asks (a status such as `not_allowed`), calls `failed` and closes the channel.
public final class DistributionHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private var machine: HandshakeStateMachine
    private let setupTime: TimeAmount
    private let delegate: any DistributionHandshakeDelegate
    private let connected: (HandshakeResult, any Channel) throws -> Void
    private let failed: (DistributionError) -> Void
    private var timer: Scheduled<Void>?
    private var started = false
    private var done = false

    /// Creates the handler.
    ///
    /// - Parameters:
    ///   - machine: the handshake, in either role.
    ///   - setupTime: `net_setuptime`; the timer restarts at every step (`dist_util:reset_timer/1`).
    ///   - delegate: answers the machine's questions to the node.
    ///   - connected: installs the connected-state handlers; throwing fails the handshake.
    ///   - failed: told why the handshake failed; the channel is then closed.
    public init(
        machine: HandshakeStateMachine,
        setupTime: TimeAmount = .seconds(7),
        delegate: any DistributionHandshakeDelegate,
        connected: @escaping (HandshakeResult, any Channel) throws -> Void,
        failed: @escaping (DistributionError) -> Void
    ) {
        self.machine = machine
        self.setupTime = setupTime
        self.delegate = delegate
        self.connected = connected
        self.failed = failed
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        run(machine.received(unwrapInboundIn(data)), context: context)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if !done { run(machine.connectionClosed(), context: context) }
        context.fireChannelInactive()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else { return context.fireErrorCaught(error) }
        let error = DistributionError(.connectionClosed, "the connection failed during the handshake: \(error)")
        finishFailed(error, write: nil, context: context)
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        resetTimer(context: context)
        run(machine.start(), context: context)
    }

    private func run(_ action: HandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .needMoreBytes:
            break
        case .write(let bytes):
            resetTimer(context: context)
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        case .checkSimultaneous(let pending):
            resetTimer(context: context)
            if let decision = delegate.checkSimultaneousAtOnce(pending) {
                run(machine.pendingResolved(decision), context: context)
            } else {
                ask(context: context, { await $0.checkSimultaneous(pending) }, then: { $0.pendingResolved($1) })
            }
        case .checkStillPending(let peer):
            resetTimer(context: context)
            if let pending = delegate.isStillPendingAtOnce(peer) {
                run(machine.stillPendingAnswered(pending), context: context)
            } else {
                ask(context: context, { await $0.isStillPending(peer) }, then: { $0.stillPendingAnswered($1) })
            }
        case .waitForOldConnection(let peer):
            resetTimer(context: context)
            ask(context: context, { await $0.closeOldConnection(to: peer) }, then: { machine, _ in machine.oldConnectionClosed() })
        case .completed(let result, let write):
            finishConnected(result, write: write, context: context)
        case .failed(let error, let write):
            finishFailed(error, write: write, context: context)
        }
    }

    /// Asks the node on a task and feeds the answer to the machine back on the event loop.
    private func ask<Answer: Sendable>(
        context: ChannelHandlerContext,
        _ question: @escaping @Sendable (any DistributionHandshakeDelegate) async -> Answer,
        then answer: @escaping (inout HandshakeStateMachine, Answer) -> HandshakeStateMachine.Action
    ) {
        let delegate = self.delegate
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context, answer: answer), eventLoop: eventLoop)
        Task {
            let reply = await question(delegate)
            eventLoop.execute {
                let (handler, context, answer) = bound.value
                guard !handler.done else { return }
                handler.run(answer(&handler.machine, reply), context: context)
            }
        }
    }

    private func resetTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: setupTime) {
            let (handler, context) = bound.value
            guard !handler.done else { return }
            handler.run(handler.machine.timedOut(), context: context)
        }
    }

    private func finishConnected(_ result: HandshakeResult, write: ByteBuffer?, context: ChannelHandlerContext) {
        done = true
        timer?.cancel()
        timer = nil
        if let write { context.writeAndFlush(wrapOutboundOut(write), promise: nil) }
        do {
            try connected(result, context.channel)
        } catch {
            failed(DistributionError(.connectionClosed, "setting up the connected state failed: \(error)"))
            context.close(promise: nil)
            return
        }
        if result.leftover.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(result.leftover))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func finishFailed(_ error: DistributionError, write: ByteBuffer?, context: ChannelHandlerContext) {
        done = true
        timer?.cancel()
        timer = nil
        failed(error)
        if let write {
            context.writeAndFlush(wrapOutboundOut(write)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension DistributionHandshakeHandler: Sendable {}
