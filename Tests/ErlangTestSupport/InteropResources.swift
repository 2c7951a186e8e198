import Foundation

/// What one interop test starts, so that tear down stops exactly that, whatever the test did: a
/// private EPMD, the BEAM nodes (`erl` or Elixir) and the test's own clean-ups for what it made on
/// the Swift side (nodes, endpoints, listeners). The interop suites' fixtures keep one each and add
/// only their own helpers.
public final class InteropResources: @unchecked Sendable {
    /// The test's private EPMD.
    public let epmd: DistributionTestEPMD
    /// A fresh cookie for the test's nodes.
    public let cookie = DistributionTestNames.cookie()

    private let lock = NSLock()
    private var beamNodes: [ErlangNodeProcess] = []
    private var cleanUps: [@Sendable () async -> Void] = []

    private init(epmd: DistributionTestEPMD) {
        self.epmd = epmd
    }

    /// Runs `body` with fresh resources and always tears them down; a failure carries the BEAM
    /// nodes' logs (``runTearingDown(erlNodes:tearDown:_:)``).
    public static func run<T: Sendable>(_ body: (InteropResources) async throws -> T) async throws -> T {
        _ = try ErlangInterop.requireErl()
        let resources = InteropResources(epmd: try await DistributionTestEPMD())
        return try await runTearingDown(erlNodes: { resources.startedBEAMNodes }, tearDown: resources.tearDown) {
            try await body(resources)
        }
    }

    /// The BEAM nodes started so far, in order.
    public var startedBEAMNodes: [ErlangNodeProcess] {
        lock.withLock { beamNodes }
    }

    /// Starts a BEAM node registered with this test's EPMD (or `epmd`) and stops it at tear down.
    ///
    /// - Parameters:
    ///   - alive: the node's name before the `@`; `"undefined"` asks the peer for a name (and
    ///     gets no listen port).
    ///   - cookie: the node's cookie (default: the test's).
    public func startBEAM(
        alive: String, cookie: String? = nil, hidden: Bool = false, netTickTime: Int? = nil,
        epmd: DistributionTestEPMD? = nil, arguments: [String] = [], elixir: Bool = false
    ) async throws -> ErlangNodeProcess {
        let node = try await ErlangNodeProcess(
            alive: alive, cookie: cookie ?? self.cookie,
            distributionPort: alive == "undefined" ? nil : try DistributionTestPorts.free(),
            epmdPort: (epmd ?? self.epmd).port, hidden: hidden, netTickTime: netTickTime, arguments: arguments,
            elixir: elixir)
        lock.withLock { beamNodes.append(node) }
        return node
    }

    /// Runs `cleanUp` at tear down, before the BEAM nodes stop; clean-ups run last added first.
    public func onTearDown(_ cleanUp: @escaping @Sendable () async -> Void) {
        lock.withLock { cleanUps.append(cleanUp) }
    }

    private func tearDown() async {
        let (cleanUps, beamNodes) = lock.withLock { (self.cleanUps, self.beamNodes) }
        for cleanUp in cleanUps.reversed() { await cleanUp() }
        for node in beamNodes { node.stop() }
        epmd.stop()
    }
}

/// Polls `value` every 20 ms until it is not nil or `timeout` passes: how interop tests wait for
/// an event (a node listed, a member visible) instead of sleeping a fixed time.
public func poll<T>(timeout: Duration = .seconds(30), _ what: String, _ value: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let found = try await value() { return found }
        guard ContinuousClock.now < deadline else { throw InteropError("no \(what) within \(timeout)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
