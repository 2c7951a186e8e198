import ErlangTerm

/// A change of a group's members, what `pg` tells a subscriber of `monitor_scope/1` or
/// `monitor/2` as `{Ref, join | leave, Group, Pids}` (`pg.erl`, `notify_group/5`).
public struct MembershipChange: Sendable, Hashable, CustomStringConvertible {
    /// Whether the pids joined or left.
    public enum Kind: String, Sendable, Hashable {
        /// The pids joined the group.
        case join
        /// The pids left the group.
        case leave
    }

    /// Whether the pids joined or left.
    public var kind: Kind
    /// The group.
    public var group: Term
    /// The pids that joined or left (a pid joined twice is listed twice).
    public var pids: [PID]

    /// Creates a change.
    public init(_ kind: Kind, group: Term, pids: [PID]) {
        self.kind = kind
        self.group = group
        self.pids = pids
    }

    /// `join g1 [<a.1.0>]`.
    public var description: String { "\(kind.rawValue) \(group) \(pids)" }
}
