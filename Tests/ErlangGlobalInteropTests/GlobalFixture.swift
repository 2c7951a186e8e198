import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers

/// What one global interop test starts: a private EPMD, `erl` nodes (their logger output
/// captured) and Swift nodes running `global`. Tear down stops exactly these.
final class GlobalFixture: Sendable {
    let epmd: DistributionTestEPMD
    let cookie = DistributionTestNames.cookie()
    private let erlNodes = NIOLockedValueBox<[ErlangNodeProcess]>([])
    private let swiftNodes = NIOLockedValueBox<[ErlangNode]>([])

    private init(epmd: DistributionTestEPMD) {
        self.epmd = epmd
    }

    /// Runs `body` with a fresh fixture and always tears it down.
    static func run<T: Sendable>(_ body: (GlobalFixture) async throws -> T) async throws -> T {
        _ = try ErlangInterop.requireErl()
        let fixture = GlobalFixture(epmd: try await DistributionTestEPMD())
        return try await runTearingDown(
            erlNodes: { fixture.erlNodes.withLockedValue { $0 } },
            tearDown: fixture.tearDown,
            { try await body(fixture) }
        )
    }

    private func tearDown() async {
        for node in swiftNodes.withLockedValue({ $0 }) { await node.shutdown() }
        for node in erlNodes.withLockedValue({ $0 }) { node.stop() }
        epmd.stop()
    }

    /// An `erl` node registered with this fixture's EPMD.
    func startErl(_ prefix: String = "erl", arguments: [String] = []) async throws -> ErlangNodeProcess {
        let node = try await ErlangNodeProcess(
            alive: DistributionTestNames.unique(prefix), cookie: cookie,
            distributionPort: try DistributionTestPorts.free(), epmdPort: epmd.port, arguments: arguments)
        erlNodes.withLockedValue { $0.append(node) }
        return node
    }

    /// `count` erl nodes connected to each other, global in sync on each.
    func startErlCluster(_ count: Int, prefix: String = "erl") async throws -> [ErlangNodeProcess] {
        var nodes: [ErlangNodeProcess] = []
        for _ in 0..<count { nodes.append(try await startErl(prefix)) }
        for other in nodes.dropFirst() {
            try expectConnectedResult(try await nodes[0].eval("net_kernel:connect_node('\(other.name)')"))
        }
        for node in nodes { _ = try await node.eval("global:sync()", timeout: .seconds(60)) }
        return nodes
    }

    /// A Swift node `<prefix>_...@127.0.0.1` running `global`.
    func startSwift(_ prefix: String = "swift", hidden: Bool = false) async throws -> (node: ErlangNode, global: Global) {
        var logger = Logger(label: "swerl.global-interop")
        logger.logLevel = ProcessInfo.processInfo.environment["GLOBAL_DEBUG"] == "1" ? .debug : .info
        let global = Global()
        let node = try await ErlangNode.start(.init(
            name: .long(DistributionTestNames.unique(prefix) + "@127.0.0.1"), cookie: .explicit(cookie),
            epmdPort: epmd.port, listenHost: "127.0.0.1", hidden: hidden, logger: logger, services: [global.service]))
        swiftNodes.withLockedValue { $0.append(node) }
        return (node, global)
    }

    /// Fails when any erl node logged a crash or an error (or, unless `warnings` allows them, a
    /// warning, such as global's "received an unexpected message").
    func assertCleanLogs(warnings: Bool = false) throws {
        var markers = ["CRASH REPORT", "ERROR REPORT", "** Generic server", "error_logger", "Kernel pid terminated", "unexpected message"]
        if !warnings { markers.append("WARNING REPORT") }
        for node in erlNodes.withLockedValue({ $0 }) {
            let log = node.log
            for marker in markers where log.contains(marker) {
                throw InteropError("\(node.name) logged \(marker):\n\(log)")
            }
        }
    }
}

/// Expects `true` from a connect.
func expectConnectedResult(_ value: String) throws {
    guard value == "true" else { throw InteropError("connect_node gave \(value)") }
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

/// The erl text of a pid, as `~w` prints it on the erl node, obtained by sending it there.
func erlList(_ nodes: [String]) -> String {
    "[" + nodes.map { "'\($0)'" }.joined(separator: ",") + "]"
}
