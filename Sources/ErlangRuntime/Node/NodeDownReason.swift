import ErlangDistribution
import ErlangTerm

/// Why a connection to a node went down, as `net_kernel:monitor_nodes(true, [nodedown_reason])`
/// reports it in `{nodedown, Node, #{nodedown_reason => Reason}}`.
///
/// OTP's reason is the exit reason of the connection's controller (dist_util.erl, `con_loop/2`;
/// net_kernel.erl, `do_disconnect/3`): `connection_closed` when the socket closed,
/// `net_tick_timeout` when the peer stayed silent for `net_ticktime`, `disconnect` when this node
/// called `erlang:disconnect_node/1`, `net_kernel_terminated` when distribution stopped here.
/// ``error`` keeps the ``DistributionError`` behind it, when there was one.
public struct NodeDownReason: Sendable, Hashable, CustomStringConvertible {
    /// OTP's reasons.
    public enum Kind: String, Sendable, Hashable {
        /// `connection_closed`: the peer closed the connection, or it failed (bad input too).
        case connectionClosed = "connection_closed"
        /// `net_tick_timeout`: nothing came from the peer for `net_ticktime`.
        case netTickTimeout = "net_tick_timeout"
        /// `disconnect`: this node disconnected it (``ErlangNode/disconnect(_:)``).
        case disconnect = "disconnect"
        /// `net_kernel_terminated`: this node shut down.
        case netKernelTerminated = "net_kernel_terminated"
        /// `connection_setup_failed`: the connection came up but could not be installed
        /// (dist_util.erl, `connection/1`). A Swerl node reports a node up only once the
        /// connection is installed, so it never reports this one; it is here for completeness.
        case connectionSetupFailed = "connection_setup_failed"
    }

    /// The reason.
    public let kind: Kind
    /// The error that closed the connection, nil for a clean close by the peer.
    public let error: DistributionError?

    /// The reason for a connection closed by `error` (nil: the peer closed it).
    ///
    /// OTP's kernel has no reason for a connection dropped on bad input (ERTS kills the
    /// controller); Swerl reports `connection_closed` with the error attached.
    public init(_ error: DistributionError?) {
        self.error = error
        switch error?.code {
        case .peerUnresponsive?: kind = .netTickTimeout
        case .disconnected?: kind = .disconnect
        case .connectionShutdown?: kind = .netKernelTerminated
        default: kind = .connectionClosed
        }
    }

    /// The reason as OTP gives it, an atom.
    public var term: Term { .atom(Atom(kind.rawValue)) }

    /// OTP's atom, and the error when there is one.
    public var description: String {
        error.map { "\(kind.rawValue) (\($0))" } ?? kind.rawValue
    }
}
