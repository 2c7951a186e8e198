import ErlangTerm

/// A message one scope process sends another, in the shapes `pg.erl` (OTP 25) matches in
/// `handle_info/2` and `handle_cast/2`; anything else makes a BEAM scope crash with `badarg`
/// (membership.md §2.7), so outgoing messages are only ever built here.
enum PeerMessage: Sendable, Hashable {
    /// `{discover, PeerScopePid}`, plain.
    case discover(PID)
    /// `{'$gen_cast', {sync, PeerScopePid, [{Group, [Pid]}]}}`: everything the peer's node has joined.
    case sync(PID, [SyncEntry])
    /// `{join, PeerScopePid, Group, PidOrPids}`, plain.
    case join(PID, group: Term, Members)
    /// `{leave, PeerScopePid, PidOrPids, [Group]}`, plain.
    case leave(PID, Members, groups: [Term])

    /// One group of a sync: the group and its pids (a pid joined twice is listed twice).
    struct SyncEntry: Sendable, Hashable {
        var group: Term
        var pids: [PID]
    }

    /// `PidOrPids`: `pg:join/3` and `pg:leave/3` take one pid or a list, and broadcast what they were given.
    enum Members: Sendable, Hashable {
        /// A single pid.
        case one(PID)
        /// A list of pids.
        case many([PID])

        var pids: [PID] {
            switch self {
            case .one(let pid): return [pid]
            case .many(let pids): return pids
            }
        }

        var term: Term {
            switch self {
            case .one(let pid): return .pid(pid)
            case .many(let pids): return .list(pids.map(Term.pid))
            }
        }

        /// A pid or a proper list of pids; nil for anything else (`pg.erl` would crash on it).
        init?(_ term: Term) {
            if case .pid(let pid) = term {
                self = .one(pid)
            } else if let pids = Self.pids(term) {
                self = .many(pids)
            } else {
                return nil
            }
        }

        static func pids(_ term: Term) -> [PID]? {
            guard let elements = term.listElements else { return nil }
            var pids: [PID] = []
            pids.reserveCapacity(elements.count)
            for element in elements {
                guard case .pid(let pid) = element else { return nil }
                pids.append(pid)
            }
            return pids
        }
    }

    /// The term as `pg.erl` sends it: sync as a gen_server cast (`gen_server:cast/2`), the others plain.
    var term: Term {
        switch self {
        case .discover(let scope):
            return .tuple([.atom("discover"), .pid(scope)])
        case .sync(let scope, let entries):
            let groups = entries.map { Term.tuple([$0.group, .list($0.pids.map(Term.pid))]) }
            return .tuple([.atom("$gen_cast"), .tuple([.atom("sync"), .pid(scope), .list(groups)])])
        case .join(let scope, let group, let members):
            return .tuple([.atom("join"), .pid(scope), group, members.term])
        case .leave(let scope, let members, let groups):
            return .tuple([.atom("leave"), .pid(scope), members.term, .list(groups)])
        }
    }

    /// Reads a peer scope's message; nil for anything that is not one of the four shapes.
    init?(_ term: Term) {
        guard case .tuple(let elements) = term, let tag = elements.first?.atomValue else { return nil }
        switch (tag.name, elements.count) {
        case ("discover", 2):
            guard case .pid(let scope) = elements[1] else { return nil }
            self = .discover(scope)
        case ("join", 4):
            guard case .pid(let scope) = elements[1], let members = Members(elements[3]) else { return nil }
            self = .join(scope, group: elements[2], members)
        case ("leave", 4):
            guard case .pid(let scope) = elements[1], let members = Members(elements[2]),
                  let groups = elements[3].listElements else { return nil }
            self = .leave(scope, members, groups: groups)
        case ("$gen_cast", 2):
            guard let sync = Self.sync(elements[1]) else { return nil }
            self = sync
        default:
            return nil
        }
    }

    private static func sync(_ request: Term) -> PeerMessage? {
        guard case .tuple(let elements) = request, elements.count == 3, elements[0] == .atom("sync"),
              case .pid(let scope) = elements[1], let groups = elements[2].listElements else { return nil }
        var entries: [SyncEntry] = []
        entries.reserveCapacity(groups.count)
        for group in groups {
            guard case .tuple(let pair) = group, pair.count == 2, let pids = Members.pids(pair[1]) else { return nil }
            entries.append(SyncEntry(group: pair[0], pids: pids))
        }
        return .sync(scope, entries)
    }
}
