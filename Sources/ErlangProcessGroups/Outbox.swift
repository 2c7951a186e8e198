import ErlangTerm

/// How the shell sends a batch of directives: peers' messages first, in order for each node, with
/// adjacent joins (and leaves) of one group to one peer merged into one message with a pid list;
/// then monitors, demonitors and rediscoveries, in order.
///
/// Merging keeps what peers learn and the order they learn it, in fewer messages: a BEAM scope's
/// `join_remote_update_ets/5` copies the group's whole member list out of and into ETS for every
/// join message, so 10,000 one-by-one joins sent one by one cost it quadratic time
/// (membership.md §2.2). Monitors only watch this node's processes and peer scopes, so running
/// them after the sends of the same batch changes nothing a peer sees.
enum Outbox {
    typealias Directive = ProcessGroupsInstance.Directive

    static func coalesce(_ batch: [Directive]) -> [Directive] {
        let (messages, others) = split(batch)
        return messages + others
    }

    /// ``coalesce(_:)`` as its two parts, the messages and the rest, without joining them (a
    /// batch join's 10,000 monitors are not copied once more before the broadcast goes).
    static func split(_ batch: [Directive]) -> (messages: [Directive], others: [Directive]) {
        // Messages keep their order per destination node (one connection, one order); joins and
        // leaves to one peer merge while nothing else to that node comes between.
        var order: [Atom] = []
        var queues: [Atom: Queue] = [:]
        var others: [Directive] = []
        others.reserveCapacity(batch.count)
        for directive in batch {
            switch directive {
            case .send(let message, let peer):
                if queues[peer.node] == nil { order.append(peer.node) }
                queues[peer.node, default: Queue()].add(message, to: peer)
            case .sendToScope(_, let node):
                if queues[node] == nil { order.append(node) }
                queues[node, default: Queue()].add(directive)
            case .monitor, .demonitor, .notify, .rediscover:
                others.append(directive)
            }
        }
        return (order.flatMap { queues[$0]?.directives ?? [] }, others)
    }

    /// The messages to one node, the last run still open for merging.
    struct Queue {
        private var sent: [Directive] = []
        private var open: Run?

        mutating func add(_ message: PeerMessage, to peer: PID) {
            if var run = open, run.peer == peer, run.accepts(message) {
                open = nil
                run.add(message)
                open = run
            } else {
                close()
                open = Run(message, peer: peer)
            }
        }

        mutating func add(_ directive: Directive) {
            close()
            sent.append(directive)
        }

        private mutating func close() {
            if let run = open { sent.append(run.directive) }
            open = nil
        }

        var directives: [Directive] {
            var queue = self
            queue.close()
            return queue.sent
        }
    }

    /// Adjacent messages to one peer that merge: joins of one group, or leaves of the same groups.
    struct Run {
        let peer: PID
        let first: PeerMessage
        var pids: [PID] = []
        var merged = false

        init(_ message: PeerMessage, peer: PID) {
            self.peer = peer
            self.first = message
            switch message {
            case .join(_, _, let members), .leave(_, let members, _): pids = members.pids
            case .discover, .sync: break
            }
        }

        func accepts(_ message: PeerMessage) -> Bool {
            switch (first, message) {
            case (.join(let scope, let group, _), .join(let scope2, let group2, _)): return scope == scope2 && group == group2
            case (.leave(let scope, _, let groups), .leave(let scope2, _, let groups2)): return scope == scope2 && groups == groups2
            default: return false
            }
        }

        mutating func add(_ message: PeerMessage) {
            switch message {
            case .join(_, _, let members), .leave(_, let members, _): pids += members.pids
            case .discover, .sync: return
            }
            merged = true
        }

        var directive: Directive {
            guard merged else { return .send(first, to: peer) }
            switch first {
            case .join(let scope, let group, _): return .send(.join(scope, group: group, .many(pids)), to: peer)
            case .leave(let scope, _, let groups): return .send(.leave(scope, .many(pids), groups: groups), to: peer)
            case .discover, .sync: return .send(first, to: peer)
            }
        }
    }
}
