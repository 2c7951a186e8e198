import ErlangDistribution
import Logging
import NIOCore

extension DistributionEndpoint {
    /// The node's answers to one attempt's handshake questions.
    struct AttemptDelegate: DistributionHandshakeDelegate {
        let endpoint: DistributionEndpoint
        let attempt: DistributionConnectionTable.AttemptID

        // The table answers under its lock, so the handshake gets it without a task.
        func checkSimultaneousAtOnce(_ pending: PendingConnection) -> AcceptDecision? {
            decide(pending)
        }

        private func decide(_ pending: PendingConnection) -> AcceptDecision {
            let decision = endpoint.table.checkSimultaneous(pending, attempt: attempt)
            endpoint.emit(.accepted(pending, decision))
            return decision
        }

        func isStillPendingAtOnce(_ peer: NodeName) -> Bool? {
            endpoint.table.isStillPending(attempt, peer: peer)
        }

        func checkSimultaneous(_ pending: PendingConnection) async -> AcceptDecision {
            decide(pending)
        }

        func isStillPending(_ peer: NodeName) async -> Bool {
            endpoint.table.isStillPending(attempt, peer: peer)
        }

        func closeOldConnection(to peer: NodeName) async {
            guard let old = endpoint.table.oldConnection(replacedBy: attempt, peer: peer) else { return }
            endpoint.configuration.logger.info("replacing the connection to \(peer), which the peer says is dead")
            await old.close()
        }
    }

    /// Puts the handshake on a new channel (on its event loop); once it succeeds the connected-state
    /// handlers replace it and `delivered` gets the connection.
    func installHandshake(
        on channel: any Channel,
        machine: HandshakeStateMachine,
        attempt: DistributionConnectionTable.AttemptID,
        peer: NodeName?,
        delivered: @escaping @Sendable (DistributionConnection) -> Void
    ) throws {
        let handler = DistributionHandshakeHandler(
            machine: machine,
            setupTime: TimeAmount(configuration.setupTime),
            delegate: AttemptDelegate(endpoint: self, attempt: attempt),
            connected: { [self] result, channel in
                let connection = try connected(result, channel: channel, attempt: attempt)
                delivered(connection)
            },
            failed: { [self] error in
                handshakeFailed(error, attempt: attempt, peer: peer)
            })
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// Builds the connection on its event loop and records it as up.
    private func connected(_ result: HandshakeResult, channel: any Channel, attempt: DistributionConnectionTable.AttemptID) throws -> DistributionConnection {
        let closeReason = channel.eventLoop.makePromise(of: DistributionError?.self)
        let built = NIOLoopBoundBox<DistributionConnection?>(nil, eventLoop: channel.eventLoop)
        let handler = try channel.pipeline.syncOperations.addDistributionConnectionHandlers(
            for: result, configuration: configuration.connection,
            onClose: { [self] error in
                if let connection = built.value { connectionClosed(connection, error: error) }
                closeReason.succeed(error)
            })
        let fastPath = InboundFastPath()
        let (bridge, messages) = DistributionInboundBridge.make(
            on: channel.eventLoop, fastPath: fastPath, pacing: configuration.connection.readPacing)
        try channel.pipeline.syncOperations.addHandler(bridge)
        let connection = DistributionConnection(
            handshake: result, channel: channel, messages: messages, fastPath: fastPath, closeReason: closeReason)
        handler.onMessageDone = connection.messageDone
        handler.continueLater = connection.continueLater
        built.value = connection
        if result.role == .initiator, case .dynamic = configuration.name {
            table.adopt(localName: result.localName, creation: result.localCreation)
        }
        guard table.completed(attempt, connection: connection) else {
            throw DistributionError(.duplicateConnection, "the node took another connection to \(result.peer) meanwhile")
        }
        configuration.logger.debug("distribution connection up", metadata: ["peer": "\(result.peer)", "hidden": "\(result.isHidden)"])
        emit(.nodeUp(result.peer, hidden: result.isHidden))
        return connection
    }

    private func handshakeFailed(_ error: DistributionError, attempt: DistributionConnectionTable.AttemptID, peer: NodeName?) {
        let peer = peer ?? table.peer(of: attempt)
        if table.isSuperseded(attempt) {
            // We closed it ourselves: the peer's own attempt replaced it (ok_simultaneous).
            configuration.logger.debug("connection attempt gave way to the peer's", metadata: ["peer": "\(peer?.description ?? "unknown")"])
            table.failed(attempt, peer: peer, error: error)
            return
        }
        let lostSimultaneous = error.code == .simultaneousConnect
        table.failed(attempt, peer: peer, error: error, keepPending: lostSimultaneous)
        if lostSimultaneous {
            // Told nok (or we told the peer nok): one attempt goes on. OTP's setup process waits to
            // be killed, and its setup timer ends the wait if the other attempt never arrives.
            let setupTime = configuration.setupTime
            Task { [table] in
                try? await Task.sleep(for: setupTime)
                table.failed(attempt, peer: peer, error: error)
            }
        }
        let level: Logger.Level = lostSimultaneous ? .info : .warning
        configuration.logger.log(level: level, "distribution handshake failed", metadata: [
            "peer": "\(peer?.description ?? "unknown")", "error": "\(error)",
        ])
        emit(.handshakeFailed(peer.map { .name($0) }, error))
    }

    private func connectionClosed(_ connection: DistributionConnection, error: DistributionError?) {
        guard table.closed(connection) else { return }
        if let error {
            // A close this node asked for is no error; net_tick_timeout is one in OTP too
            // (dist_util:con_loop/2, "** Node ~p not responding **").
            let expected: Set<DistributionError.Code> = [.disconnected, .connectionShutdown]
            let level: Logger.Level = expected.contains(error.code) ? .info : .error
            configuration.logger.log(level: level, "distribution connection closed", metadata: ["peer": "\(connection.peer)", "error": "\(error)"])
        } else {
            configuration.logger.info("distribution connection closed", metadata: ["peer": "\(connection.peer)"])
        }
        emit(.nodeDown(connection.peer, error))
    }
}
