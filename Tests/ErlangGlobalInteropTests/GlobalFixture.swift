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
    let resources: InteropResources
    var epmd: DistributionTestEPMD { resources.epmd }
    var cookie: String { resources.cookie }

    private init(_ resources: InteropResources) {
        self.resources = resources
    }

    /// Runs `body` with a fresh fixture and always tears it down.
    static func run<T: Sendable>(_ body: (GlobalFixture) async throws -> T) async throws -> T {
        try await InteropResources.run { try await body(GlobalFixture($0)) }
    }

    /// An `erl` node registered with this fixture's EPMD.
    func startErl(_ prefix: String = "erl", arguments: [String] = []) async throws -> ErlangNodeProcess {
        try await resources.startBEAM(alive: DistributionTestNames.unique(prefix), arguments: arguments)
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
        resources.onTearDown { await node.shutdown() }
        return (node, global)
    }

    /// Fails when any erl node logged a crash or an error (or, unless `warnings` allows them, a
    /// warning, such as global's "received an unexpected message").
    func assertCleanLogs(warnings: Bool = false) throws {
        var markers = ["CRASH REPORT", "ERROR REPORT", "** Generic server", "error_logger", "Kernel pid terminated", "unexpected message"]
        if !warnings { markers.append("WARNING REPORT") }
        for node in resources.startedBEAMNodes {
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

/// The erl text of a pid, as `~w` prints it on the erl node, obtained by sending it there.
func erlList(_ nodes: [String]) -> String {
    "[" + nodes.map { "'\($0)'" }.joined(separator: ",") + "]"
}

/// Erl code for the node of the process registered globally as `name`, or `undefined` (never
/// raising, so it can be polled while the name is briefly gone during a conflict).
func whereNode(_ name: String) -> String {
    "case global:whereis_name(\(name)) of P when is_pid(P) -> node(P); U -> U end"
}
