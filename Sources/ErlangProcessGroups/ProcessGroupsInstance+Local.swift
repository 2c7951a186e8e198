import ErlangTerm

extension ProcessGroupsInstance {
    /// `handle_call({join_local, Group, PidOrPids})`: monitor new members, add them, tell
    /// subscribers and every peer. The shell has checked that the pids are local (`ensure_local/1`).
    mutating func join(_ group: Term, _ members: PeerMessage.Members) -> [Directive] {
        let pids = members.pids
        addMembers(pids, to: group, local: true)
        // The broadcast goes before the monitors, so peers do not wait for thousands of them; a
        // member that died meanwhile gets its DOWN (noproc) and so its leave after this join.
        var directives = notify(.join, group, pids) + broadcast(.join(me, group: group, members))
        directives.reserveCapacity(directives.count + pids.count)
        // Every new member shares one `[group: 1]` (copied on its first change), so a batch join
        // neither hashes the group nor allocates a table per pid.
        let joinedOnce: [Term: Int] = [group: 1]
        local.reserveCapacity(local.count + pids.count)
        for pid in pids {
            let key = PIDKey(pid)
            if var joined = local.removeValue(forKey: key) {
                joined[group, default: 0] += 1
                local[key] = joined
            } else {
                local[key] = joinedOnce
                directives.append(.monitor(pid))
            }
        }
        return directives
    }

    /// `handle_call({leave_local, Group, PidOrPids})`: removes one join of `group` per listed pid
    /// that has one. Nil when none had (`not_joined`: nothing changes and nothing is sent).
    mutating func leave(_ group: Term, _ members: PeerMessage.Members) -> [Directive]? {
        var directives: [Directive] = []
        var removed: [PID] = []
        for pid in members.pids {
            let key = PIDKey(pid)
            guard var joined = local[key], let times = joined[group] else { continue }
            joined[group] = times == 1 ? nil : times - 1
            removed.append(pid)
            if joined.isEmpty {
                local[key] = nil
                directives.append(.demonitor(pid))
            } else {
                local[key] = joined
            }
        }
        guard !removed.isEmpty else { return nil }
        removeMembers(removed, from: group)
        directives += notify(.leave, group, removed)
        // Only the pids that left go out: a peer's leave_remote/3 looks each listed group up with
        // maps:get/2, and every pid listed here is known to it under that group.
        let sent: PeerMessage.Members = members.pids.count == 1 && removed.count == 1 ? members : .many(removed)
        directives += broadcast(.leave(me, sent, groups: [group]))
        return directives
    }

    /// `handle_info({'DOWN', ...})` for a local member: it leaves every group it joined, and one
    /// leave listing each group once per join goes to every peer.
    mutating func localExit(_ pid: PID) -> [Directive] {
        guard let joined = local.removeValue(forKey: PIDKey(pid)) else { return [] }
        var directives: [Directive] = []
        var groupList: [Term] = []
        for (group, times) in joined {
            let pids = Array(repeating: pid, count: times)
            removeMembers(pids, from: group)
            directives += notify(.leave, group, pids)
            groupList += Array(repeating: group, count: times)
        }
        directives += broadcast(.leave(me, .one(pid), groups: groupList))
        return directives
    }

    /// `all_local_pids/1`: every local group with its pids, a pid once per join, for a sync.
    func allLocalPids() -> [PeerMessage.SyncEntry] {
        var byGroup: [Term: [PID]] = [:]
        for (key, joined) in local {
            for (group, times) in joined {
                byGroup[group, default: []] += Array(repeating: key.pid, count: times)
            }
        }
        return byGroup.map { PeerMessage.SyncEntry(group: $0.key, pids: $0.value) }
    }

    /// Adds one occurrence of each pid to the group's row (`join_local_update_ets/5`, `join_remote_update_ets/5`).
    mutating func addMembers(_ pids: [PID], to group: Term, local isLocal: Bool) {
        guard !pids.isEmpty else { return }
        var row = groups.removeValue(forKey: group) ?? Row()
        row.all.reserveCapacity(more: pids.count)
        if isLocal { row.local.reserveCapacity(more: pids.count) }
        for pid in pids {
            row.all.insert(pid)
            if isLocal { row.local.insert(pid) }
        }
        groups[group] = row
    }

    /// Removes one occurrence of each pid; a group left empty goes (`leave_*_update_ets/5`).
    mutating func removeMembers(_ pids: [PID], from group: Term) {
        guard var row = groups.removeValue(forKey: group) else { return }
        for pid in pids where row.all.remove(pid) {
            if pid.node == me.node { row.local.remove(pid) }
        }
        if !row.all.isEmpty { groups[group] = row }
    }
}
