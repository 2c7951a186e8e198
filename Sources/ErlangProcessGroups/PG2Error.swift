import ErlangTerm

/// An error of the ``PG2`` API: pg2's `{error, Reason}` results, typed.
public struct PG2Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// `{no_such_group, Name}`: the group does not exist on this node.
        case noSuchGroup
        /// `{no_process, Name}`: `get_closest_pid/1` found the group empty.
        case noProcess
        /// The `pg2` server could not start (the name is taken, or the node is down).
        case startFailed
    }

    /// The kind of error.
    public let code: Code
    /// The group it is about (`[]` for ``Code/startFailed``).
    public let name: Term

    /// The reason as pg2 returns it: `{no_such_group, Name}` or `{no_process, Name}`.
    public var reason: Term {
        switch code {
        case .noSuchGroup: .tuple([.atom("no_such_group"), name])
        case .noProcess: .tuple([.atom("no_process"), name])
        case .startFailed: .atom("start_failed")
        }
    }

    /// `{error, Reason}`.
    public var term: Term { .tuple([.atom(.error), reason]) }

    /// The reason, printed as Erlang prints it.
    public var description: String { "pg2: \(reason)" }

    init(_ code: Code, _ name: Term = .list([])) {
        self.code = code
        self.name = name
    }
}
