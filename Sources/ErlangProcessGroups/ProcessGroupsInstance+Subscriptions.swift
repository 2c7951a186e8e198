import ErlangTerm

extension ProcessGroupsInstance {
    /// `handle_call(monitor)`: a new scope subscription and every group with its members.
    mutating func monitorScope() -> (SubscriberID, [Term: [PID]]) {
        let id = newSubscriber(nil)
        scopeSubscribers.insert(id)
        return (id, groups.mapValues(\.all.elements))
    }

    /// `handle_call({monitor, Group})`: a new group subscription and the group's members.
    mutating func monitor(_ group: Term) -> (SubscriberID, [PID]) {
        let id = newSubscriber(group)
        groupSubscribers[group, default: []].insert(id)
        return (id, members(group))
    }

    /// `handle_call({demonitor, Ref})`: false when the subscription is not there.
    @discardableResult
    mutating func demonitor(_ id: SubscriberID) -> Bool {
        guard let group = subscriptions.removeValue(forKey: id) else { return false }
        if let group {
            groupSubscribers[group]?.remove(id)
            if groupSubscribers[group]?.isEmpty == true { groupSubscribers[group] = nil }
        } else {
            scopeSubscribers.remove(id)
        }
        return true
    }

    private mutating func newSubscriber(_ group: Term?) -> SubscriberID {
        nextSubscriber += 1
        subscriptions[nextSubscriber] = .some(group)
        return nextSubscriber
    }

    /// `notify_group/5`: every scope subscriber and the group's subscribers.
    func notify(_ kind: MembershipChange.Kind, _ group: Term, _ pids: [PID]) -> [Directive] {
        let subscribers = scopeSubscribers.union(groupSubscribers[group] ?? [])
        guard !subscribers.isEmpty else { return [] }
        let change = MembershipChange(kind, group: group, pids: pids)
        return subscribers.sorted().map { .notify($0, change) }
    }
}
