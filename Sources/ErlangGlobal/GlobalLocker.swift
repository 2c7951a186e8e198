import ErlangRuntime
import ErlangTerm
import NIOConcurrencyHelpers

/// The locker process (`global.erl`, `loop_the_locker/1` and what it calls): it locks this
/// node's partition together with a peer's, so that two partitions exchange names under one
/// cluster-wide lock, and releases the lock when the server says the session ended.
final class GlobalLocker: Sendable {
    /// The locker's process: its pid goes into `init_connect` and into every lock id.
    let process: ErlangProcess
    /// Messages from the server.
    let inbox = SelectiveQueue<LockerMessage>()
    private let state: NIOLockedValueBox<LockerState>
    private let locking: GlobalLocking
    private let server: GlobalServer

    init(process: ErlangProcess, server: GlobalServer) {
        self.process = process
        self.server = server
        self.locking = GlobalLocking(process: process, server: server)
        self.state = NIOLockedValueBox(LockerState(node: process.node.name.atom))
    }

    private var me: Atom { process.node.name.atom }

    /// `loop_the_locker/1`, until the inbox closes.
    func run() async {
        while !Task.isCancelled, !inbox.isClosed {
            await dropStrayMessages()
            if let message = inbox.take() {
                await handle(message)
                continue
            }
            let timeout = state.withLockedValue { state -> Duration? in
                defer { state.justSynced = false }
                return state.timeout
            }
            if let message = await inbox.receive(timeout: timeout) {
                await handle(message)
            } else if timeout == nil {
                return
            } else if !server.isGlobalLockSet {
                await selectNode()
            }
        }
    }

    /// Between lock negotiations the locker's mailbox holds nothing it waits for: a peer's
    /// `{lock_set, Locker, false, Known}` sent straight to this pid (`send_lock_set/5` with vsn 5)
    /// is ignored as `the_locker_message/2` ignores it, and so is anything else.
    private func dropStrayMessages() async {
        while let message = await process.receive(timeout: .zero) {
            if message.tupleElements?.first != .atom("lock_set") {
                server.logger.debug("global: the locker got an unexpected message", metadata: ["message": "\(message)"])
            }
        }
    }

    /// `the_locker_message/2`.
    private func handle(_ message: LockerMessage) async {
        switch message {
        case .hisTheLocker(let locker, let version, let hisTag, let myTag):
            state.withLockedValue { $0.add(.init(node: locker.node, locker: locker, version: version, myTag: myTag, hisTag: hisTag)) }
        case .cancel(let peer, let myTag?, nil):
            state.withLockedValue { $0.remove(peer, myTag: myTag) }
        case .cancel:
            break
        case .lockSet(_, false, _):
            break
        case .lockSet(let locker, true, let myTag):
            await spontaneousLockSet(locker, myTag: myTag)
        case .addToKnown(let nodes):
            state.withLockedValue { $0.addKnown(nodes) }
        case .removeFromKnown(let peer):
            state.withLockedValue { $0.removeKnown(peer) }
        }
    }

    /// A peer locked its side first: lock ours and answer (`the_locker_message({lock_set, Pid, true, _, MyTag})`).
    private func spontaneousLockSet(_ locker: PID, myTag: Term?) async {
        let peer = locker.node
        guard let him = state.withLockedValue({ $0.find(peer) }), myTag == nil || myTag == .integer(him.myTag) else {
            let known = state.withLockedValue { $0.known }
            try? await process.send(GlobalOutgoing.lockRefused(locker: process.pid, known: known), to: locker)
            return
        }
        let lockID = LockerState.lockID(process.pid, locker)
        let isSet = await lockNodesSafely(lockID, extra: [])
        await sendLockSet(isSet, to: him)
        guard isSet else {
            state.withLockedValue { $0.justSynced = false }
            return
        }
        let known = [me] + state.withLockedValue { $0.known }
        server.input(.lockIsSet(node: peer, myTag: him.myTag, lockID: lockID.term))
        await waitCancelLock(peer, lockID: lockID, myTag: him.myTag, known: known)
        state.withLockedValue {
            $0.justSynced = true
            $0.remove(peer, myTag: him.myTag)
        }
    }

    /// `select_node/1`: lock this partition and one waiting peer's node, then wait for its answer.
    private func selectNode() async {
        let candidates = state.withLockedValue { $0.candidates() }
        guard let him = candidates.randomElement() else { return }
        let lockID = LockerState.lockID(process.pid, him.locker)
        guard await lockNodesSafely(lockID, extra: [him.node]) else { return }
        let known = [me, him.node] + state.withLockedValue { $0.known }
        await sendLockSet(true, to: him)
        await lockIsSet(him, lockID: lockID, known: known)
    }

    /// `lock_is_set/5`: wait for the peer's `lock_set` (or a cancel) for this session.
    private func lockIsSet(_ him: Him, lockID: GlobalLockID, known: [Atom]) async {
        while true {
            let node = him.node, myTag = him.myTag
            guard let message = await inbox.receive(matching: { message in
                switch message {
                case .lockSet(let locker, _, _): return locker.node == node
                case .cancel(let peer, let tag, _): return peer == node && tag == myTag
                default: return false
                }
            }) else { return }
            switch message {
            case .lockSet(_, let isSet, let tag) where tag == nil || tag == .integer(myTag):
                guard isSet else {
                    await locking.deleteGlobalLock(lockID, known)
                    return
                }
                server.input(.lockIsSet(node: node, myTag: myTag, lockID: lockID.term))
                await waitCancelLock(node, lockID: lockID, myTag: myTag, known: known)
                state.withLockedValue { state in
                    state.justSynced = true
                    state.local.removeAll { $0 == him }
                    state.remote.removeAll { $0 == him }
                }
                return
            case .cancel(_, _, let newNodes):
                await broadcast(newNodes)
                await locking.deleteGlobalLock(lockID, known)
                state.withLockedValue { $0.remove(node, myTag: myTag) }
                return
            default:
                continue
            }
        }
    }

    typealias Him = LockerState.Him

    /// `wait_cancel_lock/6`: hold the lock until the server ends the session; then send its
    /// `new_nodes` (if any) and release the lock.
    private func waitCancelLock(_ peer: Atom, lockID: GlobalLockID, myTag: Int, known: [Atom]) async {
        let message = await inbox.receive(matching: { message in
            if case .cancel(peer, myTag, _) = message { return true }
            return false
        })
        if case .cancel(_, _, let newNodes)? = message { await broadcast(newNodes) }
        await locking.deleteGlobalLock(lockID, known)
    }

    /// `call_fun/1` of `resolved/5`: the `new_nodes` casts, before the lock goes.
    private func broadcast(_ casts: [GlobalCast]?) async {
        for cast in casts ?? [] { await server.send(cast.message, to: cast.node, from: process) }
    }

    /// `send_lock_set/5` (vsn >= 6: a cast to the peer's server).
    private func sendLockSet(_ isSet: Bool, to him: Him) async {
        let known = state.withLockedValue { $0.known }
        let message = GlobalOutgoing.lockSet(locker: process.pid, isSet: isSet, known: known, hisTag: him.hisTag)
        await server.send(message, to: him.node, from: process)
    }

    /// `lock_nodes_safely/3`: the boss first, then this node and `extra`, then the known nodes.
    private func lockNodesSafely(_ lockID: GlobalLockID, extra: [Atom]) async -> Bool {
        let first = state.withLockedValue { $0.firstStages(extra: extra).first }
        guard first == [me] || server.canSetLock(lockID) else { return false }
        guard await locking.setLockOnNodes(lockID, first) else { return false }
        drainKnownUpdates()
        // "The boss may have changed, but don't bother": the first stage stays as locked.
        let second = state.withLockedValue { $0.firstStages(extra: extra).second }.filter { !first.contains($0) }
        guard await locking.setLockOnNodes(lockID, second) else {
            await locking.deleteLock(lockID, first)
            return false
        }
        let known = state.withLockedValue { $0.lastStage(first: first) }
        guard await locking.setLockOnNodes(lockID, known) else {
            await locking.deleteLock(lockID, first + second)
            return false
        }
        return true
    }

    /// `update_locker_known/1`: apply the known-node updates waiting in the inbox.
    private func drainKnownUpdates() {
        while let message = inbox.take(matching: { message in
            switch message {
            case .addToKnown, .removeFromKnown: return true
            default: return false
            }
        }) {
            state.withLockedValue { state in
                switch message {
                case .addToKnown(let nodes): state.addKnown(nodes)
                case .removeFromKnown(let peer): state.removeKnown(peer)
                default: break
                }
            }
        }
    }
}
