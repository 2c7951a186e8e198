import ErlangTerm

/// The messages this node sends, each in the exact shape OTP 25's `global.erl` matches on the
/// receiving side (the clause cited on each).
enum GlobalOutgoing {
    /// `{init_connect, {8, MyTag}, Node, {locker, no_longer_a_pid, Known, TheLocker}}`, cast
    /// (`handle_nodeup/2`); the receiver ignores Known and uses only the locker pid.
    static func initConnect(myTag: Int, node: Atom, known: TermMap, locker: PID) -> Term {
        .genCast(.tuple([
            .atom("init_connect"), .tuple([.integer(globalProtocolVersion), .integer(myTag)]), .atom(node),
            .tuple([.atom("locker"), .atom("no_longer_a_pid"), .map(known), .pid(locker)]),
        ]))
    }

    /// `{init_connect_ack, Node, HisTag, MyTag}`, plain (`init_connect/6`).
    static func initConnectAck(node: Atom, hisTag: Term, myTag: Int) -> Term {
        .tuple([.atom("init_connect_ack"), .atom(node), hisTag, .integer(myTag)])
    }

    /// `{cancel_connect, Node, HisTag}`, plain (`send_cancel_connect_message/2`).
    static func cancelConnect(node: Atom, hisTag: Term) -> Term {
        .tuple([.atom("cancel_connect"), .atom(node), hisTag])
    }

    /// `{lock_set, Locker, IsSet, Known, HisTag}`, cast to the peer's server (`send_lock_set/5`, vsn >= 6).
    static func lockSet(locker: PID, isSet: Bool, known: [Atom], hisTag: Term) -> Term {
        .genCast(.tuple([.atom("lock_set"), .pid(locker), isSet ? .true : .false, .list(known.map(Term.atom)), hisTag]))
    }

    /// `{lock_set, Locker, false, Known}`, plain to the peer's locker: the answer to a lock_set
    /// from a node with no pending session (`the_locker_message/2` sends it with vsn 5).
    static func lockRefused(locker: PID, known: [Atom]) -> Term {
        .tuple([.atom("lock_set"), .pid(locker), .false, .list(known.map(Term.atom))])
    }

    /// `{exchange, Node, Names, [], HisTag}`, cast (`lock_is_set/3`).
    static func exchange(node: Atom, names: [GlobalName], hisTag: Term) -> Term {
        .genCast(.tuple([.atom("exchange"), .atom(node), .list(names.map(\.term)), .list([]), hisTag]))
    }

    /// `{resolved, Node, Resolved, Known, unused, NamesExt, HisTag}`, cast (`handle_cast({exchange_ops, ...})`).
    static func resolved(node: Atom, operations: [GlobalOperation], known: [Term], hisTag: Term) -> Term {
        .genCast(.tuple([
            .atom("resolved"), .atom(node), .list(operations.map(\.term)), .list(known), .atom("unused"), .list([]), hisTag,
        ]))
    }

    /// `{new_nodes, Node, Ops, NamesExt, Nodes, ExtraInfo}`, cast from the locker (`resolved/5`).
    static func newNodes(node: Atom, operations: [GlobalOperation], nodes: [Term], extraInfo: Term) -> Term {
        .genCast(.tuple([.atom("new_nodes"), .atom(node), .list(operations.map(\.term)), .list([]), .list(nodes), extraInfo]))
    }

    /// `{in_sync, Node, true}`, cast (`sync_other/2`).
    static func inSync(node: Atom) -> Term {
        .genCast(.tuple([.atom("in_sync"), .atom(node), .true]))
    }

    /// `{lost_connection, Node, XCreation, OpId, LostNode}`, plain (`inform_connection_loss/2`).
    static func lostConnection(node: Atom, creation: Term, operation: Term, lost: Atom) -> Term {
        .tuple([.atom("lost_connection"), .atom(node), creation, operation, .atom(lost)])
    }

    /// `{remove_connection, Node}`, plain (`handle_info({lost_connection, ...})`).
    static func removeConnection(node: Atom) -> Term {
        .tuple([.atom("remove_connection"), .atom(node)])
    }

    /// `{N, Vsn}` entries of a known list (`mk_known_list/2`, vsn >= 7).
    static func knownList(_ known: [Atom: Int]) -> [Term] {
        known.sorted { $0.key < $1.key }.map { .tuple([.atom($0.key), .integer($0.value)]) }
    }

    /// `[{vsn, Vsn}, {lock, LockId}]` (`resolved/5`).
    static func extraInfo(version: Int?, lockID: Term?) -> Term {
        .list([
            .tuple([.atom("vsn"), version.map(Term.integer) ?? .undefined]),
            .tuple([.atom("lock"), lockID ?? .undefined]),
        ])
    }

    /// `{set_lock, {ResourceId, LockRequesterId}}`, a multi_call request (`set_lock_on_nodes/2`).
    static func setLock(_ id: GlobalLockID) -> Term { .tuple([.atom("set_lock"), id.term]) }

    /// `{del_lock, Id}`, a multi_call request (`del_lock/2`).
    static func deleteLock(_ id: GlobalLockID) -> Term { .tuple([.atom("del_lock"), id.term]) }

    /// `{register, Name, Pid, Method}`, a multi_call request (`register_name/3`).
    static func register(_ name: Term, _ pid: PID, method: Term) -> Term {
        .tuple([.atom("register"), name, .pid(pid), method])
    }

    /// `{unregister, Name}`, a multi_call request (`unregister_name/1`).
    static func unregister(_ name: Term) -> Term { .tuple([.atom("unregister"), name]) }

    /// `{call, global, resolve_it, [Method, Name, Pid, Pid2], user}` to `rex`: what
    /// `rpc:call(Node2, global, resolve_it, ...)` asks in `exchange_names/4`, in the form `rex`'s
    /// `handle_call({call, ...})` serves.
    static func resolveIt(method: Term, name: Term, pid: PID, pid2: PID) -> Term {
        .tuple([.atom("call"), .atom("global"), .atom("resolve_it"), .list([method, name, .pid(pid), .pid(pid2)]), .atom("user")])
    }
}
