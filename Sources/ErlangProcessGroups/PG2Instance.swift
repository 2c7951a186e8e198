import ErlangTerm

/// The state of the legacy `pg2` server (OTP 23, `kernel/src/pg2.erl`) as a pure value: what
/// `pg2_table` holds, changed by events, each returning the directives the shell carries out.
///
/// Groups may be empty; a pid joined N times to a group is listed N times (`join_group/2`,
/// `group_members/1`); every member, local or remote, is monitored once, however many times it
/// joined (`do_monitor/1`, the `{ref, Pid}` counter).
struct PG2Instance: Sendable {
    /// What the shell does for the instance.
    enum Directive: Sendable, Hashable {
        /// `erlang:monitor(process, Pid)`; a failure counts as the member's DOWN.
        case monitor(PID)
        /// `erlang:demonitor(Ref, [flush])` for the pid's monitor.
        case demonitor(PID)
        /// A plain `Message` to `{pg2, Node}`.
        case send(Term, to: Atom)
        /// `gen_server:cast({pg2, Node}, Request)`.
        case cast(Term, to: Atom)
        /// `gen_server:abcast(nodes(), pg2, Request)`.
        case abcast(Term)
    }

    /// This node's name.
    let me: Atom
    /// `{{group, Name}}` and `{{member, Name, Pid}, N}` rows: each group's members and counts.
    private(set) var groups: [Term: [PID: Int]] = [:]
    /// `{{ref, Pid}, _, _, Total}`: joins across all groups; the pid is monitored while above zero.
    private(set) var joins: [PID: Int] = [:]

    init(me: Atom) {
        self.me = me
    }

    // MARK: Reads (pg2 reads these from its ETS table)

    /// `all_groups/0`, in Erlang term order as the ordered_set lists them.
    var groupNames: [Term] {
        groups.keys.sorted { Term.compare($0, $1) < 0 }
    }

    /// `group_members/1`: each pid as many times as it joined, in pid order; nil without the group.
    func members(_ name: Term) -> [PID]? {
        guard let counts = groups[name] else { return nil }
        return Self.expand(counts)
    }

    /// `local_group_members/1`.
    func localMembers(_ name: Term) -> [PID]? {
        guard let counts = groups[name] else { return nil }
        return Self.expand(counts.filter { $0.key.node == me })
    }

    /// `all_members/0`: `[[Name, Members]]`, what `exchange` carries.
    var allMembers: [(Term, [PID])] {
        groupNames.map { ($0, members($0) ?? []) }
    }

    private static func expand(_ counts: [PID: Int]) -> [PID] {
        counts.keys.sorted { Term.compare(.pid($0), .pid($1)) < 0 }
            .flatMap { Array(repeating: $0, count: counts[$0] ?? 0) }
    }

    // MARK: Events

    /// `handle_info({nodeup, Node})` and `handle_info({new_pg2, Node})`: casts this node's whole
    /// membership to the peer's pg2.
    func exchange(with peer: Atom) -> [Directive] {
        [.cast(PG2Message.exchange(me, allMembers), to: peer)]
    }

    /// `assure_group/1` (`handle_call({create, Name})`).
    mutating func create(_ name: Term) {
        if groups[name] == nil { groups[name] = [:] }
    }

    /// `delete_group/1`: every member leaves (each copy), then the group goes.
    mutating func delete(_ name: Term) -> [Directive] {
        guard let counts = groups[name] else { return [] }
        var directives: [Directive] = []
        for (pid, count) in counts { directives += release(pid, count) }
        groups[name] = nil
        return directives
    }

    /// `handle_call({join, Name, Pid})`: `join_group/2` when the group exists here.
    mutating func join(_ name: Term, _ pid: PID) -> [Directive] {
        guard groups[name] != nil else { return [] }
        groups[name]?[pid, default: 0] += 1
        joins[pid, default: 0] += 1
        return joins[pid] == 1 ? [.monitor(pid)] : []
    }

    /// `handle_call({leave, Name, Pid})`: `leave_group/2` (one copy) when the pid is a member.
    mutating func leave(_ name: Term, _ pid: PID) -> [Directive] {
        guard let count = groups[name]?[pid] else { return [] }
        groups[name]?[pid] = count > 1 ? count - 1 : nil
        return release(pid, 1)
    }

    /// `store/1` for `{exchange, Node, [[Name, Members]]}`: creates each group and joins each pid
    /// of Members not already counted there (`Members -- group_members(Name)`); it only adds.
    mutating func store(_ list: [(Term, [PID])]) -> [Directive] {
        var directives: [Directive] = []
        for (name, incoming) in list {
            create(name)
            var known = members(name) ?? []
            for pid in incoming {
                if let index = known.firstIndex(of: pid) {
                    known.remove(at: index)
                } else {
                    directives += join(name, pid)
                }
            }
        }
        return directives
    }

    /// `member_died/1`: the pid leaves every group (all copies); `{del_member, Name, Pid}` is
    /// still abcast for each group, as pg2 keeps doing for old nodes (which ignore it).
    mutating func down(_ pid: PID) -> [Directive] {
        guard joins[pid] != nil else { return [] }
        let names = groupNames.filter { groups[$0]?[pid] != nil }
        for name in names { groups[name]?[pid] = nil }
        joins[pid] = nil
        return names.map { .abcast(PG2Message.delMember($0, pid)) }
    }

    /// Drops `count` joins of `pid`; the monitor goes with the last one.
    private mutating func release(_ pid: PID, _ count: Int) -> [Directive] {
        let left = (joins[pid] ?? 0) - count
        guard left <= 0 else {
            joins[pid] = left
            return []
        }
        joins[pid] = nil
        return [.demonitor(pid)]
    }
}
