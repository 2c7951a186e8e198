import NIOCore

/// Serves one accepted connection: frames its one request with an ``EPMDRequestDecoder``, asks
/// the shared registry, and carries out the action, writing the reply as epmd does. A
/// registration connection stays open until the node closes it or sends anything; every other
/// connection is closed after its reply, after a refusal, on bad input, or after the packet
/// timeout (a connection held open after a failed ALIVE2 too).
///
/// It is the connection's only handler: framing and reply coding happen here rather than in a
/// separate decoder and encoder, since a lookup's whole life is one short exchange and the daemon
/// should spend as little as epmd on it.
public final class EPMDServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        /// Not yet active.
        case idle
        /// Waiting for the request; `pending` holds a partial frame.
        case awaitingRequest(EPMDConnectionID, pending: ByteBuffer?)
        /// Replied; closing once the reply is written.
        case replying(EPMDConnectionID)
        /// Replied to a failed ALIVE2; open until the peer speaks or closes, or the timeout.
        case held(EPMDConnectionID)
        /// Holds a node's registration.
        case registered(EPMDConnectionID)
        /// Released.
        case closed
    }

    private let core: EPMDServerCore
    private var state = State.idle
    private var decoder = EPMDRequestDecoder()

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
        switch state {
        case .awaitingRequest(let id, let pending):
            var buffer = unwrapInboundIn(data)
            if var pending {
                state = .awaitingRequest(id, pending: nil)  // so that appending does not copy
                pending.writeBuffer(&buffer)
                buffer = pending
            }
            do {
                guard let request = try decoder.decode(buffer: &buffer) else {
                    state = .awaitingRequest(id, pending: buffer)
                    return
                }
                state = .replying(id)
                serve(request, id: id, context: context)
            } catch {
                badInput(error, id: id, context: context)
            }
        case .registered(let id):
            // Anything on a registration connection unregisters the node (epmd_srv.c do_read).
            if let node = core.node(on: id) {
                core.onEvent(.unregistered(name: node.record.name, connection: id, reason: .dataOnRegistrationConnection))
            }
            _ = core.close(id)
            state = .closed
            context.close(promise: nil)
        case .held, .replying:
            release()
            context.close(promise: nil)
        case .idle, .closed:
            break
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a failed read: the connection is gone, as if closed.
        context.close(promise: nil)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if case .awaitingRequest(let id, let pending?) = state, pending.readableBytes > 0 {
            let error = EPMDError(.connectionClosed, "connection closed after \(pending.readableBytes) bytes of a request")
            core.onEvent(.badInput(error, connection: id, peer: describePeer(context)))
        }
        release()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    /// The packet timeout has passed since the connection opened; called by the core's sweep.
    func packetTimeoutExpired(channel: any Channel) {
        switch state {
        case .awaitingRequest(let id, _), .held(let id):
            core.onEvent(.idleTimeout(connection: id, peer: Self.describe(channel.remoteAddress)))
            release()
            channel.close(promise: nil)
        case .idle, .replying, .registered, .closed:
            break
        }
    }
}

extension EPMDServerHandler {
    private func start(context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        guard let id = core.open(context.channel, handler: self) else {
            core.onEvent(.connectionLimitReached(peer: describePeer(context), limit: core.configuration.maximumConnections))
            state = .closed
            context.close(promise: nil)
            return
        }
        state = .awaitingRequest(id, pending: nil)
    }

    private func serve(_ request: EPMDRequest, id: EPMDConnectionID, context: ChannelHandlerContext) {
        let peer = EPMDRegistry.Peer(connection: id, isLocal: isLocal(request, context: context))
        switch core.receive(request, from: peer) {
        case .replyAndClose(let response):
            replyAndClose(response, context: context)
        case .replyAndKeepOpen(let response):
            state = .registered(id)
            if let node = core.node(on: id) {
                core.onEvent(.registered(name: node.record.name, port: node.record.port, creation: node.creation, connection: id))
            }
            context.writeAndFlush(wrapOutboundOut(encode(response, context: context)), promise: nil)
        case .replyAndHold(let response):
            state = .held(id)
            context.writeAndFlush(wrapOutboundOut(encode(response, context: context)), promise: nil)
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

    private func badInput(_ error: any Error, id: EPMDConnectionID, context: ChannelHandlerContext) {
        let epmdError = error as? EPMDError ?? EPMDError(.malformedRequest, "\(error)")
        core.onEvent(.badInput(epmdError, connection: id, peer: describePeer(context)))
        release()
        context.close(promise: nil)
    }

    private func release() {
        switch state {
        case .awaitingRequest(let id, _), .replying(let id), .held(let id), .registered(let id):
            if let node = core.close(id) {
                core.onEvent(.unregistered(name: node.record.name, connection: id, reason: .connectionClosed))
            }
        case .idle, .closed:
            break
        }
        state = .closed
    }

    private func encode(_ response: EPMDResponse, context: ChannelHandlerContext) -> ByteBuffer {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        response.write(into: &buffer)
        return buffer
    }

    private func replyAndClose(_ response: EPMDResponse, context: ChannelHandlerContext) {
        let buffer = encode(response, context: context)
        guard buffer.readableBytes > Self.immediateCloseLimit else {
            // A reply this small fits an empty socket send buffer, so the flush writes all of it
            // at once and the connection can close right away, as epmd's reply() then close().
            context.write(wrapOutboundOut(buffer), promise: nil)
            context.flush()
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    // Far below any socket's send buffer (Linux: at least 4 KiB, 16 KiB by default).
    static let immediateCloseLimit = 2048

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
