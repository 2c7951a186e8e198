import ErlangTerm

/// The connect protocol (`global.erl`: `handle_nodeup/2`, `init_connect/6`, `lock_is_set/3`,
/// `exchange/3`, `resolved/5`, `new_nodes/6`, the `in_sync`, `init_connect_ack` and
/// `cancel_connect` clauses).
extension GlobalState {
    /// `handle_nodeup/2`: unless the node is known or a session runs, send `init_connect` with a
    /// fresh tag and start a resolver; replay an `init_connect` that came before the nodeup.
    mutating func handleNodeUp(_ peer: Atom) -> [GlobalAction] {
        guard peer != node, known[peer] == nil, resolvers[peer] == nil, let locker else { return [] }
        let preConnect = sessions[peer]?.preConnect
        sessions[peer, default: Session()].preConnect = nil
        let myTag = nextTag
        nextTag += 1
        sessions[peer, default: Session()].myTag = myTag
        var knownMap = TermMap()
        for (name, version) in known.sorted(by: { $0.key < $1.key }) { knownMap[.atom(name)] = .integer(version) }
        var actions: [GlobalAction] = [
            .send(GlobalCast(node: peer, message: GlobalOutgoing.initConnect(myTag: myTag, node: node, known: knownMap, locker: locker))),
        ]
        resolvers[peer] = myTag
        if let preConnect {
            actions += handleInitConnect(version: preConnect.version, hisTag: preConnect.hisTag, peer: peer, hisLocker: preConnect.hisLocker)
        }
        return actions
    }

    /// `handle_cast({init_connect, ...})` and `init_connect/6`. Versions below 5 are refused with a
    /// log line (OTP's locker would crash on them).
    mutating func handleInitConnect(version his: Int, hisTag: Term, peer: Atom, hisLocker: PID) -> [GlobalAction] {
        guard his > 4, peer != node, hisLocker.node == peer else {
            return [.log(.info, "Illegal global protocol version \(his) Node: \(peer)")]
        }
        let version = min(his, globalProtocolVersion)
        var actions: [GlobalAction] = []
        if pending[peer] != nil {
            guard his >= verifyConnectVersion else {
                return [.disconnect(peer), .log(.error, "'global' at node \(node) got an out of sync connection attempt from old version \(his) node \(peer). Disconnecting from it.")]
            }
            actions.append(.sendIfConnected(GlobalCast(node: peer, message: GlobalOutgoing.cancelConnect(node: node, hisTag: hisTag))))
            actions += restartConnect(peer, myTag: sessions[peer]?.myTag)
        }
        sessions[peer, default: Session()].version = version
        sessions[peer, default: Session()].hisTag = hisTag
        if let myTag = resolvers[peer] {
            actions.append(.locker(.hisTheLocker(locker: hisLocker, version: version, hisTag: hisTag, myTag: myTag)))
            if his >= verifyConnectVersion {
                actions.append(.sendIfConnected(GlobalCast(node: peer, message: GlobalOutgoing.initConnectAck(node: node, hisTag: hisTag, myTag: myTag))))
            }
            pending[peer] = his
        } else if sessions.count <= Self.sessionLimit {
            sessions[peer, default: Session()].preConnect = .init(version: version, hisTag: hisTag, hisLocker: hisLocker)
        } else {
            sessions[peer] = nil
            actions.append(.log(.warning, "global: too many connect sessions; init_connect from \(peer) dropped"))
        }
        return actions
    }

    /// `restart_connect/3`: drop the session and start a new one if the node is up.
    mutating func restartConnect(_ peer: Atom, myTag: Int?) -> [GlobalAction] {
        var actions = cancelLocker(peer, myTag: myTag)
        sessions[peer] = nil
        pending[peer] = nil
        if myTag != nil { actions += handleNodeUp(peer) }
        return actions
    }

    /// `cancel_locker/4`: tell the locker, tell the peer (`cancel_connect`) if a session was
    /// pending, and forget the resolver.
    mutating func cancelLocker(_ peer: Atom, myTag: Int?, newNodes: [GlobalCast]? = nil) -> [GlobalAction] {
        var actions: [GlobalAction] = [.locker(.cancel(node: peer, myTag: myTag, newNodes: newNodes))]
        if let myTag, let version = pending[peer], version >= verifyConnectVersion, sessions[peer]?.myTag == myTag {
            let hisTag = sessions[peer]?.hisTag ?? .undefined
            actions.append(.sendIfConnected(GlobalCast(node: peer, message: GlobalOutgoing.cancelConnect(node: node, hisTag: hisTag))))
        }
        if let myTag, resolvers[peer] == myTag { resolvers[peer] = nil }
        return actions
    }

    /// `handle_info({init_connect_ack, ...})`: a mismatch cancels and restarts the session.
    mutating func handleInitConnectAck(_ peer: Atom, hisMyTag: Term, hisHisTag: Term) -> [GlobalAction] {
        let session = sessions[peer]
        let mine = session?.myTag.map(Term.integer)
        if mine == hisMyTag, session?.hisTag == hisHisTag { return [] }
        var actions: [GlobalAction] = [.sendIfConnected(GlobalCast(node: peer, message: GlobalOutgoing.cancelConnect(node: node, hisTag: hisHisTag)))]
        actions += restartConnect(peer, myTag: session?.myTag)
        return actions
    }

    /// `handle_info({cancel_connect, ...})`.
    mutating func handleCancelConnect(_ peer: Atom, myTag: Term) -> [GlobalAction] {
        guard isMyTag(myTag, for: peer), let tag = sessions[peer]?.myTag else { return [] }
        var actions = cancelLocker(peer, myTag: tag)
        sessions[peer] = nil
        pending[peer] = nil
        actions += restartConnect(peer, myTag: tag)
        return actions
    }

    /// `handle_cast({lock_set, ...})`: forwarded to the locker when the tag is this session's.
    func handleLockSet(locker: PID, isSet: Bool, myTag: Term?) -> [GlobalAction] {
        if let myTag, !isMyTag(myTag, for: locker.node) { return [] }
        return [.locker(.lockSet(locker: locker, isSet: isSet, myTag: myTag))]
    }

    /// `handle_cast({lock_is_set, ...})` and `lock_is_set/3`: both partitions are locked; send
    /// this node's names.
    mutating func handleLockIsSet(_ peer: Atom, myTag: Int, lockID: Term) -> [GlobalAction] {
        guard sessions[peer]?.myTag == myTag else { return cancelLocker(peer, myTag: myTag) }
        let hisTag = sessions[peer]?.hisTag ?? .undefined
        let mine = names.values.sorted { Term.compare($0.name, $1.name) < 0 }
        var actions: [GlobalAction] = [.send(GlobalCast(node: peer, message: GlobalOutgoing.exchange(node: node, names: mine, hisTag: hisTag)))]
        sessions[peer]?.lockID = lockID
        if case .exchange(let theirs)? = sessions[peer]?.waitLock {
            sessions[peer]?.waitLock = .lockIsSet
            actions += exchange(peer, names: theirs)
        } else {
            sessions[peer]?.waitLock = .lockIsSet
        }
        return actions
    }

    /// `handle_cast({exchange, ...})`.
    mutating func handleExchange(_ peer: Atom, names theirs: [GlobalName], myTag: Term) -> [GlobalAction] {
        guard isMyTag(myTag, for: peer) else { return cancelLocker(peer, myTag: myTag.intValue) }
        return exchange(peer, names: theirs)
    }

    /// `exchange/3`: once the lock is set too, a resolver compares the names.
    private mutating func exchange(_ peer: Atom, names theirs: [GlobalName]) -> [GlobalAction] {
        guard sessions[peer]?.waitLock == .lockIsSet else {
            sessions[peer]?.waitLock = .exchange(theirs)
            return []
        }
        sessions[peer]?.waitLock = nil
        guard let myTag = resolvers[peer] else { return [.log(.warning, "global: no resolver for \(peer)")] }
        return [.resolve(node: peer, myTag: myTag, names: theirs)]
    }

    /// `handle_cast({exchange_ops, ...})`: answer `resolved`, and finish if the peer's came first.
    mutating func handleExchangeOperations(_ peer: Atom, myTag: Int, operations: [GlobalOperation], resolved: [GlobalOperation]) -> [GlobalAction] {
        guard resolvers[peer] == myTag else { return [] }
        guard sessions[peer]?.myTag == myTag else { return cancelLocker(peer, myTag: myTag) }
        let knownList: [Term] = version(of: peer) < preventOverlappingPartitionsVersion
            ? knownNodes.map(Term.atom) : GlobalOutgoing.knownList(known)
        let hisTag = sessions[peer]?.hisTag ?? .undefined
        var actions: [GlobalAction] = [.send(GlobalCast(node: peer, message: GlobalOutgoing.resolved(node: node, operations: resolved, known: knownList, hisTag: hisTag)))]
        let saved = sessions[peer]?.savedOperations
        sessions[peer]?.savedOperations = .operations(operations)
        if case .resolved(let hisKnown, let hisResolved)? = saved {
            actions += self.resolved(peer, hisResolved: hisResolved, hisKnown: hisKnown)
        }
        return actions
    }

    /// `handle_cast({resolved, ...})`.
    mutating func handleResolved(_ peer: Atom, hisResolved: [GlobalOperation], hisKnown: [Term], myTag: Term) -> [GlobalAction] {
        guard isMyTag(myTag, for: peer) else { return cancelLocker(peer, myTag: myTag.intValue) }
        if case .operations? = sessions[peer]?.savedOperations {
            return resolved(peer, hisResolved: hisResolved, hisKnown: hisKnown)
        }
        sessions[peer]?.savedOperations = .resolved(hisKnown: hisKnown, hisResolved: hisResolved)
        return []
    }

    /// `resolved/5`: apply the operations, connect to the peer's known nodes, and have the locker
    /// tell this partition about the new nodes (`new_nodes`) before it releases the lock.
    private mutating func resolved(_ peer: Atom, hisResolved: [GlobalOperation], hisKnown: [Term]) -> [GlobalAction] {
        guard case .operations(let saved)? = sessions[peer]?.savedOperations else { return [] }
        let operations = saved + hisResolved
        let knownBefore = known
        let newNodes = nodeVersionList([.atom(peer)] + hisKnown)
        let hisKnownNodes = Self.nodeList(hisKnown)
        var actions: [GlobalAction] = hisKnownNodes.map { .syncOther($0) }
        let extraInfo = GlobalOutgoing.extraInfo(version: sessions[peer]?.version, lockID: sessions[peer]?.lockID)
        actions += apply(operations, from: .node(node), extraInfo: extraInfo)
        actions += syncedWith([peer])
        for other in hisKnownNodes { actions += cancelResolvedLocker(other, newNodes: nil) }
        let nodesTerm = newNodes.map { Term.tuple([.atom($0.node), .integer($0.version)]) }
        let broadcast = knownBefore.sorted { $0.key < $1.key }.map { entry in
            let nodes = entry.value >= preventOverlappingPartitionsVersion ? nodesTerm : newNodes.map { Term.atom($0.node) }
            return GlobalCast(node: entry.key, message: GlobalOutgoing.newNodes(node: node, operations: operations, nodes: nodes, extraInfo: extraInfo))
        }
        actions += cancelResolvedLocker(peer, newNodes: broadcast)
        let added = addToKnown(newNodes)
        actions.append(.locker(.addToKnown(added)))
        if !synced.contains(peer) { synced.insert(peer, at: 0) }
        return actions
    }

    /// `cancel_resolved_locker/3`.
    private mutating func cancelResolvedLocker(_ peer: Atom, newNodes: [GlobalCast]?) -> [GlobalAction] {
        let tag = sessions[peer]?.myTag
        pending[peer] = nil
        let actions = cancelLocker(peer, myTag: tag, newNodes: newNodes)
        sessions[peer] = nil
        return actions
    }

    /// `handle_cast({new_nodes, ...})` and `new_nodes/6`: learn the nodes, connect to the new ones.
    mutating func handleNewNodes(_ peer: Atom, operations: [GlobalOperation], nodes: [Term], extraInfo: Term) -> [GlobalAction] {
        let list = nodes.compactMap { term -> (node: Atom, version: Int)? in
            if case .atom(let name) = term { return (name, 0) }
            guard case .tuple(let pair) = term, pair.count == 2, let name = pair[0].atomValue, let version = pair[1].intValue else { return nil }
            return (name, version)
        }
        let added = addToKnown(list)
        var actions: [GlobalAction] = added.map { .syncOther($0) }
        actions += apply(operations, from: .node(peer), extraInfo: extraInfo)
        actions.append(.locker(.addToKnown(added)))
        return actions
    }

    /// `handle_cast({in_sync, ...})`.
    mutating func handleInSync(_ peer: Atom) -> [GlobalAction] {
        var actions = syncedWith([peer])
        if !synced.contains(peer) { synced.insert(peer, at: 0) }
        pending[peer] = nil
        actions += cancelLocker(peer, myTag: sessions[peer]?.myTag)
        sessions[peer] = nil
        return actions
    }

    /// `add_to_known/2`: the nodes added, in the order given.
    mutating func addToKnown(_ list: [(node: Atom, version: Int)]) -> [Atom] {
        var added: [Atom] = []
        for (name, version) in list where name != node {
            if let current = known[name] {
                if current < 0 { known[name] = version }
            } else {
                known[name] = version
                added.append(name)
            }
        }
        return added
    }

    /// `make_node_vsn_list/2`: `{N, V}` pairs, filling unknown versions in.
    func nodeVersionList(_ list: [Term]) -> [(node: Atom, version: Int)] {
        list.compactMap { term in
            if case .atom(let name) = term { return (name, version(of: name)) }
            guard case .tuple(let pair) = term, pair.count == 2, let name = pair[0].atomValue, let given = pair[1].intValue else { return nil }
            return (name, given == 0 ? version(of: name) : given)
        }
    }

    /// `node_list/1`: the names of a known list of atoms or `{N, V}` pairs.
    static func nodeList(_ list: [Term]) -> [Atom] {
        list.compactMap { term in
            if case .atom(let name) = term { return name }
            guard case .tuple(let pair) = term, pair.count == 2 else { return nil }
            return pair[0].atomValue
        }
    }
}
