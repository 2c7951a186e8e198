import ErlangRuntime
import ErlangTerm

/// `set_lock` and `del_lock` on a list of nodes, made from one process (the lock's holder), as
/// `global.erl` runs them: `set_lock_on_nodes/2`, `local_lock_check/2`, `check_replies/3`,
/// `del_lock/2`, `delete_global_lock/2`, `set_lock/4` with its `random_sleep/1` retries.
struct GlobalLocking: Sendable {
    let process: ErlangProcess
    let server: GlobalServer

    private var me: Atom { process.node.name.atom }

    /// `set_lock_on_nodes/2`.
    func setLockOnNodes(_ id: GlobalLockID, _ nodes: [Atom]) async -> Bool {
        guard !nodes.isEmpty else { return true }
        if nodes.count > 1, nodes.contains(me), !server.canSetLock(id) { return false }
        let replies = await GlobalMultiCall.call(process, globalNameServer, on: nodes, GlobalOutgoing.setLock(id))
        return await checkReplies(replies, id)
    }

    /// `check_replies/3`: a false undoes the locks the other nodes granted.
    private func checkReplies(_ replies: [(node: Atom, reply: Term)], _ id: GlobalLockID) async -> Bool {
        guard replies.contains(where: { $0.reply != .true }) else { return true }
        if replies.count > 1 {
            let granted = replies.filter { $0.reply == .true }.map(\.node)
            await deleteLock(id, granted)
        }
        return false
    }

    /// `del_lock/2`.
    func deleteLock(_ id: GlobalLockID, _ nodes: [Atom]) async {
        guard !nodes.isEmpty else { return }
        _ = await GlobalMultiCall.call(process, globalNameServer, on: nodes, GlobalOutgoing.deleteLock(id))
    }

    /// `delete_global_lock/2`: the boss last.
    func deleteGlobalLock(_ id: GlobalLockID, _ nodes: [Atom]) async {
        guard let boss = LockerState.boss(nodes) else { return }
        var others = nodes
        if let index = others.firstIndex(of: boss) { others.remove(at: index) }
        await deleteLock(id, others)
        await deleteLock(id, [boss])
    }

    /// `set_lock/4`: retries (nil: forever) with `random_sleep/1` between attempts.
    func setLock(_ id: GlobalLockID, _ nodes: [Atom], retries: Int?) async -> Bool {
        var times = 1
        var left = retries
        while true {
            if await setLockOnNodes(id, nodes) { return true }
            if left == 0 || Task.isCancelled { return false }
            left = left.map { $0 - 1 }
            await Self.randomSleep(times)
            times += 1
        }
    }

    /// `random_sleep/1`: up to 1/8 s doubling per attempt, at most 8 s.
    static func randomSleep(_ times: Int) async {
        let ceiling = times > 5 ? 8000 : (1 << times) * 1000 / 8
        try? await Task.sleep(for: .milliseconds(Int.random(in: 1...max(1, ceiling))))
    }
}
