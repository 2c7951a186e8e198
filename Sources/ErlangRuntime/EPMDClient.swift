import ErlangEPMD
import Foundation
import Logging
import NIOCore
import NIOPosix

/// Talks to an EPMD daemon (Swerl's or Erlang's), as `erl_epmd.erl` does: registers a node and
/// keeps the registration, looks nodes up, lists names. Every call has a connect timeout and a
/// reply timeout, so none hangs; failures are ``EPMDError``s with a code that says which
/// (``EPMDError/Code/epmdNotRunning``, ``EPMDError/Code/nameInUse``,
/// ``EPMDError/Code/unknownNode``, ``EPMDError/Code/timeout``, …).
public struct EPMDClient: Sendable {
    /// Where the daemon is and how long to wait for it.
    public struct Configuration: Sendable {
        /// The daemon's TCP port: `ERL_EPMD_PORT` when set, else 4369.
        public var epmdPort: Int
        /// `erl -erl_epmd_port P`: every node listens on this port, so lookups skip EPMD and
        /// answer it at once. `nil` (the default) asks EPMD.
        public var fixedNodePort: Int?
        /// The longest wait for a connection.
        public var connectTimeout: Duration
        /// The longest wait for a complete reply (`erl_epmd` waits 10 s).
        public var replyTimeout: Duration
        /// The most bytes a NAMES or DUMP reply may take.
        public var maximumTextLength: Int

        /// Creates a configuration; `epmdPort` defaults to `ERL_EPMD_PORT` from `environment`,
        /// else 4369.
        public init(
            epmdPort: Int? = nil,
            fixedNodePort: Int? = nil,
            connectTimeout: Duration = .seconds(5),
            replyTimeout: Duration = .seconds(10),
            maximumTextLength: Int = 1 << 20,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.epmdPort = epmdPort ?? Self.epmdPort(environment: environment)
            self.fixedNodePort = fixedNodePort
            self.connectTimeout = connectTimeout
            self.replyTimeout = replyTimeout
            self.maximumTextLength = maximumTextLength
        }

        /// The EPMD port an OTP node would use: `ERL_EPMD_PORT` when it holds a port number, else 4369.
        public static func epmdPort(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
            guard let text = environment["ERL_EPMD_PORT"], let port = Int(text), (0...65535).contains(port) else {
                return 4369
            }
            return port
        }
    }

    /// Where the daemon is and how long to wait for it.
    public var configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client.
    public init(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "swerl.epmd.client")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }
}

// MARK: - The requests

extension EPMDClient {
    /// Registers `name` (the alive name, before `@`) with the daemon on this host, over
    /// 127.0.0.1 as OTP does. The registration lasts as long as the returned object's connection:
    /// keep it for the node's lifetime; dropping it or calling
    /// ``EPMDRegistration/unregister()`` unregisters.
    ///
    /// Throws ``EPMDError/Code/nameInUse`` when the daemon refuses (name already registered).
    public func register(
        name: String,
        port: UInt16,
        nodeType: EPMDNodeType = .normal,
        highestVersion: UInt16 = 6,
        lowestVersion: UInt16 = 5,
        extra: [UInt8] = [],
        host: String = "127.0.0.1"
    ) async throws -> EPMDRegistration {
        try Self.validateAliveName(name, maximumCharacters: 255)
        let node = EPMDNodeRecord(
            name: name, port: port, nodeType: nodeType, highestVersion: highestVersion,
            lowestVersion: lowestVersion, extra: extra)
        let (response, channel) = try await exchange(.alive2(.init(node: node)), host: host)
        guard case .alive2(let reply) = response else {
            channel.close(promise: nil)
            throw EPMDError(.malformedResponse, "ALIVE2 got a reply of another kind")
        }
        guard reply.isSuccess else {
            throw EPMDError(.nameInUse, "EPMD at \(host):\(configuration.epmdPort) refused \(name) (result \(reply.result)): the name is already registered")
        }
        logger.debug("registered with EPMD", metadata: ["name": "\(name)", "port": "\(port)", "creation": "\(reply.creation)"])
        return EPMDRegistration(name: name, port: port, creation: reply.creation, format: reply.format, channel: channel)
    }

    /// Looks up the node `name` (alive name, or a full `name@host` whose host is then used) at
    /// `host`'s daemon. With ``Configuration/fixedNodePort`` set, answers that port without asking.
    ///
    /// Throws ``EPMDError/Code/unknownNode`` when no such node is registered.
    public func portPlease(name: String, host: String) async throws -> EPMDNodeRecord {
        let (alive, nodeHost) = Self.split(nodeName: name)
        let host = nodeHost ?? host
        try Self.validateAliveName(alive, maximumCharacters: 254)
        if let fixed = configuration.fixedNodePort {
            return EPMDNodeRecord(name: alive, port: UInt16(truncatingIfNeeded: fixed))
        }
        let (response, _) = try await exchange(.portPlease2(.init(name: alive)), host: host)
        switch response {
        case .port2(.found(let node)):
            return node
        case .port2(.notFound):
            throw EPMDError(.unknownNode, "no node \(alive) is registered with EPMD at \(host):\(configuration.epmdPort)")
        default:
            throw EPMDError(.malformedResponse, "PORT_PLEASE2 got a reply of another kind")
        }
    }

    /// Looks up a full node name `name@host` at its host's daemon.
    public func portPlease(node: String) async throws -> EPMDNodeRecord {
        let (_, host) = Self.split(nodeName: node)
        guard let host else { throw EPMDError(.invalidName, "\(node) is not a node name of the form name@host") }
        return try await portPlease(name: node, host: host)
    }

    /// Lists the nodes registered at `host`'s daemon (NAMES_REQ), with the port the daemon says
    /// it listens on.
    public func names(host: String = "localhost") async throws -> EPMDResponse.Names {
        guard case .names(let names) = try await exchange(.names, host: host).0 else {
            throw EPMDError(.malformedResponse, "NAMES got a reply of another kind")
        }
        return names
    }

    /// Dumps `host`'s daemon's registered and remembered names (DUMP_REQ, local daemons only).
    public func dump(host: String = "localhost") async throws -> EPMDResponse.Dump {
        guard case .dump(let dump) = try await exchange(.dump, host: host).0 else {
            throw EPMDError(.malformedResponse, "DUMP got a reply of another kind")
        }
        return dump
    }

    /// Asks the daemon to stop (KILL_REQ). Throws ``EPMDError/Code/refused`` when it answers `NO`
    /// (nodes are registered and it runs without the relaxed command check).
    public func kill(host: String = "localhost") async throws {
        guard case .kill(let reply) = try await exchange(.kill, host: host).0 else {
            throw EPMDError(.malformedResponse, "KILL got a reply of another kind")
        }
        guard reply.accepted else {
            throw EPMDError(.refused, "EPMD refused KILL: nodes are registered and it has no relaxed command check")
        }
    }

    /// Asks the daemon to unregister `name` (STOP_REQ; obeyed only with the relaxed command
    /// check, ignored by a silent close otherwise). Returns whether the name was registered.
    public func stop(name: String, host: String = "localhost") async throws -> Bool {
        guard case .stop(let reply) = try await exchange(.stop(.init(name: name)), host: host).0 else {
            throw EPMDError(.malformedResponse, "STOP got a reply of another kind")
        }
        return reply.nodeExisted
    }

    /// Sends any request and returns the raw reply; the connection is closed afterwards unless
    /// it now holds a registration (then it is returned for the caller to keep or close).
    public func send(_ request: EPMDRequest, host: String) async throws -> (EPMDResponse, (any Channel)?) {
        let (response, channel) = try await exchange(request, host: host)
        if case .alive2(let reply) = response, reply.isSuccess { return (response, channel) }
        return (response, nil)
    }
}

// MARK: - Plumbing

extension EPMDClient {
    private func exchange(_ request: EPMDRequest, host: String) async throws -> (EPMDResponse, any Channel) {
        let loop = eventLoopGroup.next()
        let promise = loop.makePromise(of: EPMDResponse.self)
        let replyTimeout = TimeAmount(configuration.replyTimeout)
        let maximumTextLength = configuration.maximumTextLength
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try EPMDClientHandler.addHandlers(
                        to: channel.pipeline.syncOperations, request: request, replyTimeout: replyTimeout,
                        maximumTextLength: maximumTextLength, promise: promise)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: configuration.epmdPort).get()
        } catch {
            let failure = mapConnectError(error, host: host)
            promise.fail(failure)
            throw failure
        }
        return (try await promise.futureResult.get(), channel)
    }

    private func mapConnectError(_ error: any Error, host: String) -> EPMDError {
        let place = "\(host):\(configuration.epmdPort)"
        if let error = error as? ChannelError, case .connectTimeout = error {
            return EPMDError(.timeout, "no connection to EPMD at \(place) within \(configuration.connectTimeout)")
        }
        return EPMDError(.epmdNotRunning, "cannot connect to EPMD at \(place) (is it running?): \(error)")
    }

    /// Splits `name@host` into its parts (no `@`: the whole is the alive name).
    static func split(nodeName: String) -> (alive: String, host: String?) {
        guard let at = nodeName.firstIndex(of: "@") else { return (nodeName, nil) }
        return (String(nodeName[..<at]), String(nodeName[nodeName.index(after: at)...]))
    }

    static func validateAliveName(_ name: String, maximumCharacters: Int) throws {
        guard !name.isEmpty else { throw EPMDError(.invalidName, "an empty node name") }
        guard !name.utf8.contains(0) else { throw EPMDError(.invalidName, "a node name with a NUL byte") }
        guard !name.contains("@") else { throw EPMDError(.invalidName, "\(name): an alive name has no @") }
        guard name.unicodeScalars.count <= maximumCharacters else {
            throw EPMDError(.invalidName, "a node name of more than \(maximumCharacters) characters")
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
