import NIOCore

/// Serves one accepted connection: takes its one request from ``EPMDRequestDecoder``, asks the
/// shared registry, and carries out the action. A registration connection stays open until the
/// node closes it or sends anything; every other connection is closed after its reply, after a
/// refusal, on bad input, or after the packet timeout.
public final class EPMDServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = EPMDRequest
    public typealias OutboundOut = EPMDResponse

    private enum State {
        case idle
        case open(EPMDConnectionID)
        case held(EPMDConnectionID)
        case registered(EPMDConnectionID)
        case closed
    }

    private let core: EPMDServerCore
    private var state = State.idle
    private var timeout: Scheduled<Void>?

    /// Creates the handler for a connection of `core`'s daemon.
    public init(core: EPMDServerCore) {
        self.core = core
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .open(let id) = state else { return }
        let request = unwrapInboundIn(data)
        let peer = EPMDRegistry.Peer(connection: id, isLocal: isLocal(request, context: context))
        switch core.receive(request, from: peer) {
        case .replyAndClose(let response):
            replyAndClose(response, context: context)
        case .replyAndKeepOpen(let response):
            keepRegistration(id, response: response, context: context)
        case .replyAndHold(let response):
            // Unlike epmd, the packet timeout still runs: a held connection holds no registration.
            state = .held(id)
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        case .close(let refusal):
            core.onEvent(.refused(refusal, request: request.kind, connection: id, peer: describePeer(context)))
            context.close(promise: nil)
        case .closeRegistrationAndReply(let registration, let response):
            if case .stop(let stop) = request {
                let name = String(decoding: stop.nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                core.onEvent(.unregistered(name: name, connection: registration, reason: .stopRequest))
            }
            core.closeConnection(registration)
            replyAndClose(response, context: context)
        case .replyAndStopDaemon(let response):
            replyAndClose(response, context: context)
            core.kill()
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .registered(let id):
            // Anything on a registration connection unregisters the node (epmd_srv.c do_read).
            if let node = core.node(on: id) {
                core.onEvent(.unregistered(name: node.record.name, connection: id, reason: .dataOnRegistrationConnection))
            }
            _ = core.close(id)
            state = .closed
        case .open(let id):
            let epmdError = error as? EPMDError ?? EPMDError(.connectionClosed, "\(error)")
            core.onEvent(.badInput(epmdError, connection: id, peer: describePeer(context)))
        case .held:
            break  // the peer's goodbye after a failed registration
        case .idle, .closed:
            break
        }
        context.close(promise: nil)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }
}

extension EPMDServerHandler {
    private func start(context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        guard let id = core.open(context.channel) else {
            core.onEvent(.connectionLimitReached(peer: describePeer(context), limit: core.configuration.maximumConnections))
            state = .closed
            context.close(promise: nil)
            return
        }
        state = .open(id)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: core.configuration.packetTimeout) {
            handler.value.timedOut(channel: channel)
        }
    }

    private func timedOut(channel: any Channel) {
        guard case .open(let id) = state else {
            if case .held = state {
                finish()
                channel.close(promise: nil)
            }
            return
        }
        core.onEvent(.idleTimeout(connection: id, peer: Self.describe(channel.remoteAddress)))
        finish()
        channel.close(promise: nil)
    }

    private func finish() {
        timeout?.cancel()
        timeout = nil
        switch state {
        case .open(let id), .held(let id), .registered(let id):
            if let node = core.close(id) {
                core.onEvent(.unregistered(name: node.record.name, connection: id, reason: .connectionClosed))
            }
        case .idle, .closed:
            break
        }
        state = .closed
    }

    private func replyAndClose(_ response: EPMDResponse, context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(response)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func keepRegistration(_ id: EPMDConnectionID, response: EPMDResponse, context: ChannelHandlerContext) {
        state = .registered(id)
        timeout?.cancel()
        timeout = nil
        if let node = core.node(on: id) {
            core.onEvent(.registered(name: node.record.name, port: node.record.port, creation: node.creation, connection: id))
        }
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
    }

    private func isLocal(_ request: EPMDRequest, context: ChannelHandlerContext) -> Bool {
        switch request {
        case .portPlease2, .names: return false  // answered to anyone; skip the address check
        case .alive2, .dump, .kill, .stop:
            return Self.isLocalPeer(remote: context.channel.remoteAddress, local: context.channel.localAddress)
        }
    }

    /// Whether a peer is on this host, as `conn_local_peer_check` decides: IPv4 127/8, IPv6 `::1`
    /// or an IPv4-mapped 127/8, the local address itself, or an address that is not IP at all.
    public static func isLocalPeer(remote: SocketAddress?, local: SocketAddress?) -> Bool {
        guard let remote, let remoteIP = remote.ipAddress else { return true }
        switch remote {
        case .v4:
            if remoteIP.hasPrefix("127.") { return true }
        case .v6:
            if remoteIP == "::1" || remoteIP.hasPrefix("::ffff:127.") { return true }
        case .unixDomainSocket:
            return true
        }
        return remoteIP == local?.ipAddress
    }

    private func describePeer(_ context: ChannelHandlerContext) -> String {
        Self.describe(context.channel.remoteAddress)
    }

    static func describe(_ address: SocketAddress?) -> String {
        switch address {
        case .v4(let v4): return "\(address?.ipAddress ?? "\(v4)"):\(address?.port ?? 0)"
        case .v6(let v6): return "[\(address?.ipAddress ?? "\(v6)")]:\(address?.port ?? 0)"
        case .unixDomainSocket(let path): return "\(path)"
        case nil: return "unknown peer"
        }
    }
}
