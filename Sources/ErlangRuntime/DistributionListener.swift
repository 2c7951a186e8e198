import ErlangDistribution
import NIOCore
import NIOPosix

/// A listening socket for distribution connections; each accepted peer runs the handshake as the
/// acceptor and, once connected, appears in ``connections``.
public final class DistributionListener: Sendable {
    /// The port it listens on (useful after listening on port 0).
    public let port: Int
    /// The connections accepted, in the order they finished their handshakes. One consumer.
    public let connections: AsyncStream<DistributionConnection>
    private let channel: any Channel
    private let continuation: AsyncStream<DistributionConnection>.Continuation

    init(channel: any Channel, connections: AsyncStream<DistributionConnection>, continuation: AsyncStream<DistributionConnection>.Continuation) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.connections = connections
        self.continuation = continuation
    }

    /// Stops listening; connections already accepted stay.
    public func close() async {
        try? await channel.close()
        continuation.finish()
    }
}

extension DistributionEndpoint {
    /// Listens for distribution connections on `host` and `port` (0 picks a free port).
    ///
    /// - Throws: ``DistributionError`` with `badNodeName` for a node without a name (a dynamic name
    ///   can only connect), or the socket's error.
    public func listen(host: String = "127.0.0.1", port: Int = 0) async throws -> DistributionListener {
        guard table.localName != nil else {
            throw DistributionError(.badNodeName, "a node without a name cannot accept connections")
        }
        let (stream, continuation) = AsyncStream.makeStream(of: DistributionConnection.self)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let attempt = table.newAttempt()
                    _ = table.register(channel, for: attempt)
                    let machine = HandshakeStateMachine(acceptingWith: handshakeConfiguration(), challenge: UInt32.random(in: 0...UInt32.max))
                    try installHandshake(on: channel, machine: machine, attempt: attempt, peer: nil) { continuation.yield($0) }
                }
            }
        let server = try await bootstrap.bind(host: host, port: port).get()
        server.closeFuture.whenComplete { _ in continuation.finish() }
        return DistributionListener(channel: server, connections: stream, continuation: continuation)
    }
}
