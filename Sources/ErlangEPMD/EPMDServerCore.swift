import NIOCore

/// Something the daemon did or refused, for the process hosting it to log. Never carries
/// request payloads beyond node names and ports.
public enum EPMDServerEvent: Hashable, Sendable {
    /// A node registered.
    case registered(name: String, port: UInt16, creation: UInt32, connection: EPMDConnectionID)
    /// A node's registration ended.
    case unregistered(name: String, connection: EPMDConnectionID, reason: UnregistrationReason)
    /// A request got no reply (epmd's silent refusals).
    case refused(EPMDRegistry.Refusal, request: EPMDRequest.Kind, connection: EPMDConnectionID, peer: String)
    /// Bad bytes or a broken connection; the connection was closed.
    case badInput(EPMDError, connection: EPMDConnectionID, peer: String)
    /// A connection arrived while the daemon served its maximum; it was closed at once.
    case connectionLimitReached(peer: String, limit: Int)
    /// A connection sent no complete request within the packet timeout; it was closed.
    case idleTimeout(connection: EPMDConnectionID, peer: String)
    /// KILL_REQ was accepted: the daemon stops.
    case killed

    /// Why a registration ended.
    public enum UnregistrationReason: Hashable, Sendable {
        /// The registration connection closed (the node stopped, or closed it on purpose).
        case connectionClosed
        /// The node sent bytes on its registration connection, which epmd treats as goodbye.
        case dataOnRegistrationConnection
        /// STOP_REQ unregistered it.
        case stopRequest
    }
}

/// The shared part of a daemon: the registry, the table of open connections and the
/// packet-timeout sweep, confined to one event loop that carries the listening channels and
/// every accepted connection (epmd is single-threaded too; a two-loop variant sharing the
/// registry behind a lock served no more lookups on a two-core machine). Each accepted channel
/// gets the handler from ``addHandlers(to:)``.
public final class EPMDServerCore: Sendable {
    /// How the daemon behaves.
    public struct Configuration: Hashable, Sendable {
        /// The registry's configuration (port for NAMES/DUMP, relaxed command check).
        public var registry: EPMDRegistry.Configuration
        /// The most connections served at once, registrations included; further ones are
        /// closed at once. Bounds the daemon's memory together with the frame limit.
        public var maximumConnections: Int
        /// How long a connection may take to send its request (epmd's `-packet_timeout`, 60 s).
        public var packetTimeout: TimeAmount

        /// Creates a configuration.
        public init(registry: EPMDRegistry.Configuration, maximumConnections: Int = 1024, packetTimeout: TimeAmount = .seconds(60)) {
            self.registry = registry
            self.maximumConnections = max(1, maximumConnections)
            self.packetTimeout = packetTimeout
        }
    }

    /// The loop every channel of this daemon runs on.
    public let eventLoop: any EventLoop
    let configuration: Configuration
    let clock: @Sendable () -> UInt32
    let onEvent: @Sendable (EPMDServerEvent) -> Void
    private let state: NIOLoopBoundBox<State>

    /// Creates the core of a daemon.
    ///
    /// - Parameters:
    ///   - clock: the Unix time in seconds, which seeds creations.
    ///   - onEvent: called on `eventLoop` for every ``EPMDServerEvent``; on
    ///     ``EPMDServerEvent/killed`` the host closes the listeners and connections.
    public init(
        configuration: Configuration,
        eventLoop: any EventLoop,
        clock: @escaping @Sendable () -> UInt32,
        onEvent: @escaping @Sendable (EPMDServerEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.clock = clock
        self.onEvent = onEvent
        self.state = NIOLoopBoundBox.makeBoxSendingValue(State(configuration: configuration), eventLoop: eventLoop)
    }

    /// Adds the ``EPMDServerHandler`` for one accepted connection. Call on `eventLoop`.
    public func addHandlers(to pipeline: ChannelPipeline.SynchronousOperations) throws {
        try pipeline.addHandler(EPMDServerHandler(core: self))
    }

    /// Sets the port NAMES and DUMP report, once the listener is bound.
    public func setEPMDPort(_ port: UInt32) {
        eventLoop.execute { self.state.value.registry.configuration.epmdPort = port }
    }

    /// The registered nodes, most recent first.
    public func registeredNodes() -> EventLoopFuture<[EPMDRegistry.Node]> {
        eventLoop.submit { self.state.value.registry.registeredNodes }
    }

    /// The number of open connections.
    public func connectionCount() -> EventLoopFuture<Int> {
        eventLoop.submit { self.state.value.count }
    }

    /// Closes every connection (registrations included); for shutting the daemon down.
    public func closeAllConnections() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            let channels = self.state.value.slots.compactMap { $0?.channel }
            let closes = channels.map { channel -> EventLoopFuture<Void> in
                channel.close().recover { _ in }
            }
            return EventLoopFuture.andAllComplete(closes, on: self.eventLoop)
        }
    }
}

// MARK: - Used by the handler, on the loop

extension EPMDServerCore {
    /// One open connection. The table is indexed by connection number, so opening and closing
    /// cost no hashing; a single sweep, not a timer per connection, enforces the packet timeout.
    struct Slot {
        let handler: EPMDServerHandler
        let channel: any Channel
        let openedAt: NIODeadline
    }

    final class State {
        var registry: EPMDRegistry
        var slots: [Slot?]
        var count = 0
        var ids: ConnectionNumbers
        var sweep: RepeatedTask?

        init(configuration: Configuration) {
            registry = EPMDRegistry(configuration: configuration.registry)
            slots = Array(repeating: nil, count: configuration.maximumConnections)
            ids = ConnectionNumbers(capacity: configuration.maximumConnections)
        }
    }

    /// Takes a connection number, or `nil` when the daemon is full.
    func open(_ channel: any Channel, handler: EPMDServerHandler) -> EPMDConnectionID? {
        let state = self.state.value
        guard let index = state.ids.take() else { return nil }
        let id = connectionID(index)
        state.slots[index] = Slot(handler: handler, channel: channel, openedAt: eventLoop.now)
        state.count += 1
        if state.sweep == nil { startSweeping(state) }
        return id
    }

    /// Releases a connection; returns the node whose registration it held, if any.
    func close(_ id: EPMDConnectionID) -> EPMDRegistry.Node? {
        let state = self.state.value
        guard let index = localIndex(id), state.slots[index] != nil else { return nil }
        state.slots[index] = nil
        state.count -= 1
        state.ids.release(index)
        return state.registry.connectionClosed(id)
    }

    func receive(_ request: EPMDRequest, from peer: EPMDRegistry.Peer) -> EPMDRegistry.Action {
        state.value.registry.receive(request, from: peer, now: clock())
    }

    func node(on id: EPMDConnectionID) -> EPMDRegistry.Node? {
        state.value.registry.node(on: id)
    }

    /// Closes another connection (a STOP_REQ's target).
    func closeConnection(_ id: EPMDConnectionID) {
        guard let index = localIndex(id) else { return }
        state.value.slots[index]?.channel.close(promise: nil)
    }

    // Connection numbers start at 1; slot i holds number i + 1.
    private func connectionID(_ index: Int) -> EPMDConnectionID {
        EPMDConnectionID(Int32(index + 1))
    }

    private func localIndex(_ id: EPMDConnectionID) -> Int? {
        let index = Int(id.rawValue) - 1
        return (0..<configuration.maximumConnections).contains(index) ? index : nil
    }

    func kill() {
        onEvent(.killed)
    }

    // The sweep runs while connections are open and stops by itself when none are.
    private func startSweeping(_ state: State) {
        let timeout = configuration.packetTimeout.nanoseconds
        let interval = TimeAmount.nanoseconds(max(10_000_000, min(1_000_000_000, timeout / 4)))
        state.sweep = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] task in
            let state = self.state.value
            guard state.count > 0 else {
                task.cancel()
                state.sweep = nil
                return
            }
            let now = eventLoop.now
            for case let slot? in state.slots where slot.openedAt + configuration.packetTimeout <= now {
                slot.handler.packetTimeoutExpired(channel: slot.channel)
            }
        }
    }
}

/// Connection numbers: the lowest free one first, as file descriptors are, within a capacity.
struct ConnectionNumbers {
    private var inUse: [Bool]
    private var lowestCandidate = 0

    init(capacity: Int) {
        inUse = Array(repeating: false, count: capacity)
    }

    mutating func take() -> Int? {
        var index = lowestCandidate
        while index < inUse.count, inUse[index] { index += 1 }
        guard index < inUse.count else { return nil }
        inUse[index] = true
        lowestCandidate = index + 1
        return index
    }

    mutating func release(_ index: Int) {
        guard inUse.indices.contains(index) else { return }
        inUse[index] = false
        lowestCandidate = min(lowestCandidate, index)
    }
}
