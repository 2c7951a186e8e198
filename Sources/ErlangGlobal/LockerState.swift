import ErlangTerm

/// The locker's bookkeeping (`global.erl`, `#multi{}` and `#him{}`): the peers waiting to be
/// locked with, the known nodes, the boss. Pure; the shell (``GlobalLocker``) does the calls.
struct LockerState: Sendable, Equatable {
    /// A peer whose locker this one negotiates with (`#him{}`).
    struct Him: Sendable, Equatable {
        var node: Atom
        var locker: PID
        var version: Int
        var myTag: Int
        var hisTag: Term
    }

    /// This node.
    let node: Atom
    /// Requests from nodes on this host (`#multi.local`), chosen first.
    var local: [Him] = []
    /// Other requests (`#multi.remote`).
    var remote: [Him] = []
    /// A copy of the server's known nodes.
    var known: [Atom] = []
    /// `max([node() | known])`.
    var boss: Atom
    /// Whether a sync just succeeded (then the next selection does not wait).
    var justSynced = false

    init(node: Atom) {
        self.node = node
        self.boss = node
    }

    /// `add_node/2`.
    mutating func add(_ him: Him) {
        if Self.host(of: him.node) == Self.host(of: node) { local.insert(him, at: 0) } else { remote.insert(him, at: 0) }
    }

    /// `remove_node/3`: the first entry for `node` with `myTag`.
    mutating func remove(_ peer: Atom, myTag: Int) {
        if let index = local.firstIndex(where: { $0.node == peer && $0.myTag == myTag }) { local.remove(at: index) }
        if let index = remote.firstIndex(where: { $0.node == peer && $0.myTag == myTag }) { remote.remove(at: index) }
    }

    /// `find_node_tag/2`.
    func find(_ peer: Atom) -> Him? {
        local.first { $0.node == peer } ?? remote.first { $0.node == peer }
    }

    /// `update_locker_known/2`.
    mutating func addKnown(_ nodes: [Atom]) {
        known = nodes + known
        boss = ([node] + known).max() ?? node
    }

    /// `update_locker_known/2` for `{remove, Node}`.
    mutating func removeKnown(_ peer: Atom) {
        if let index = known.firstIndex(of: peer) { known.remove(at: index) }
        boss = ([node] + known).max() ?? node
    }

    /// How long `loop_the_locker/1` waits before trying to lock (nil: until a message comes).
    var timeout: Duration? {
        guard !local.isEmpty || !remote.isEmpty else { return nil }
        if justSynced { return .zero }
        if known.isEmpty { return .milliseconds(200) }
        return .milliseconds(min(1000 + 100 * known.count, 3000))
    }

    /// `select_node/1`'s candidates: local requests first, without nodes already known.
    mutating func candidates() -> [Him] {
        if local.isEmpty {
            remote.removeAll { known.contains($0.node) }
            return remote
        }
        local.removeAll { known.contains($0.node) }
        return local
    }

    /// `locker_lock_id/2`: `{global, lists:sort([self(), Pid])}`, the same id on both sides.
    static func lockID(_ mine: PID, _ his: PID) -> GlobalLockID {
        let sorted = Term.compare(.pid(mine), .pid(his)) <= 0 ? [mine, his] : [his, mine]
        return GlobalLockID(resource: GlobalState.globalResource, requester: .list(sorted.map(Term.pid)))
    }

    /// `lock_nodes_safely/3`'s first two stages: the boss alone, then this node and `extra`
    /// without the boss.
    func firstStages(extra: [Atom]) -> (first: [Atom], second: [Atom]) {
        let first = [boss]
        return (first, ([node] + extra).filter { !first.contains($0) })
    }

    /// `lock_nodes_safely/3`'s last stage: the known nodes without the boss locked first.
    func lastStage(first: [Atom]) -> [Atom] {
        known.filter { !first.contains($0) }
    }

    /// `the_boss/1`.
    static func boss(_ nodes: [Atom]) -> Atom? { nodes.max() }

    /// `is_node_local/1`: the host part of a node name.
    static func host(of node: Atom) -> Substring {
        node.name.split(separator: "@", maxSplits: 1).dropFirst().first ?? ""
    }
}
