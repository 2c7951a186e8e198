import ErlangTerm

/// Names, locks and calls (`global.erl`: `handle_call/3`, `do_ops/5`, `ins_name/6`,
/// `insert_global_name/6`, `lock_still_set/3`, `handle_set_lock/3`, `handle_del_lock/3`,
/// `remove_lock/6`, the `'DOWN'` clause, `start_sync/2`).
extension GlobalState {
    /// Who asked for an insert: a registering process, or the node whose lock covers a connect.
    enum InsertSource: Sendable, Equatable {
        case pid(PID)
        case node(Atom)
    }

    /// The resource id of global's own lock (`?GLOBAL_RID`).
    static let globalResource: Term = .atom("global")

    mutating func handleCall(_ request: GlobalRequest, from: PID, tag: Term) -> [GlobalAction] {
        func reply(_ answer: Term) -> GlobalAction { .reply(answer, from: from, tag: tag) }
        switch request {
        case .register(let name), .registerExternal(let name):
            var actions = insertName(name, from: .pid(from), extraInfo: .list([]))
            actions.append(reply(.atom("yes")))
            return actions
        case .unregister(let name):
            deleteName(name)
            return [reply(.ok)]
        case .setLock(let id):
            let (granted, monitor) = setLock(id, holder: from)
            return (monitor.map { [GlobalAction.monitor($0)] } ?? []) + [reply(granted ? .true : .false)]
        case .deleteLock(let id):
            deleteLock(id, holder: from, down: false)
            return [reply(.true)]
        case .getKnown: return [reply(.list(knownNodes.map(Term.atom)))]
        case .getSynced: return [reply(.list(synced.map(Term.atom)))]
        case .getProtocolVersion: return [reply(.integer(globalProtocolVersion))]
        case .getNamesExternal: return [reply(.list([]))]
        case .sync where syncers.count >= Self.remoteSyncLimit:
            return [.log(.warning, "global: too many sync callers; a {sync, _} call from \(from) gets no answer")]
        case .sync(let nodes):
            // Remote callers get negative ids; local ones (``GlobalInput/sync(id:nodes:)``) positive.
            nextRemoteSync -= 1
            let id = nextRemoteSync
            return startSync(id: id, nodes: nodes, reply: (from, tag))
        case .other(let term):
            return [.log(.warning, "The global_name_server received an unexpected message: handle_call(\(term), \(from), _)")]
        }
    }

    /// `do_ops/5`: inserts, then deletes.
    mutating func apply(_ operations: [GlobalOperation], from source: InsertSource, extraInfo: Term) -> [GlobalAction] {
        var actions: [GlobalAction] = []
        for case .insert(let name) in operations {
            actions += insertName(name, from: source, extraInfo: extraInfo)
        }
        for case .delete(let name) in operations { deleteName(name) }
        return actions
    }

    /// `ins_name/6` and `insert_global_name/6`: replace the name, monitor its process, and undo
    /// the insert when the lock that covered it has gone meanwhile (`lock_still_set/3`).
    mutating func insertName(_ entry: GlobalName, from source: InsertSource, extraInfo: Term) -> [GlobalAction] {
        deleteName(entry.name)
        names[entry.name] = entry
        var actions: [GlobalAction] = []
        if monitored.insert(entry.pid).inserted { actions.append(.monitor(entry.pid)) }
        if !isLockStillSet(source, extraInfo: extraInfo) { deleteName(entry.name) }
        return actions
    }

    private func isLockStillSet(_ source: InsertSource, extraInfo: Term) -> Bool {
        guard let lock = locks[Self.globalResource] else { return !globalLockDown }
        switch source {
        case .pid(let pid):
            return lock.holders.contains(pid)
        case .node:
            guard let info = extraInfo.properList?.first(where: { $0.tupleElements?.first == .atom("lock") }),
                  let lockID = info.tupleElements?.last, case .tuple(let id) = lockID, id.count == 2 else { return false }
            return id[1] == lock.requester
        }
    }

    /// `delete_global_name2/2`.
    mutating func deleteName(_ name: Term) {
        names[name] = nil
    }

    /// `handle_set_lock/3`: granted when free or held by the same requester; also returns the
    /// holder to monitor when it is not monitored yet.
    mutating func setLock(_ id: GlobalLockID, holder: PID) -> (granted: Bool, monitor: PID?) {
        if var lock = locks[id.resource] {
            guard lock.requester == id.requester else { return (false, nil) }
            guard !lock.holders.contains(holder) else { return (true, nil) }
            lock.holders.insert(holder, at: 0)
            locks[id.resource] = lock
        } else {
            locks[id.resource] = Lock(requester: id.requester, holders: [holder])
        }
        return (true, monitored.insert(holder).inserted ? holder : nil)
    }

    /// `handle_del_lock/3` and `remove_lock/6`.
    mutating func deleteLock(_ id: GlobalLockID, holder: PID, down: Bool) {
        guard var lock = locks[id.resource], lock.requester == id.requester else { return }
        if lock.holders == [holder] {
            locks[id.resource] = nil
            if id.resource == Self.globalResource { globalLockDown = down }
            return
        }
        lock.holders.removeAll { $0 == holder }
        locks[id.resource] = lock
    }

    /// `handle_info({'DOWN', ...})`: the process's names and locks go.
    mutating func handleDown(_ pid: PID) -> [GlobalAction] {
        monitored.remove(pid)
        names = names.filter { $0.value.pid != pid }
        for (resource, lock) in locks where lock.holders.contains(pid) {
            deleteLock(GlobalLockID(resource: resource, requester: lock.requester), holder: pid, down: true)
        }
        return []
    }

    /// Names and locks of a node that went down (what the DOWNs of its processes would do).
    mutating func forgetProcesses(of peer: Atom) {
        for pid in monitored where pid.node == peer { _ = handleDown(pid) }
    }

    /// `start_sync/2`: done at once when already in sync with every node.
    mutating func startSync(id: Int, nodes: [Atom], reply: (from: PID, tag: Term)?) -> [GlobalAction] {
        let waiting = Set(nodes).subtracting(synced).subtracting([node])
        guard !waiting.isEmpty else { return [Self.syncFinished(id: id, reply: reply)] }
        syncers[id] = Syncer(waiting: waiting, reply: reply)
        return []
    }

    /// `{synced, Nodes}` (or a nodedown) for every syncer.
    mutating func syncedWith(_ nodes: [Atom]) -> [GlobalAction] {
        var actions: [GlobalAction] = []
        for (id, var syncer) in syncers {
            syncer.waiting.subtract(nodes)
            if syncer.waiting.isEmpty {
                syncers[id] = nil
                actions.append(Self.syncFinished(id: id, reply: syncer.reply))
            } else {
                syncers[id] = syncer
            }
        }
        return actions
    }

    private static func syncFinished(id: Int, reply: (from: PID, tag: Term)?) -> GlobalAction {
        if let reply { return .reply(.ok, from: reply.from, tag: reply.tag) }
        return .syncDone(id: id)
    }
}
