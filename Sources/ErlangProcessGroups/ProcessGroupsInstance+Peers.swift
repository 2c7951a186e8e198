import ErlangTerm

extension ProcessGroupsInstance {
    /// A message from another scope process.
    mutating func receive(_ message: PeerMessage) -> [Directive] {
        switch message {
        case .discover(let peer): return discovered(by: peer)
        case .sync(let peer, let entries): return sync(from: peer, entries)
        case .join(let peer, let group, let members): return remoteJoin(peer, group, members.pids)
        case .leave(let peer, let members, let groups): return remoteLeave(peer, members.pids, groups)
        }
    }

    /// `handle_info({discover, Peer})`: always cast a sync back; a new peer is monitored,
    /// recorded with no groups, and discovered in turn (without that, BEAM never syncs to us).
    mutating func discovered(by peer: PID) -> [Directive] {
        guard peer != me else { return [] }
        var directives: [Directive] = [.send(.sync(me, allLocalPids()), to: peer)]
        if remote[peer] == nil {
            remote[peer] = [:]
            directives += [.monitor(peer), .send(.discover(me), to: peer)]
        }
        return directives
    }

    /// `handle_cast({sync, Peer, Groups})`: replaces everything known from the peer. Unlike
    /// `sync_groups/5` (whose `Pids ++ AllOldPids -- OldPids` is quadratic, and which tells
    /// subscribers nothing about changed groups), only the difference is applied and announced.
    mutating func sync(from peer: PID, _ entries: [PeerMessage.SyncEntry]) -> [Directive] {
        guard peer != me else { return [] }
        var directives: [Directive] = []
        let old = remote[peer]
        if old == nil { directives.append(.monitor(peer)) }
        var new: [Term: PIDBag] = [:]
        for entry in entries { new[entry.group] = PIDBag(entry.pids) }
        for (group, bag) in old ?? [:] where new[group] == nil {
            directives += apply(from: bag, to: PIDBag(), group: group)
        }
        for (group, bag) in new {
            directives += apply(from: old?[group] ?? PIDBag(), to: bag, group: group)
        }
        remote[peer] = new
        synced.insert(peer)
        return directives
    }

    /// Moves a group's members from `before` to `after` for one peer; tells subscribers.
    private mutating func apply(from before: PIDBag, to after: PIDBag, group: Term) -> [Directive] {
        guard before != after else { return [] }
        var left: [PID] = []
        var joined: [PID] = []
        for (pid, times) in before.occurrences where times > after.count(of: pid) {
            left += Array(repeating: pid, count: times - after.count(of: pid))
        }
        for (pid, times) in after.occurrences where times > before.count(of: pid) {
            joined += Array(repeating: pid, count: times - before.count(of: pid))
        }
        removeMembers(left, from: group)
        addMembers(joined, to: group, local: false)
        return (left.isEmpty ? [] : notify(.leave, group, left)) + (joined.isEmpty ? [] : notify(.join, group, joined))
    }

    /// `handle_info({join, Peer, Group, PidOrPids})`: ignored from an unknown peer (a late message
    /// after its DOWN, or a node outside the overlay).
    mutating func remoteJoin(_ peer: PID, _ group: Term, _ pids: [PID]) -> [Directive] {
        guard !pids.isEmpty, var groupsOfPeer = remote.removeValue(forKey: peer) else { return [] }
        // Taken out of `remote` and put back, so the peer's tables are changed in place, never
        // copied (a copy per message is quadratic in 10,000 one-by-one joins or leaves).
        var bag = groupsOfPeer.removeValue(forKey: group) ?? PIDBag()
        for pid in pids { bag.insert(pid) }
        groupsOfPeer[group] = bag
        remote[peer] = groupsOfPeer
        addMembers(pids, to: group, local: false)
        return notify(.join, group, pids)
    }

    /// `handle_info({leave, Peer, PidOrPids, Groups})`: one occurrence of each pid leaves each
    /// group; ignored from an unknown peer. Pids the peer never joined are skipped, where
    /// `leave_remote/3` would crash on a group it does not know.
    mutating func remoteLeave(_ peer: PID, _ pids: [PID], _ groupList: [Term]) -> [Directive] {
        guard var groupsOfPeer = remote.removeValue(forKey: peer) else { return [] }
        var directives: [Directive] = []
        for group in groupList {
            guard var bag = groupsOfPeer.removeValue(forKey: group) else { continue }
            let removed = pids.filter { bag.remove($0) }
            if !bag.isEmpty { groupsOfPeer[group] = bag }
            removeMembers(removed, from: group)
            if !removed.isEmpty { directives += notify(.leave, group, removed) }
        }
        remote[peer] = groupsOfPeer
        return directives
    }

    /// `handle_info({'DOWN', MRef, process, Pid, Reason})`: a local member exited, or a peer
    /// scope went (its node disconnected: `noconnection`; or it died and restarts).
    mutating func down(_ pid: PID, reason: Term) -> [Directive] {
        if local[PIDKey(pid)] != nil { return localExit(pid) }
        guard let groupsOfPeer = remote.removeValue(forKey: pid) else { return [] }
        synced.remove(pid)
        var directives: [Directive] = []
        for (group, bag) in groupsOfPeer {
            directives += apply(from: bag, to: PIDBag(), group: group)
        }
        if reason != .atom("noconnection") { directives.append(.rediscover(node: pid.node)) }
        return directives
    }
}
