import ErlangDistribution
import ErlangRuntime
import ErlangTerm

extension ProcessGroups {
    /// `pg:join(Scope, Group, Pid)`: `pid` joins `group` once more (joins are counted); peers
    /// receive `{join, Scope, Group, Pid}`.
    ///
    /// - Throws: ``ProcessGroupsError`` (`notLocal`) for a pid of another node.
    public func join(_ group: Term, _ pid: PID) throws {
        try ensureLocal([pid])
        perform { $0.join(group, .one(pid)) }
    }

    /// `pg:join(Scope, Group, [Pid])`: every pid joins `group`; peers receive one message with the list.
    ///
    /// - Throws: ``ProcessGroupsError`` (`notLocal`) for a pid of another node.
    public func join(_ group: Term, _ pids: [PID]) throws {
        try ensureLocal(pids)
        perform { $0.join(group, .many(pids)) }
    }

    /// `pg:leave(Scope, Group, Pid)`: one join of `group` by `pid` ends; false (`not_joined`)
    /// when it had none.
    ///
    /// - Throws: ``ProcessGroupsError`` (`notLocal`) for a pid of another node.
    @discardableResult
    public func leave(_ group: Term, _ pid: PID) throws -> Bool {
        try ensureLocal([pid])
        return leave(group, .one(pid))
    }

    /// `pg:leave(Scope, Group, [Pid])`: one join of `group` by each pid ends; false
    /// (`not_joined`) when none had one.
    ///
    /// - Throws: ``ProcessGroupsError`` (`notLocal`) for a pid of another node.
    @discardableResult
    public func leave(_ group: Term, _ pids: [PID]) throws -> Bool {
        try ensureLocal(pids)
        return leave(group, .many(pids))
    }

    private func leave(_ group: Term, _ members: PeerMessage.Members) -> Bool {
        perform { instance -> (Bool, [Directive]) in
            guard let directives = instance.leave(group, members) else { return (false, []) }
            return (true, directives)
        }
    }

    /// `pg:get_members(Scope, Group)`: every member this node knows, of every node; a pid joined
    /// twice is listed twice.
    public func members(_ group: Term) -> [PID] {
        state.withLockedValue { $0.instance.members(group) }
    }

    /// `pg:get_local_members(Scope, Group)`: the members on this node.
    public func localMembers(_ group: Term) -> [PID] {
        state.withLockedValue { $0.instance.localMembers(group) }
    }

    /// `pg:which_groups(Scope)`: every group with at least one member.
    public func whichGroups() -> [Term] {
        state.withLockedValue { $0.instance.whichGroups() }
    }

    /// The peer scopes this scope exchanges membership with.
    public func peers() -> [PID] {
        state.withLockedValue { Array($0.instance.remote.keys) }
    }

    /// `pg:monitor_scope(Scope)` (OTP 25.1+): every group with its members now, and from then on
    /// each join and leave in any group; ending the iteration ends the subscription (`pg:demonitor/2`).
    public func monitorScope() -> (groups: [Term: [PID]], changes: AsyncStream<MembershipChange>) {
        subscribe { instance in instance.monitorScope() }
    }

    /// `pg:monitor(Scope, Group)` (OTP 25.1+): the group's members now, and from then on each join
    /// and leave in it; ending the iteration ends the subscription.
    public func monitor(_ group: Term) -> (members: [PID], changes: AsyncStream<MembershipChange>) {
        subscribe { instance in instance.monitor(group) }
    }

    private func subscribe<Snapshot>(
        _ body: (inout ProcessGroupsInstance) -> (ProcessGroupsInstance.SubscriberID, Snapshot)
    ) -> (Snapshot, AsyncStream<MembershipChange>) {
        let (stream, continuation) = AsyncStream.makeStream(of: MembershipChange.self)
        let (id, snapshot) = state.withLockedValue { shell in
            let (id, snapshot) = body(&shell.instance)
            shell.subscribers[id] = continuation
            return (id, snapshot)
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { shell in
                shell.instance.demonitor(id)
                shell.subscribers[id] = nil
            }
        }
        if !isRunning { continuation.finish() }
        return (snapshot, stream)
    }

    /// Discovers `peer`'s scope explicitly, as a node on a hidden connection must (pg discovers
    /// only visible nodes by itself, membership.md §2.4): connects, sends `{discover, Scope}` to
    /// `{Scope, Node}`, and returns once the peer's sync has arrived.
    ///
    /// - Throws: ``ProcessGroupsError`` (`unreachable`) when the node cannot be reached or its
    ///   scope does not answer within `timeout`.
    public func discover(_ peer: NodeName, timeout: Duration = .seconds(7)) async throws {
        do {
            try await node.connect(to: peer)
        } catch {
            throw ProcessGroupsError(.unreachable, "cannot connect to \(peer): \(error)")
        }
        perform { $0.discover(peer.atom) }
        let deadline = ContinuousClock.now + timeout
        while !state.withLockedValue({ $0.instance.hasSynced(node: peer.atom) }) {
            guard ContinuousClock.now < deadline else {
                throw ProcessGroupsError(.unreachable, "\(peer) has no \(scope) scope that answered within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private func ensureLocal(_ pids: [PID]) throws {
        let here = process.pid.node
        let creation = node.creation
        for pid in pids where pid.creation != creation || !PIDKey.sameAtom(pid.node, here) {
            throw ProcessGroupsError(.notLocal, "\(pid) is not a process of \(node.name)")
        }
    }
}
