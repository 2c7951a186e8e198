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

    let resources: InteropResources
    var epmd: DistributionTestEPMD { resources.epmd }
    var cookie: String { resources.cookie }
    let events = NIOLockedValueBox<[DistributionEndpoint.Event]>([])

    private init(_ resources: InteropResources) {
        self.resources = resources
    }

    /// Runs `body` with a fresh fixture and always tears it down.
    static func run<T: Sendable>(_ body: (InteropFixture) async throws -> T) async throws -> T {
        try await InteropResources.run { try await body(InteropFixture($0)) }
    }

    /// Starts an `erl` node registered with this fixture's EPMD (or `epmd`), with a fixed
    /// distribution port; `alive` overrides the unique name made from `prefix`.
    func startErl(
        _ prefix: String = "erl", alive: String? = nil, cookie: String? = nil, hidden: Bool = false, netTickTime: Int? = nil,
        epmd: DistributionTestEPMD? = nil, arguments: [String] = []
    ) async throws -> ErlangNodeProcess {
        try await resources.startBEAM(
            alive: alive ?? DistributionTestNames.unique(prefix), cookie: cookie, hidden: hidden,
            netTickTime: netTickTime, epmd: epmd, arguments: arguments)
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
        resources.onTearDown { await endpoint.shutdown() }
        return endpoint
    }

    /// Listens on a free port and registers the endpoint's name with this fixture's EPMD (and the
    /// `more` ones), so `erl` nodes can connect to it by name.
    func listen(_ endpoint: DistributionEndpoint, hidden: Bool = false, alsoAt more: [DistributionTestEPMD] = []) async throws -> DistributionListener {
        let listener = try await endpoint.listen(host: "127.0.0.1", port: 0)
        resources.onTearDown { await listener.close() }
        for epmd in [epmd] + more {
            try epmd.register(name: endpoint.localName!.alive, port: listener.port, hidden: hidden)
        }
        return listener
    }

    /// Another private EPMD, stopped with the fixture.
    func anotherEPMD() async throws -> DistributionTestEPMD {
        let epmd = try await DistributionTestEPMD()
        resources.onTearDown { epmd.stop() }
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

/// A pid of the Swift side of `connection`, made up for a test (the runtime allocates real ones).
func madeUpPID(_ connection: DistributionConnection, id: UInt32 = 1) -> PID {
    PID(node: connection.handshake.localName.atom, id: id, serial: 0, creation: connection.handshake.localCreation)
}
