import ErlangTerm

/// How the shell sends a batch of directives: peers' messages first, in order, with adjacent
/// joins (and leaves) of one group to one peer merged into one message with a pid list, then the
/// monitors and demonitors, in order.
///
/// Merging keeps what peers learn and the order they learn it, in fewer messages: a BEAM scope's
/// `join_remote_update_ets/5` copies the group's whole member list into ETS for every join
/// message, so 10,000 one-by-one joins sent one by one cost it quadratic time (membership.md §2.2).
/// Monitors only watch this node's processes and peer scopes, so running them after the sends of
/// the same batch changes nothing a peer sees.
enum Outbox {
    static func coalesce(_ batch: [ProcessGroupsInstance.Directive]) -> [ProcessGroupsInstance.Directive] {
        var sends: [ProcessGroupsInstance.Directive] = []
        var others: [ProcessGroupsInstance.Directive] = []
        sends.reserveCapacity(batch.count)
        for directive in batch {
            switch directive {
            case .send(let message, let peer):
                if case .send(let previous, let lastPeer)? = sends.last, lastPeer == peer, let merged = merge(previous, message) {
                    sends[sends.count - 1] = .send(merged, to: peer)
                } else {
                    sends.append(directive)
                }
            case .sendToScope, .rediscover:
                sends.append(directive)
            case .monitor, .demonitor, .notify:
                others.append(directive)
            }
        }
        return sends + others
    }

    /// One message for two adjacent joins of a group, or two leaves of the same groups; nil otherwise.
    static func merge(_ first: PeerMessage, _ second: PeerMessage) -> PeerMessage? {
        switch (first, second) {
        case (.join(let scope, let group, let a), .join(let scope2, let group2, let b)) where scope == scope2 && group == group2:
            return .join(scope, group: group, .many(a.pids + b.pids))
        case (.leave(let scope, let a, let groups), .leave(let scope2, let b, let groups2)) where scope == scope2 && groups == groups2:
            return .leave(scope, .many(a.pids + b.pids), groups: groups)
        default:
            return nil
        }
    }
}
