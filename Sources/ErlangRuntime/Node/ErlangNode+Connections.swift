import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// Sends from a local process to any pid: delivered here for this node's pids, otherwise
    /// over the peer's connection, set up first when there is none (`dist_auto_connect`).
    func send(_ message: Term, from: PID, to pid: PID) async throws {
        if pid.node == atom {
            deliver(message, to: pid)
            return
        }
        let connection = try await connection(toNodeOf: pid)
        let control = Self.plainSend(from: from, to: pid, on: connection)
        try await send(DistributionMessage(control: control, payload: message), on: connection)
    }

    /// `erlang:send(Pid, Message, [nosuspend, noconnect])` from a local process: delivered here for
    /// this node's pids; otherwise queued on the peer's connection if there is one with room.
    func trySend(_ message: Term, from: PID, to pid: PID) -> TrySendResult {
        if pid.node == atom {
            deliver(message, to: pid)
            return .ok
        }
        guard let connection = upConnection(toNodeOf: pid) else { return .noconnect }
        let control = Self.plainSend(from: from, to: pid, on: connection)
        do {
            return try connection.trySend(DistributionMessage(control: control, payload: message)) ? .ok : .nosuspend
        } catch {
            return .noconnect
        }
    }

    /// `SEND_SENDER` when the peer agreed on it, otherwise `SEND`.
    private static func plainSend(from: PID, to pid: PID, on connection: DistributionConnection) -> ControlMessage {
        connection.agreedFlags.contains(.sendSender) ? .sendSender(from: from, to: pid) : .send(to: pid)
    }

    /// Sends from a local process to `{Name, Node}`.
    func send(_ message: Term, from: PID, to name: Atom, at node: NodeName) async throws {
        if node == self.name {
            deliver(message, toName: name)
            return
        }
        let connection = try await connection(to: node)
        try await send(DistributionMessage(control: .regSend(from: from, to: name), payload: message), on: connection)
    }

    func send(_ message: DistributionMessage, on connection: DistributionConnection) async throws {
        do {
            try await connection.send(message)
        } catch {
            throw ErlangNodeError(.sendFailed, "cannot send to \(connection.peer): \(error)")
        }
    }

    /// The connection to the node of `pid`, set up if needed.
    private func connection(toNodeOf pid: PID) async throws -> DistributionConnection {
        if let known = knownConnection(toNodeOf: pid) { return known }
        let connection = try await connection(to: try peerName(pid.node))
        remember(connection, for: pid.node)
        return connection
    }

    /// The connection to the node of `pid` if there is one up, without dialing.
    private func upConnection(toNodeOf pid: PID) -> DistributionConnection? {
        if let known = knownConnection(toNodeOf: pid) { return known }
        guard let peer = try? peerName(pid.node), let connection = endpoint.connection(to: peer) else { return nil }
        remember(connection, for: pid.node)
        return connection
    }

    // The connection the last send to this node took, while it is up: one lookup by the pid's
    // atom instead of parsing the name and a second table's lookup by it on every send.
    private func knownConnection(toNodeOf pid: PID) -> DistributionConnection? {
        let known = state.withLockedValue { state -> DistributionConnection? in
            if let last = state.lastRoute, last.atom == pid.node { return last.connection }
            guard let connection = state.routes[pid.node]?.connection else { return nil }
            state.lastRoute = (pid.node, connection)
            return connection
        }
        guard let known, known.isActive else { return nil }
        return known
    }

    private func remember(_ connection: DistributionConnection, for atom: Atom) {
        state.withLockedValue { state in
            state.routes[atom]?.connection = connection
            state.lastRoute = (atom, connection)
        }
    }

    /// The node name in a pid, parsed once per node: parsing it on every send showed in profiles.
    private func peerName(_ atom: Atom) throws -> NodeName {
        if let known = state.withLockedValue({ $0.routes[atom]?.peer }) { return known }
        let name: NodeName
        do { name = try NodeName(atom.name) } catch { throw ErlangNodeError(.badName, "\(atom) is not a node name") }
        state.withLockedValue { state in
            // Bounded: routes to nodes long gone are forgotten wholesale.
            if state.routes.count >= 4096 { state.routes.removeAll() }
            state.routes[atom] = Route(peer: name)
        }
        return name
    }

    /// `net_kernel:connect_node/1`: the connection to `peer`, set up if needed. Concurrent callers
    /// for one peer share one attempt; a failed attempt fails them all, and the next call tries again.
    ///
    /// - Throws: ``ErlangNodeError`` (`connectFailed`) when EPMD does not know the peer or the
    ///   handshake fails (a wrong cookie, for instance).
    public func connection(to peer: NodeName) async throws -> DistributionConnection {
        if let connection = endpoint.connection(to: peer) { return connection }
        let task = try state.withLockedValue { state -> Task<DistributionConnection, any Error> in
            guard !state.isShutDown else { throw ErlangNodeError(.shutDown, "the node \(name) has shut down") }
            if let task = state.dialing[peer] { return task }
            let task = Task { try await self.dial(peer) }
            state.dialing[peer] = task
            return task
        }
        return try await task.value
    }

    /// Connects to `peer`; returns once the connection is up.
    ///
    /// - Throws: ``ErlangNodeError`` (`connectFailed`).
    public func connect(to peer: NodeName) async throws {
        _ = try await connection(to: peer)
    }

    /// `erlang:disconnect_node/1`: closes the connection to `peer`. Its links and monitors fire
    /// with `noconnection` and the node-down event carries ``NodeDownReason/Kind/disconnect``;
    /// the peer sees `connection_closed`. A later send connects again.
    ///
    /// - Returns: true when a connection was closed, false when there was none.
    @discardableResult
    public func disconnect(_ peer: NodeName) async -> Bool {
        await endpoint.disconnect(peer)
    }

    private func dial(_ peer: NodeName) async throws -> DistributionConnection {
        defer { state.withLockedValue { _ = $0.dialing.removeValue(forKey: peer) } }
        do {
            // erl_epmd:port_please/2 on the peer's host, then inet_tcp_dist:setup/5.
            let record = try await epmd.portPlease(name: peer.alive, host: peer.host)
            let connection = try await endpoint.connect(to: peer, host: peer.host, port: Int(record.port))
            startReading(connection)
            return connection
        } catch {
            logger.info("cannot connect", metadata: ["peer": "\(peer)", "error": "\(error)"])
            throw ErlangNodeError(.connectFailed, "cannot connect to \(peer): \(error)")
        }
    }

    /// Delivers a plain message (`SEND`, `SEND_SENDER`, `REG_SEND`, `ALIAS_SEND`) at once, without
    /// an `await`: most traffic is these, and each suspension point costs a task switch. Returns
    /// false for every other control message, which goes to ``handle(_:from:)``.
    func deliverPlain(_ message: DistributionMessage) -> Bool {
        guard let payload = message.payload else { return false }
        switch message.control {
        case .send(let to), .sendSender(_, let to):
            deliver(payload, to: to)
        case .regSend(_, let name):
            // distribution.md 4.6 and membership.md 1: unknown names are dropped.
            deliver(payload, toName: name)
        case .aliasSend(_, let alias):
            deliver(payload, toAlias: alias)
        default:
            return false
        }
        return true
    }

    /// Reads a connection's messages on a task of its own, once per connection.
    func startReading(_ connection: DistributionConnection) {
        let isNew = state.withLockedValue { $0.readers.insert(ObjectIdentifier(connection)).inserted }
        guard isNew else { return }
        // Plain messages that arrive while the reader has nothing outstanding go to their
        // mailboxes on the event loop, without the reader task's hop. The handler holds the node
        // strongly, as the reader task does, until the reader ends: a weak reference gave the node
        // a side table, which sent every retain and release of it down Swift's slow path (5 % of
        // a peer's time in the throughput benchmark).
        connection.fastPath.install { [self] message in deliverPlain(message) }
        configuration.startConnectionReader { [self] in
            do {
                for try await message in connection.incoming {
                    if !deliverPlain(message) { await handle(message, from: connection) }
                    connection.fastPath.handled()
                }
            } catch {
                logger.debug("connection ended", metadata: ["peer": "\(connection.peer)", "error": "\(error)"])
            }
            connection.fastPath.uninstall()
            state.withLockedValue { _ = $0.readers.remove(ObjectIdentifier(connection)) }
        }
    }
}

extension ErlangProcess {
    /// `erlang:send({Name, Node}, Message, [noconnect])`: sends only over an existing connection;
    /// false (and nothing sent) when there is none. `global` sends its volatile messages this way
    /// (`global.erl`, `gns_volatile_send/2`), so that they never bring a dropped node back.
    @discardableResult
    public func sendIfConnected(_ message: Term, to name: Atom, at peer: NodeName) async -> Bool {
        if peer == node.name {
            node.deliver(message, toName: name)
            return true
        }
        guard let connection = node.endpoint.connection(to: peer) else { return false }
        do {
            try await node.send(DistributionMessage(control: .regSend(from: pid, to: name), payload: message), on: connection)
            return true
        } catch {
            return false
        }
    }
}
