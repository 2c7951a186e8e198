import ErlangTerm

/// The terms of `pg2`'s peer protocol (OTP 23, `kernel/src/pg2.erl`): what goes out, and the
/// requests and messages the `pg2` server understands.
enum PG2Message {
    /// `{new_pg2, Node}`, sent plain to `{pg2, N}` by `init/1`.
    static func newPG2(_ node: Atom) -> Term {
        .tuple([.atom("new_pg2"), .atom(node)])
    }

    /// `{exchange, Node, [[Name, Members]]}`, the cast `handle_info({nodeup | new_pg2, N})` sends;
    /// each group is a two-element list, not a tuple.
    static func exchange(_ node: Atom, _ members: [(Term, [PID])]) -> Term {
        .tuple([.atom("exchange"), .atom(node), .list(members.map { .list([$0.0, .list($0.1.map(Term.pid))]) })])
    }

    /// `{del_member, Name, Pid}`, abcast by `member_died/1`.
    static func delMember(_ name: Term, _ pid: PID) -> Term {
        .tuple([.atom("del_member"), name, .pid(pid)])
    }

    /// A `gen_server:multi_call(Nodes, pg2, Request)` request of `create/1`, `delete/1`, `join/2`, `leave/2`.
    enum Request: Sendable, Hashable {
        case create(Term)
        case delete(Term)
        case join(Term, PID)
        case leave(Term, PID)

        /// `{create, Name}`, `{delete, Name}`, `{join, Name, Pid}`, `{leave, Name, Pid}`.
        var term: Term {
            switch self {
            case .create(let name): .tuple([.atom("create"), name])
            case .delete(let name): .tuple([.atom("delete"), name])
            case .join(let name, let pid): .tuple([.atom("join"), name, .pid(pid)])
            case .leave(let name, let pid): .tuple([.atom("leave"), name, .pid(pid)])
            }
        }

        /// Parses a request `handle_call/3` accepts; nil for anything else.
        init?(_ term: Term) {
            guard case .tuple(let elements) = term, let first = elements.first, case .atom(let verb) = first else { return nil }
            switch (verb.name, elements.count) {
            case ("create", 2): self = .create(elements[1])
            case ("delete", 2): self = .delete(elements[1])
            case ("join", 3):
                guard case .pid(let pid) = elements[2] else { return nil }
                self = .join(elements[1], pid)
            case ("leave", 3):
                guard case .pid(let pid) = elements[2] else { return nil }
                self = .leave(elements[1], pid)
            default: return nil
            }
        }
    }

    /// The Erlang list of `{exchange, Node, List}` as `(Name, Members)` pairs; nil when it is
    /// not a proper list of `[Name, Members]` lists. Members that are not pids are skipped
    /// (pg2 would crash monitoring them).
    static func exchangeList(_ cast: Term) -> [(Term, [PID])]? {
        guard case .tuple(let elements) = cast, elements.count == 3, elements[0] == .atom("exchange"),
              case .list(let groups) = elements[2] else { return nil }
        var result: [(Term, [PID])] = []
        for group in groups {
            guard case .list(let pair) = group, pair.count == 2, case .list(let members) = pair[1] else { return nil }
            result.append((pair[0], members.compactMap { if case .pid(let pid) = $0 { pid } else { nil } }))
        }
        return result
    }

    /// `{new_pg2, Node}` or `{nodeup, Node}`: the node to exchange with.
    static func exchangeTrigger(_ message: Term) -> Atom? {
        guard case .tuple(let elements) = message, elements.count == 2,
              elements[0] == .atom("new_pg2") || elements[0] == .atom("nodeup"),
              case .atom(let node) = elements[1] else { return nil }
        return node
    }
}
