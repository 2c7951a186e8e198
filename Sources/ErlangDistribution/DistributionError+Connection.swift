extension DistributionError.Code {
    /// A node name that `erl` would not accept (`net_kernel:create_name/3`, `dist_util:is_name_ok/2`).
    public static let badNodeName = Self("badNodeName")
    /// A handshake message that is malformed, unknown, or not the one the handshake expects now.
    public static let handshakeProtocolViolation = Self("handshakeProtocolViolation")
    /// The peer's digest did not match our cookie, or the peer closed the connection right after
    /// our challenge reply, which is how OTP refuses a wrong cookie (`dist_util:recv_challenge_reply/3`).
    public static let badCookie = Self("badCookie")
    /// The peer lacks capability flags we require (`dist_util:check_dflags/2`); the detail names them.
    public static let missingFlags = Self("missingFlags")
    /// The acceptor answered `not_allowed`, or we refused a peer with it.
    public static let notAllowed = Self("notAllowed")
    /// Both nodes connected at once and the other attempt won (status `nok`, `net_kernel` accept_pending).
    public static let simultaneousConnect = Self("simultaneousConnect")
    /// The peer already has a connection with this node name and the old one is still ours
    /// (status `alive` answered `false`), or a second attempt for a node already being replaced.
    public static let duplicateConnection = Self("duplicateConnection")
    /// The challenge named another node than the one we connected to, or a dynamic name for another host.
    public static let unexpectedNodeName = Self("unexpectedNodeName")
    /// The handshake made no progress within `net_setuptime` (7 s by default).
    public static let handshakeTimeout = Self("handshakeTimeout")
    /// The connection closed before the handshake finished, or while connected.
    public static let connectionClosed = Self("connectionClosed")
    /// Nothing was received from the peer for `net_ticktime` ("Node ... not responding").
    public static let peerUnresponsive = Self("peerUnresponsive")
    /// The connection was shut down locally or replaced by a newer one for the same node.
    public static let connectionShutdown = Self("connectionShutdown")
    /// This node closed the connection on request (`erlang:disconnect_node/1`, which has
    /// `net_kernel` kill the connection with reason `disconnect`; net_kernel.erl, `do_disconnect/3`).
    public static let disconnected = Self("disconnected")
}
