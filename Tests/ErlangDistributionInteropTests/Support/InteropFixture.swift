import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Logging
import NIOConcurrencyHelpers

/// What one interop test starts: a private EPMD, `erl` nodes, Swift endpoints and listeners. Tear
/// down stops exactly these, whatever the test did.
final class InteropFixture: Sendable {
    /// The capability flags the Swift nodes advertise in these tests.
    ///
    /// Swerl's full set: distribution headers with the atom cache, and fragments.
    static let flags = DistributionFlags.swerlDefault

    let epmd: DistributionTestEPMD
    let cookie = DistributionTestNames.cookie()
    private let nodes = NIOLockedValueBox<[ErlangNodeProcess]>([])
    private let endpoints = NIOLockedValueBox<[DistributionEndpoint]>([])
    private let listeners = NIOLockedValueBox<[DistributionListener]>([])
    let events = NIOLockedValueBox<[DistributionEndpoint.Event]>([])
    private let moreEPMDs = NIOLockedValueBox<[DistributionTestEPMD]>([])

    private init(epmd: DistributionTestEPMD) {
        self.epmd = epmd
    }

    /// Runs `body` with a fresh fixture and always tears it down.
    static func run<T: Sendable>(_ body: (InteropFixture) async throws -> T) async throws -> T {
        _ = try ErlangInterop.requireErl()
        let fixture = InteropFixture(epmd: try await DistributionTestEPMD())
        return try await runTearingDown(
            erlNodes: { fixture.nodes.withLockedValue { $0 } },
            tearDown: fixture.tearDown,
            { try await body(fixture) }
        )
    }

    private func tearDown() async {
        for listener in listeners.withLockedValue({ $0 }) { await listener.close() }
        for endpoint in endpoints.withLockedValue({ $0 }) { await endpoint.shutdown() }
        for node in nodes.withLockedValue({ $0 }) { node.stop() }
        for epmd in moreEPMDs.withLockedValue({ $0 }) { epmd.stop() }
        epmd.stop()
    }

    /// Starts an `erl` node registered with this fixture's EPMD (or `epmd`), with a fixed
    /// distribution port; `alive` overrides the unique name made from `prefix`.
    func startErl(
        _ prefix: String = "erl", alive: String? = nil, cookie: String? = nil, hidden: Bool = false, netTickTime: Int? = nil,
        epmd: DistributionTestEPMD? = nil, arguments: [String] = []
    ) async throws -> ErlangNodeProcess {
        let node = try await ErlangNodeProcess(
            alive: alive ?? DistributionTestNames.unique(prefix), cookie: cookie ?? self.cookie,
            distributionPort: alive == "undefined" ? nil : try DistributionTestPorts.free(),
            epmdPort: (epmd ?? self.epmd).port, hidden: hidden, netTickTime: netTickTime, arguments: arguments)
        nodes.withLockedValue { $0.append(node) }
        return node
    }

    /// A Swift endpoint named `<prefix>_...@127.0.0.1` (or as given) with this fixture's cookie.
    func endpoint(
        _ prefix: String = "swift", name: LocalNodeName? = nil, cookie: String? = nil, hidden: Bool = false,
        netTickTime: Duration = .seconds(60), nameVersion: HandshakeVersion = .v6
    ) throws -> DistributionEndpoint {
        var logger = Logger(label: "swerl.interop")
        logger.logLevel = .debug
        let events = self.events
        let configuration = DistributionEndpoint.Configuration(
            name: try name ?? .name(NodeName(alive: DistributionTestNames.unique(prefix), host: "127.0.0.1")),
            cookie: cookie ?? self.cookie, hidden: hidden, flags: Self.flags, nameVersion: nameVersion,
            connection: DistributionConnectionConfiguration(netTickTime: netTickTime),
            logger: logger, onEvent: { event in events.withLockedValue { $0.append(event) } })
        let endpoint = DistributionEndpoint(configuration: configuration)
        endpoints.withLockedValue { $0.append(endpoint) }
        return endpoint
    }

    /// Listens on a free port and registers the endpoint's name with this fixture's EPMD (and the
    /// `more` ones), so `erl` nodes can connect to it by name.
    func listen(_ endpoint: DistributionEndpoint, hidden: Bool = false, alsoAt more: [DistributionTestEPMD] = []) async throws -> DistributionListener {
        let listener = try await endpoint.listen(host: "127.0.0.1", port: 0)
        listeners.withLockedValue { $0.append(listener) }
        for epmd in [epmd] + more {
            try epmd.register(name: endpoint.localName!.alive, port: listener.port, hidden: hidden)
        }
        return listener
    }

    /// Another private EPMD, stopped with the fixture.
    func anotherEPMD() async throws -> DistributionTestEPMD {
        let epmd = try await DistributionTestEPMD()
        moreEPMDs.withLockedValue { $0.append(epmd) }
        return epmd
    }

    /// Connects a Swift endpoint to an `erl` node at its fixed port.
    func connect(_ endpoint: DistributionEndpoint, to node: ErlangNodeProcess) async throws -> DistributionConnection {
        try await endpoint.connect(to: NodeName(node.name), host: "127.0.0.1", port: node.distributionPort!)
    }

    func recordedEvents() -> [DistributionEndpoint.Event] { events.withLockedValue { $0 } }
}

/// Reads a connection's incoming messages on a task and keeps them for the test to look at.
final class MessageCollector: Sendable {
    let messages = NIOLockedValueBox<[DistributionMessage]>([])
    let ended = NIOLockedValueBox<Result<Void, any Error>?>(nil)

    init(_ connection: DistributionConnection) {
        Task { [messages, ended] in
            do {
                for try await message in connection.incoming { messages.withLockedValue { $0.append(message) } }
                ended.withLockedValue { $0 = .success(()) }
            } catch {
                ended.withLockedValue { $0 = .failure(error) }
            }
        }
    }

    /// Waits for a message whose payload satisfies `matches`.
    func waitFor(timeout: Duration = .seconds(30), _ matches: @Sendable (Term) -> Bool) async throws -> DistributionMessage {
        try await poll(timeout: timeout, "a matching message") {
            messages.withLockedValue { $0.first { $0.payload.map(matches) ?? false } }
        }
    }

    /// Waits until the connection's message stream ended; returns how.
    func waitForEnd(timeout: Duration = .seconds(30)) async throws -> Result<Void, any Error> {
        try await poll(timeout: timeout, "the end of the connection") { ended.withLockedValue { $0 } }
    }
}

/// Polls `value` every 20 ms until it is not nil or `timeout` passes.
func poll<T>(timeout: Duration = .seconds(30), _ what: String, _ value: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let found = try await value() { return found }
        guard ContinuousClock.now < deadline else { throw InteropError("no \(what) within \(timeout)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A pid of the Swift side of `connection`, made up for a test (the runtime allocates real ones).
func madeUpPID(_ connection: DistributionConnection, id: UInt32 = 1) -> PID {
    PID(node: connection.handshake.localName.atom, id: id, serial: 0, creation: connection.handshake.localCreation)
}
