import ErlangTerm

/// Node downs and `prevent_overlapping_partitions` (`global.erl`: `handle_nodedown/3`,
/// `inform_connection_loss/2`, `gns_volatile_multicast/5`, the `lost_connection` and
/// `remove_connection` clauses of `handle_info/2`).
extension GlobalState {
    /// How a node left (`handle_nodedown/3`'s `What`).
    enum NodeDownKind: Sendable {
        case disconnected
        case removeConnection
        case ignore
    }

    /// `{nodedown, ...}` and `{extra_nodedown, ...}`: syncers stop waiting for the node, its
    /// processes' names and locks go (their DOWNs would do the same), and the rest of the
    /// cluster hears about the loss.
    mutating func handleNodeDown(_ peer: Atom, extra: Bool) -> [GlobalAction] {
        guard peer != node else { return [] }
        var actions = syncedWith([peer])
        if !extra { forgetProcesses(of: peer) }
        actions += nodeDown(peer, kind: .disconnected)
        return actions
    }

    /// `handle_nodedown/3`.
    mutating func nodeDown(_ peer: Atom, kind: NodeDownKind) -> [GlobalAction] {
        var actions = cancelLocker(peer, myTag: sessions[peer]?.myTag)
        actions.append(.locker(.removeFromKnown(peer)))
        sessions[peer] = nil
        switch kind {
        case .removeConnection:
            removing.insert(peer)
        case .ignore:
            removing.remove(peer)
        case .disconnected:
            if removing.remove(peer) == nil { actions += informConnectionLoss(peer) }
        }
        pending[peer] = nil
        known[peer] = nil
        synced.removeAll { $0 == peer }
        return actions
    }

    /// `inform_connection_loss/2`: `lost_connection` to every known and pending node of version 7
    /// or later, over existing connections only.
    private mutating func informConnectionLoss(_ peer: Atom) -> [GlobalAction] {
        let operation = Term.integer(nextOperation)
        nextOperation += 1
        let message = GlobalOutgoing.lostConnection(node: node, creation: creation, operation: operation, lost: peer)
        return multicast(message, ignoring: peer)
    }

    /// `gns_volatile_multicast/5` with `AlsoPend = true`.
    private func multicast(_ message: Term, ignoring ignored: Atom) -> [GlobalAction] {
        var targets = Set<Atom>()
        for (name, version) in known where name != ignored && version >= preventOverlappingPartitionsVersion { targets.insert(name) }
        for (name, version) in pending where name != ignored && version >= preventOverlappingPartitionsVersion { targets.insert(name) }
        return targets.sorted().map { .sendIfConnected(GlobalCast(node: $0, message: message)) }
    }

    /// `handle_info({lost_connection, NodeA, XCreationA, OpIdA, NodeB})` with `connect_all` and
    /// `prevent_overlapping_partitions` on: pass it on once, then drop whichever of the two this
    /// node still knows, asking it to disconnect.
    mutating func handleLostConnection(nodeA: Atom, creation: Term, operation: Term, nodeB: Atom) -> [GlobalAction] {
        let key = LostConnectionKey(nodeA: nodeA, nodeB: nodeB)
        if let seen = lostConnections[key], seen.creation == creation, Term.compare(operation, seen.operation) <= 0 { return [] }
        let message = GlobalOutgoing.lostConnection(node: nodeA, creation: creation, operation: operation, lost: nodeB)
        var actions = multicast(message, ignoring: nodeA)
        remember(key, LostConnection(creation: creation, operation: operation))
        let remove = nodeB == node ? nodeA : nodeB
        guard remove != node, isPotentiallyKnown(remove) else { return actions }
        if version(of: remove) < preventOverlappingPartitionsVersion {
            actions.append(.disconnect(remove))
        } else {
            actions.append(.sendIfConnected(GlobalCast(node: remove, message: GlobalOutgoing.removeConnection(node: node))))
        }
        actions.append(.log(.warning, "'global' at node \(node) requested disconnect from node \(remove) in order to prevent overlapping partitions"))
        actions += nodeDown(remove, kind: .removeConnection)
        return actions
    }

    private mutating func remember(_ key: LostConnectionKey, _ value: LostConnection) {
        if lostConnections.updateValue(value, forKey: key) == nil { lostConnectionOrder.append(key) }
        while lostConnectionOrder.count > Self.lostConnectionLimit {
            lostConnections[lostConnectionOrder.removeFirst()] = nil
        }
    }

    /// `handle_info({remove_connection, Node})`: disconnect a node that asked for it.
    mutating func handleRemoveConnection(_ peer: Atom) -> [GlobalAction] {
        guard peer != node, isPotentiallyKnown(peer) else { return [] }
        var actions: [GlobalAction] = [.disconnect(peer)]
        actions += nodeDown(peer, kind: .removeConnection)
        actions.append(.log(.warning, "'global' at node \(node) disconnected node \(peer) in order to prevent overlapping partitions"))
        return actions
    }
}
