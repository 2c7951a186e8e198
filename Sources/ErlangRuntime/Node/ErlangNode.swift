import ErlangDistribution
import ErlangEPMD
import ErlangTerm
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// A running Erlang node: registered with EPMD, listening for and opening distribution
/// connections, holding Swift processes with mailboxes and registered names, and answering the
/// kernel services real peers call (`net_kernel`, `rex`).
///
/// ```swift
/// let node = try await ErlangNode.start(.init(name: .long("swift@127.0.0.1")))
/// let process = try node.spawnProcess()
/// try await process.send("hello", to: "shell", at: try NodeName("erl@127.0.0.1"))
/// let reply = await process.receive(timeout: .seconds(5))
/// ```
///
/// It is a swift-service-lifecycle `Service`: ``run()`` keeps it up until graceful shutdown, then
/// closes every connection and ends the EPMD registration. ``shutdown()`` does the same directly.
public final class ErlangNode: Service, Sendable {
    /// The node's name.
    public let name: NodeName
    /// The name as the atom in this node's pids, made once: `NodeName.atom` builds a string, and
    /// sends compare every destination's node with it.
    let atom: Atom
    /// The creation EPMD handed out; part of every pid and reference of this node.
    public let creation: UInt32
    /// The configuration it started with.
    public let configuration: Configuration
    /// The distribution port it listens on.
    public var port: Int { listener.port }

    let endpoint: DistributionEndpoint
    let epmd: EPMDClient
    let logger: Logger
    private let listener: DistributionListener
    let registration: NIOLockedValueBox<EPMDRegistration?>
    let reregistration = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let hub: NodeEventHub

    struct State {
        var processes: ProcessTable
        var monitors = MonitorTable()
        var links = LinkTable()
        var functions = FunctionTable()
        var readers: Set<ObjectIdentifier> = []
        var dialing: [NodeName: Task<DistributionConnection, any Error>] = [:]
        var nextReference: UInt64 = 1
        var routes: [Atom: Route] = [:]
        /// The route the last send took, checked before ``routes``: a pid's node atom usually
        /// shares its storage with the last one's, so comparing them skips hashing the name.
        var lastRoute: (atom: Atom, connection: DistributionConnection)?
        var isShutDown = false
    }

    let state: NIOLockedValueBox<State>

    /// What the node knows of a peer named by a pid's node atom: the parsed name, and the
    /// connection its last send took while that stays up.
    struct Route {
        let peer: NodeName
        var connection: DistributionConnection?
    }

    private init(
        name: NodeName, creation: UInt32, configuration: Configuration, endpoint: DistributionEndpoint, epmd: EPMDClient,
        listener: DistributionListener, registration: EPMDRegistration, hub: NodeEventHub
    ) {
        self.name = name
        self.creation = creation
        self.configuration = configuration
        self.endpoint = endpoint
        self.epmd = epmd
        self.logger = configuration.logger
        self.listener = listener
        self.registration = NIOLockedValueBox(registration)
        self.hub = hub
        self.atom = name.atom
        self.state = NIOLockedValueBox(State(processes: ProcessTable(node: atom, creation: creation)))
    }

    /// Starts a node: resolves the cookie, listens, registers with EPMD (the registration lasts
    /// as long as the node), and starts the kernel services.
    ///
    /// - Throws: ``ErlangNodeError`` for a bad name, a missing cookie, no free port, or an EPMD
    ///   that is not running or already has the name.
    public static func start(_ configuration: Configuration) async throws -> ErlangNode {
        let name = try configuration.nodeName()
        let cookie = try configuration.cookie.resolve()
        let hub = NodeEventHub()
        let endpoint = DistributionEndpoint(configuration: .init(
            name: .name(name), cookie: cookie, hidden: configuration.hidden, setupTime: configuration.setupTime,
            connection: DistributionConnectionConfiguration(
                netTickTime: configuration.netTickTime, readPacing: configuration.readPacing),
            logger: configuration.logger, onEvent: { hub.emit($0) }),
            eventLoopGroup: configuration.eventLoopGroup)
        let listener = try await listen(endpoint, configuration)
        let epmd = EPMDClient(
            configuration: .init(epmdPort: configuration.epmdPort, connectTimeout: configuration.setupTime,
                                 replyTimeout: configuration.setupTime),
            eventLoopGroup: configuration.eventLoopGroup, logger: configuration.logger)
        let registration: EPMDRegistration
        do {
            registration = try await register(name, port: listener.port, with: epmd, configuration)
        } catch {
            await listener.close()
            throw ErlangNodeError(.startFailed, "cannot register \(name.alive) with EPMD: \(error)")
        }
        endpoint.useCreation(registration.creation)
        let node = ErlangNode(
            name: name, creation: registration.creation, configuration: configuration, endpoint: endpoint, epmd: epmd,
            listener: listener, registration: registration, hub: hub)
        node.watchConnections(hub.subscribe())
        node.keepRegistered(registration)
        do {
            try node.startKernelServices()
            for service in configuration.services { try await service(node) }
        } catch {
            await node.shutdown()
            throw ErlangNodeError(.startFailed, "a service did not start: \(error)")
        }
        node.acceptConnections()
        do {
            try await node.syncNodes()
        } catch {
            await node.shutdown()
            throw error
        }
        configuration.logger.info("node started", metadata: ["node": "\(name)", "port": "\(listener.port)"])
        return node
    }

    /// Listens on the first free port of the configured range (`inet_tcp_dist:listen/2`).
    private static func listen(_ endpoint: DistributionEndpoint, _ configuration: Configuration) async throws -> DistributionListener {
        let ports = configuration.listenPorts ?? 0...0
        var lastError: (any Error)?
        for port in ports {
            do {
                return try await endpoint.listen(host: configuration.listenHost, port: port)
            } catch {
                lastError = error
            }
        }
        throw ErlangNodeError(.startFailed, "cannot listen on \(configuration.listenHost) ports \(ports): \(lastError.map { "\($0)" } ?? "")")
    }

    private func acceptConnections() {
        Task { [self] in
            for await connection in listener.connections { startReading(connection) }
        }
    }

    private func watchConnections(_ events: AsyncStream<Event>) {
        Task { [self] in
            for await event in events {
                if case .nodeDown(let peer, _) = event {
                    state.withLockedValue { state in
                        state.routes[peer.atom]?.connection = nil
                        if state.lastRoute?.atom == peer.atom { state.lastRoute = nil }
                    }
                    connectionLost(to: peer)
                    linksLost(to: peer)
                }
            }
        }
    }

    /// Runs until graceful shutdown (or cancellation), then shuts the node down.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes every connection (each peer sees nodedown), ends the EPMD registration and every
    /// process. Safe to call more than once.
    public func shutdown() async {
        let (mailboxes, dialing) = state.withLockedValue { state -> ([Mailbox], [Task<DistributionConnection, any Error>]) in
            guard !state.isShutDown else { return ([], []) }
            state.isShutDown = true
            defer { state.dialing = [:] }
            return (state.processes.removeAll(), Array(state.dialing.values))
        }
        for task in dialing { task.cancel() }
        reregistration.withLockedValue { $0 }?.cancel()
        await registration.withLockedValue { $0 }?.unregister()
        await listener.close()
        await endpoint.shutdown()
        for mailbox in mailboxes { mailbox.close() }
        hub.finish()
        logger.info("node stopped", metadata: ["node": "\(name)"])
    }

    /// Whether ``shutdown()`` has run.
    public var isShutDown: Bool { state.withLockedValue { $0.isShutDown } }

    /// `nodes()`: the visible nodes connected.
    public func nodes() -> [NodeName] {
        endpoint.connections.filter { !$0.isHidden }.map(\.peer).sorted()
    }

    /// `nodes(hidden)`: the hidden nodes connected.
    public func hiddenNodes() -> [NodeName] {
        endpoint.connections.filter(\.isHidden).map(\.peer).sorted()
    }

    /// Node ups and downs from now on, like `net_kernel:monitor_nodes(true, [{node_type, all}])`;
    /// each call gives an independent sequence that ends when the node shuts down.
    public func events() -> AsyncStream<Event> {
        hub.subscribe()
    }

    /// A new reference of this node (`make_ref/0`).
    public func makeReference() -> Reference {
        let number = state.withLockedValue { state in
            defer { state.nextReference += 1 }
            return state.nextReference
        }
        return reference(numbered: number)
    }

    /// The reference with the unique `number` taken from `state.nextReference`.
    func reference(numbered number: UInt64) -> Reference {
        // erl_bif_unique.c: the first word carries 18 bits, the others 32.
        let ids = [UInt32(number & 0x3FFFF), UInt32(truncatingIfNeeded: number >> 18), UInt32.random(in: 0...UInt32.max)]
        return Reference(node: atom, ids: ids, creation: creation)
    }
}
