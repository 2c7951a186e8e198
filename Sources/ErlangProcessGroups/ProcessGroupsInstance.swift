import ErlangTerm

/// One `pg` scope as a pure state machine: local joins and leaves, the peer scopes' messages,
/// node ups and DOWNs go in; directives (sends, monitors, subscriber notifications) come out.
/// ``ProcessGroups`` is the shell that feeds it and carries the directives out, in order.
///
/// It keeps what `pg.erl` keeps (`#state{}` and the ETS table, membership.md §2.2) but in
/// multisets, so a join, a leave and a sync cost what they change, not the group's size.
struct ProcessGroupsInstance: Sendable {
    /// What the shell must do, in order.
    enum Directive: Sendable, Hashable {
        /// `erlang:send(Pid, Msg, [noconnect])` from the scope process to a peer scope pid.
        case send(PeerMessage, to: PID)
        /// `{Scope, Node} ! Msg`.
        case sendToScope(PeerMessage, node: Atom)
        /// `erlang:monitor(process, Pid)` by the scope process.
        case monitor(PID)
        /// `erlang:demonitor(MRef)` of the monitor on `Pid`.
        case demonitor(PID)
        /// `{Ref, join | leave, Group, Pids}` to a subscriber.
        case notify(SubscriberID, MembershipChange)
        /// A peer scope died while its node stayed connected (it restarted): discover that node
        /// again, since a BEAM scope rediscovers visible nodes by itself but never hidden ones (membership.md §2.8).
        case rediscover(node: Atom)
    }

    /// A subscription (`monitor_scope/1` or `monitor/2`).
    typealias SubscriberID = Int

    /// One group: every member and the local ones (ETS row `{Group, All, Local}`).
    struct Row: Sendable {
        var all = PIDBag()
        var local = PIDBag()
    }

    /// The scope's name, also its registered name.
    let scope: Atom
    /// The scope process's pid, the `Peer` of every message it sends.
    let me: PID
    /// Local members and their groups, a group counted once per join (`#state.local`).
    var local: [PIDKey: [Term: Int]] = [:]
    /// Known peer scopes and the members each has joined (`#state.remote`).
    var remote: [PID: [Term: PIDBag]] = [:]
    /// Peer scopes whose sync has arrived.
    var synced: Set<PID> = []
    /// Every non-empty group.
    var groups: [Term: Row] = [:]
    var scopeSubscribers: Set<SubscriberID> = []
    var groupSubscribers: [Term: Set<SubscriberID>] = [:]
    var subscriptions: [SubscriberID: Term?] = [:]
    var nextSubscriber: SubscriberID = 0

    init(scope: Atom, me: PID) {
        self.scope = scope
        self.me = me
    }

    // MARK: queries (pg:get_members/2, get_local_members/2, which_groups/1)

    func members(_ group: Term) -> [PID] { groups[group]?.all.elements ?? [] }

    func localMembers(_ group: Term) -> [PID] { groups[group]?.local.elements ?? [] }

    func whichGroups() -> [Term] { Array(groups.keys) }

    /// Whether a peer scope on `node` has sent its sync.
    func hasSynced(node: Atom) -> Bool { synced.contains { $0.node == node } }

    /// Whether a peer scope on `node` is known.
    func knowsPeer(on node: Atom) -> Bool { remote.keys.contains { $0.node == node } }

    // MARK: start and nodes

    /// `init/1`: discover every visible node's scope.
    func started(visibleNodes: [Atom]) -> [Directive] {
        visibleNodes.map { .sendToScope(.discover(me), node: $0) }
    }

    /// `handle_info({nodeup, Node})`: visible nodes only, as `net_kernel:monitor_nodes(true)` reports them.
    func nodeUp(_ node: Atom, hidden: Bool) -> [Directive] {
        guard !hidden, node != me.node else { return [] }
        return [.sendToScope(.discover(me), node: node)]
    }

    /// An explicit discover of `node`'s scope (hidden connections, membership.md §2.4).
    func discover(_ node: Atom) -> [Directive] {
        [.sendToScope(.discover(me), node: node)]
    }

    /// Sends `message` to every known peer (`broadcast/2`).
    func broadcast(_ message: PeerMessage) -> [Directive] {
        remote.keys.map { .send(message, to: $0) }
    }
}

extension ProcessGroupsInstance {
    /// The peer scopes known.
    var peersKnown: [PID] { Array(remote.keys) }
}
