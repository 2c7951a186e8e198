import ErlangDistribution
import Logging
import NIOCore
import NIOPosix

/// One node's distribution networking: it listens for and opens distribution connections, runs
/// the handshake in either role, and keeps the table of pending and up connections that settles
/// simultaneous connects and replacements the way `net_kernel` does.
///
/// ```swift
/// let endpoint = DistributionEndpoint(configuration: .init(name: .name(try NodeName("swift@127.0.0.1")), cookie: "secret"))
/// let listener = try await endpoint.listen(host: "127.0.0.1", port: 0)
/// let connection = try await endpoint.connect(to: try NodeName("erl@127.0.0.1"), host: "127.0.0.1", port: 9100)
/// try await connection.send(message)
/// for try await message in connection.incoming { ... }
/// ```
///
/// Looking up a node's port in EPMD is not part of this type; ``connect(to:host:port:)`` takes the
/// port.
public final class DistributionEndpoint: Sendable {
    /// How the endpoint presents itself and behaves.
    public struct Configuration: Sendable {
        /// This node's name; a dynamic name (`NAME_ME`) can only connect, not accept.
        public var name: LocalNodeName
        /// The magic cookie. Never logged.
        public var cookie: String
        /// This node's creation (EPMD's answer when registered there); random by default.
        public var creation: UInt32
        /// A hidden node: peers list it in `nodes(hidden)`.
        public var hidden: Bool
        /// The capability flags to advertise (``DistributionFlags/published`` is added unless hidden).
        public var flags: DistributionFlags
        /// The flags a peer must have.
        public var requiredFlags: DistributionFlags
        /// The `send_name` version used when connecting.
        public var nameVersion: HandshakeVersion
        /// `net_setuptime`: the longest a handshake step may take (OTP's default 7 s).
        public var setupTime: Duration
        /// `net_ticktime`, tick intensity and the bounds of connected-state input.
        public var connection: DistributionConnectionConfiguration
        /// Where handshake failures and connections closed on errors are logged.
        public var logger: Logger
        /// Called for node ups and downs, handshake failures and the answers given to incoming attempts.
        public var onEvent: (@Sendable (Event) -> Void)?

        /// Creates a configuration with OTP's defaults.
        public init(
            name: LocalNodeName,
            cookie: String,
            creation: UInt32 = UInt32.random(in: 4...UInt32.max),
            hidden: Bool = false,
            flags: DistributionFlags = .swerlDefault,
            requiredFlags: DistributionFlags = .required,
            nameVersion: HandshakeVersion = .v6,
            setupTime: Duration = .seconds(7),
            connection: DistributionConnectionConfiguration = .init(),
            logger: Logger = Logger(label: "swerl.distribution"),
            onEvent: (@Sendable (Event) -> Void)? = nil
        ) {
            self.name = name
            self.cookie = cookie
            self.creation = creation
            self.hidden = hidden
            self.flags = flags
            self.requiredFlags = requiredFlags
            self.nameVersion = nameVersion
            self.setupTime = setupTime
            self.connection = connection
            self.logger = logger
            self.onEvent = onEvent
        }
    }

    /// Something that happened to the endpoint's connections.
    public enum Event: Sendable {
        /// A connection is up.
        case nodeUp(NodeName, hidden: Bool)
        /// A connection closed, with the error that closed it (nil for a clean close).
        case nodeDown(NodeName, DistributionError?)
        /// A handshake failed; the peer's name if it was known.
        case handshakeFailed(PeerName?, DistributionError)
        /// An incoming attempt was answered (`ok`, `ok_simultaneous`, `nok`, `alive`, ...).
        case accepted(PendingConnection, AcceptDecision)
    }

    let configuration: Configuration
    let group: any EventLoopGroup
    let table: DistributionConnectionTable

    /// Creates an endpoint; nothing is opened until ``listen(host:port:)`` or ``connect(to:host:port:)``.
    public init(configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = eventLoopGroup
        var localName: NodeName?
        if case .name(let name) = configuration.name { localName = name }
        self.table = DistributionConnectionTable(localName: localName)
    }

    /// This node's name: the configured one, or the one a peer assigned when asked.
    public var localName: NodeName? { table.localName }

    /// Uses `creation` (EPMD's answer to the registration) in the handshakes from now on, instead
    /// of the configured one.
    public func useCreation(_ creation: UInt32) {
        table.useCreation(creation)
    }

    /// The connections that are up.
    public var connections: [DistributionConnection] { table.connections }

    /// The connection to `peer`, if one is up.
    public func connection(to peer: NodeName) -> DistributionConnection? { table.connection(to: peer) }

    /// Closes every connection and attempt under way. Listeners are closed by their owners.
    public func shutdown() async {
        let (channels, connections, waiters) = table.removeAll()
        for channel in channels { channel.close(promise: nil) }
        let reason = DistributionError(.connectionShutdown, "the node shut down")
        for connection in connections { await connection.close(reason: reason) }
        for waiter in waiters { waiter.resume(throwing: DistributionError(.connectionShutdown, "the endpoint shut down")) }
    }

    /// `erlang:disconnect_node/1`: closes the connection to `peer` with reason
    /// `disconnected`; false when there was none.
    public func disconnect(_ peer: NodeName) async -> Bool {
        guard let connection = table.connection(to: peer) else { return false }
        await connection.close(reason: DistributionError(.disconnected, "disconnected from \(peer) by this node"))
        return true
    }

    /// The handshake configuration for a new attempt.
    func handshakeConfiguration() -> HandshakeConfiguration {
        var name = configuration.name
        if let assigned = table.localName { name = .name(assigned) }
        return HandshakeConfiguration(
            name: name, creation: table.localCreation ?? configuration.creation, cookie: configuration.cookie, flags: configuration.flags,
            requiredFlags: configuration.requiredFlags, hidden: configuration.hidden, nameVersion: configuration.nameVersion)
    }

    func emit(_ event: Event) {
        configuration.onEvent?(event)
    }
}
