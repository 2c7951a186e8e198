import ErlangEPMD
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// An epmd-compatible daemon: `swerl epmd`, or embedded in a Swift process so that Swift nodes
/// can form a cluster on a machine without Erlang. It serves ALIVE2, PORT_PLEASE2, NAMES, DUMP,
/// KILL and STOP with epmd's semantics and answers byte for byte as epmd does (see
/// ``EPMDRegistry``). As a `Service` it runs until graceful shutdown or an accepted KILL_REQ.
///
/// A started daemon runs until ``shutdown()`` (or KILL_REQ), whether or not its object is kept.
public final class EPMDServer: Service, Sendable {
    /// Where to listen and how to behave.
    public struct Configuration: Sendable {
        /// The TCP port: `ERL_EPMD_PORT` when set, else 4369; 0 picks a free port (see ``EPMDServer/port``).
        public var port: Int
        /// The addresses to listen on. Empty (the default): every interface, IPv4 and IPv6, as
        /// epmd does. Otherwise these, plus the loopback addresses when missing (epmd's `-address`).
        public var addresses: [String]
        /// epmd's `-relaxed_command_check` (or `ERL_EPMD_RELAXED_COMMAND_CHECK`): obey KILL with
        /// nodes registered, and STOP.
        public var relaxedCommandCheck: Bool
        /// The most connections at once, registrations included.
        public var maximumConnections: Int
        /// How long a connection may take to send its request (epmd's `-packet_timeout`).
        public var packetTimeout: Duration

        /// Creates a configuration; unset values come from `environment` as for epmd.
        public init(
            port: Int? = nil,
            addresses: [String] = [],
            relaxedCommandCheck: Bool? = nil,
            maximumConnections: Int = 1024,
            packetTimeout: Duration = .seconds(60),
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.port = port ?? EPMDClient.Configuration.epmdPort(environment: environment)
            self.addresses = addresses
            self.relaxedCommandCheck = relaxedCommandCheck ?? (environment["ERL_EPMD_RELAXED_COMMAND_CHECK"] != nil)
            self.maximumConnections = maximumConnections
            self.packetTimeout = packetTimeout
        }
    }

    /// The port the daemon listens on.
    public let port: Int
    /// The addresses it listens on.
    public let boundAddresses: [SocketAddress]
    private let core: EPMDServerCore
    private let listeners: [any Channel]
    private let stopped: EventLoopPromise<Void>
    private let isShuttingDown = NIOLockedValueBox(false)
    private let killSwitch: NIOLockedValueBox<EPMDServer?>
    private let logger: Logger

    private init(
        port: Int, listeners: [any Channel], core: EPMDServerCore, killSwitch: NIOLockedValueBox<EPMDServer?>, logger: Logger
    ) {
        self.port = port
        self.listeners = listeners
        self.boundAddresses = listeners.compactMap(\.localAddress)
        self.core = core
        self.stopped = core.eventLoop.makePromise()
        self.killSwitch = killSwitch
        self.logger = logger
    }

    /// Starts listening and returns the running daemon.
    public static func start(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "swerl.epmd")
    ) async throws -> EPMDServer {
        let loop = eventLoopGroup.next()
        let eventLogger = EPMDEventLogger(logger: logger, eventLoop: loop)
        // KILL_REQ stops the daemon, which exists only once the listeners are bound.
        let server = NIOLockedValueBox<EPMDServer?>(nil)
        let core = EPMDServerCore(
            configuration: .init(
                registry: .init(epmdPort: UInt32(configuration.port), relaxedCommandCheck: configuration.relaxedCommandCheck),
                maximumConnections: configuration.maximumConnections,
                packetTimeout: TimeAmount(configuration.packetTimeout)),
            eventLoop: loop,
            clock: { UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)) },
            onEvent: { event in
                eventLogger.log(event)
                if event == .killed, let running = server.withLockedValue({ $0 }) {
                    Task { await running.shutdown() }
                }
            })
        let (port, listeners) = try await bind(configuration: configuration, core: core, logger: logger)
        core.setEPMDPort(UInt32(port))
        let addresses = listeners.compactMap { $0.localAddress.map { "\($0)" } }.joined(separator: ", ")
        logger.info("EPMD listening", metadata: ["port": "\(port)", "addresses": "\(addresses)"])
        let running = EPMDServer(port: port, listeners: listeners, core: core, killSwitch: server, logger: logger)
        server.withLockedValue { $0 = running }
        return running
    }

    /// Starts an embedded daemon when none answers on this host at `configuration.port`; returns
    /// `nil` when one already answers (or another process won the race to bind the port).
    public static func startIfNoneAnswers(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "swerl.epmd")
    ) async throws -> EPMDServer? {
        let client = EPMDClient(
            configuration: .init(epmdPort: configuration.port, connectTimeout: .seconds(2), replyTimeout: .seconds(5)),
            eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            _ = try await client.names(host: "127.0.0.1")
            return nil
        } catch let error as EPMDError where error.code == .epmdNotRunning {
            do {
                return try await start(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                logger.debug("another EPMD took the port first", metadata: ["port": "\(configuration.port)"])
                return nil
            }
        }
    }

    /// Runs until graceful shutdown (then stops the daemon) or until the daemon stops (KILL_REQ
    /// or ``shutdown()``).
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await stopped.futureResult.get()
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
    }

    /// Stops listening and closes every connection; registered nodes lose their registration.
    public func shutdown() async {
        let first = isShuttingDown.withLockedValue { done in
            defer { done = true }
            return !done
        }
        guard first else {
            try? await stopped.futureResult.get()
            return
        }
        for listener in listeners {
            try? await listener.close()
        }
        try? await core.closeAllConnections().get()
        logger.info("EPMD stopped", metadata: ["port": "\(port)"])
        killSwitch.withLockedValue { $0 = nil }
        stopped.succeed(())
    }

    /// The registered nodes, most recently registered first.
    public func registeredNodes() async throws -> [EPMDRegistry.Node] {
        try await core.registeredNodes().get()
    }

    /// The number of open connections, registrations included.
    public func connectionCount() async throws -> Int {
        try await core.connectionCount().get()
    }
}

// MARK: - Binding

extension EPMDServer {
    private static func bind(configuration: Configuration, core: EPMDServerCore, logger: Logger) async throws -> (Int, [any Channel]) {
        var port = configuration.port
        var listeners: [any Channel] = []
        do {
            for (index, address) in listenAddresses(configuration.addresses).enumerated() {
                do {
                    let listener = try await listen(on: address.host, port: port, core: core)
                    if index == 0, let bound = listener.localAddress?.port { port = bound }
                    listeners.append(listener)
                } catch where address.optional {
                    // An implicit IPv6 address on a host without IPv6.
                    logger.debug("not listening on \(address.host): \(error)")
                }
            }
        } catch {
            for listener in listeners { try? await listener.close() }
            throw error
        }
        return (port, listeners)
    }

    // epmd listens on 0.0.0.0 and [::] by default; with -address, on those plus loopback.
    private static func listenAddresses(_ addresses: [String]) -> [(host: String, optional: Bool)] {
        guard !addresses.isEmpty else { return [("0.0.0.0", false), ("::", true)] }
        var result = addresses.map { (host: $0, optional: false) }
        if !addresses.contains("127.0.0.1") { result.append(("127.0.0.1", false)) }
        if !addresses.contains("::1") { result.append(("::1", true)) }
        return result
    }

    private static func listen(on host: String, port: Int, core: EPMDServerCore) async throws -> any Channel {
        let address = try SocketAddress(ipAddress: host, port: port)
        var bootstrap = ServerBootstrap(group: core.eventLoop)
            .serverChannelOption(.backlog, value: 511)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try core.addHandlers(to: channel.pipeline.syncOperations)
                }
            }
        if case .v6 = address {
            // Both families on one port: the IPv6 socket must leave IPv4 to the other one.
            bootstrap = bootstrap.serverChannelOption(
                ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        return try await bootstrap.bind(to: address).get()
    }
}
