import ErlangDistribution
import NIOCore
import NIOPosix

extension DistributionEndpoint {
    /// Connects to `peer`, which listens at `host` and `port` (from EPMD, or fixed), and runs the
    /// handshake as the initiator.
    ///
    /// As `net_kernel:connect_node/1`: with a connection to `peer` up, that one is returned; with an
    /// attempt under way (ours, or the peer's own that replaced ours in a simultaneous connect), its
    /// outcome is awaited.
    ///
    /// - Throws: ``DistributionError``: the TCP connection failed (`connectionClosed`), the peer
    ///   refused us (`notAllowed`, `badCookie`, `missingFlags`, ...) or the setup time ran out.
    public func connect(to peer: NodeName, host: String, port: Int) async throws -> DistributionConnection {
        try await withCheckedThrowingContinuation { continuation in
            switch table.beginConnect(to: peer, waiter: continuation) {
            case .connected(let connection):
                continuation.resume(returning: connection)
            case .wait:
                break
            case .start(let attempt):
                startOutgoing(attempt, to: peer, host: host, port: port)
            }
        }
    }

    private func startOutgoing(_ attempt: DistributionConnectionTable.AttemptID, to peer: NodeName, host: String, port: Int) {
        let machine = HandshakeStateMachine(
            connectingTo: peer, configuration: handshakeConfiguration(), challenge: UInt32.random(in: 0...UInt32.max))
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(configuration.setupTime))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    guard table.register(channel, for: attempt) else {
                        throw DistributionError(.simultaneousConnect, "the attempt to \(peer) gave way to the peer's own")
                    }
                    try installHandshake(on: channel, machine: machine, attempt: attempt, peer: peer, delivered: { _ in })
                }
            }
        Task { [table] in
            do {
                _ = try await bootstrap.connect(host: host, port: port).get()
            } catch let error as DistributionError {
                table.failed(attempt, peer: peer, error: error)
            } catch {
                table.failed(attempt, peer: peer, error: DistributionError(.connectionClosed, "cannot connect to \(peer) at \(host):\(port): \(error)"))
            }
        }
    }
}
