import NIOCore

/// How this node names itself in a handshake.
public enum LocalNodeName: Sendable, Hashable {
    /// A fixed name, `alive@host`.
    case name(NodeName)
    /// No name yet: ask the acceptor for one on this host (``DistributionFlags/nameMe``, OTP 23+;
    /// `erl -sname undefined`). Such connections are always hidden; only initiators can do this.
    case dynamic(host: String)
}

/// What one side of a handshake needs to know about itself.
public struct HandshakeConfiguration: Sendable, Hashable {
    /// This node's name.
    public var name: LocalNodeName
    /// This node's creation (from EPMD's `ALIVE2_X_RESP`, or chosen when there is no EPMD).
    public var creation: UInt32
    /// The magic cookie. Never logged.
    public var cookie: String
    /// The capability flags to advertise, without ``DistributionFlags/published`` and
    /// ``DistributionFlags/nameMe``, which the handshake adds as OTP does (`make_this_flags/6`).
    public var flags: DistributionFlags
    /// The flags a peer must have; a peer lacking some is refused with `not_allowed`.
    public var requiredFlags: DistributionFlags
    /// A hidden node does not set ``DistributionFlags/published``: peers list it in
    /// `nodes(hidden)`, not in `nodes()`.
    public var hidden: Bool
    /// The `send_name` version an initiator uses: `.v6` (OTP 25 only accepts this one before
    /// 25.3) or `.v5` for peers that only understand `'n'`. Acceptors take both.
    public var nameVersion: HandshakeVersion

    /// Creates a configuration with Swerl's flags and the version 6 handshake.
    public init(
        name: LocalNodeName,
        creation: UInt32,
        cookie: String,
        flags: DistributionFlags = .swerlDefault,
        requiredFlags: DistributionFlags = .required,
        hidden: Bool = false,
        nameVersion: HandshakeVersion = .v6
    ) {
        self.name = name
        self.creation = creation
        self.cookie = cookie
        self.flags = flags
        self.requiredFlags = requiredFlags
        self.hidden = hidden
        self.nameVersion = nameVersion
    }
}

/// The name a connecting peer gave.
public enum PeerName: Sendable, Hashable, CustomStringConvertible {
    /// A full node name.
    case name(NodeName)
    /// Only a host: the peer asks us for a dynamic name.
    case dynamic(host: String)

    /// The name, or `host (dynamic)`.
    public var description: String {
        switch self {
        case .name(let name): return name.description
        case .dynamic(let host): return "\(host) (asking for a name)"
        }
    }
}

/// An incoming attempt the acceptor asks the node about (`net_kernel`'s `accept_pending`).
public struct PendingConnection: Sendable, Hashable {
    /// Who connects.
    public var peer: PeerName
    /// The peer's flags as it sent them (for a version 5 peer, only the low 32 bits so far).
    public var flags: DistributionFlags
    /// Whether the peer is hidden (`publish_type/1` of its flags).
    public var isHidden: Bool { !flags.contains(.published) }

    /// Creates the request.
    public init(peer: PeerName, flags: DistributionFlags) {
        self.peer = peer
        self.flags = flags
    }
}

/// The node's answer to ``HandshakeStateMachine/Action/checkSimultaneous(_:)``.
public enum AcceptDecision: Sendable, Hashable {
    /// No other connection to this node: go on (`ok`).
    case ok
    /// We had our own attempt pending and gave it up for this one (`ok_simultaneous`).
    case okSimultaneous
    /// We had our own attempt pending and keep it; this one ends (`nok`).
    case nok
    /// A connection to this node is up; ask the peer whether it is dead (`alive`).
    case alive
    /// The peer asked for a name: this one, with this creation (`named:`).
    case named(NodeName, creation: UInt32)
    /// The node does not accept this peer (`not_allowed`).
    case notAllowed
    /// A replacement for an up connection is already under way: close without a status.
    case alreadyPending

    /// What the node already has for the peer, as `net_kernel`'s `sys_dist` table records it.
    public enum Existing: Sendable, Hashable {
        /// Nothing.
        case none
        /// Our own attempt to connect to the peer is under way.
        case pending
        /// A connection is up.
        case up
        /// A connection is up and a replacement is being accepted.
        case upPending
    }

    /// `net_kernel:handle_info({AcceptPid, {accept_pending, MyNode, Node, Type}})` for a peer with a
    /// static name: with our own attempt pending, the larger name keeps its attempt
    /// (`MyNode > Node` → `nok`, else `ok_simultaneous` and ours is given up).
    public static func rule(local: NodeName, peer: NodeName, existing: Existing) -> AcceptDecision {
        switch existing {
        case .none: return .ok
        case .pending: return local > peer ? .nok : .okSimultaneous
        case .up: return .alive
        case .upPending: return .alreadyPending
        }
    }
}

/// The outcome of a finished handshake.
public struct HandshakeResult: Sendable, Hashable {
    /// Which side we were.
    public var role: HandshakeStateMachine.Role
    /// Our name (assigned by the peer if we asked for a dynamic one).
    public var localName: NodeName
    /// Our creation (assigned by the peer if we asked for a dynamic name).
    public var localCreation: UInt32
    /// The peer's name (assigned by us if it asked for a dynamic one).
    public var peer: NodeName
    /// The peer's creation.
    public var peerCreation: UInt32
    /// The flags the peer advertised, with the OTP 25 digest expanded.
    public var peerFlags: DistributionFlags
    /// The flags both sides use from now on (`dist_util:adjust_flags/2`).
    public var agreedFlags: DistributionFlags
    /// Bytes that arrived behind the last handshake message: the first 4-byte frames.
    public var leftover: ByteBuffer

    /// Creates a result.
    public init(
        role: HandshakeStateMachine.Role, localName: NodeName, localCreation: UInt32, peer: NodeName, peerCreation: UInt32,
        peerFlags: DistributionFlags, agreedFlags: DistributionFlags, leftover: ByteBuffer = ByteBuffer()
    ) {
        self.role = role
        self.localName = localName
        self.localCreation = localCreation
        self.peer = peer
        self.peerCreation = peerCreation
        self.peerFlags = peerFlags
        self.agreedFlags = agreedFlags
        self.leftover = leftover
    }

    /// Whether the connection is hidden: unless both sides set ``DistributionFlags/published``
    /// (`dist_util:publish_type/1` on the agreed flags).
    public var isHidden: Bool { !agreedFlags.contains(.published) }
}
