import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The cluster part of the walkthrough: on Swerl's own EPMD (a private port), two Elixir nodes
/// (or, without Erlang, two Swift nodes) and a Swift node share the `pg` group `process_group`.
extension DemoCommand {
    static let group = Term.atom("process_group")

    static func showCluster(erl: String?) async throws {
        var quiet = Logger(label: "swerl.demo.epmd")
        quiet.logLevel = .critical
        let server = try await EPMDServer.start(configuration: .init(port: 0, addresses: ["127.0.0.1"]), logger: quiet)
        print("Swerl's own EPMD listens on 127.0.0.1:\(server.port), a private port (the machine's 4369 is left alone).")
        let cookie = "swerl_demo_" + UUID().uuidString.prefix(8)
        let suffix = String(ProcessInfo.processInfo.processIdentifier)
        do {
            if erl != nil, let elixir = executable(named: "elixir") {
                try await ElixirWalkthrough(elixir: elixir, epmdPort: server.port, cookie: cookie, suffix: suffix).run()
            } else {
                print("Without Elixir and Erlang (or with --swift-only): the same walkthrough with Swift nodes only.")
                try await SwiftWalkthrough(epmdPort: server.port, cookie: cookie, suffix: suffix).run()
            }
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
        print("Cleaned up: every node the demo started is stopped, and its EPMD is closed.")
    }

    /// A Swift node of the demo with a `pg` scope started with it; quiet logs.
    static func startSwiftNode(
        _ alive: String, epmdPort: Int, cookie: String, connect: [NodeName] = []
    ) async throws -> (ErlangNode, ProcessGroups) {
        var logger = Logger(label: "swerl.demo")
        logger.logLevel = .critical
        let started = NIOLockedValueBox<ProcessGroups?>(nil)
        let node = try await ErlangNode.start(.init(
            name: .long(alive + "@127.0.0.1"), cookie: .explicit(cookie), epmdPort: epmdPort, listenHost: "127.0.0.1",
            logger: logger, services: [ProcessGroups.service { groups in started.withLockedValue { $0 = groups } }],
            syncNodesMandatory: connect, syncNodesTimeout: connect.isEmpty ? nil : .seconds(30)))
        guard let groups = started.withLockedValue({ $0 }) else { throw DemoError("the pg scope did not start") }
        return (node, groups)
    }

    /// Prints a scope's view of `process_group`, one member per line with its node.
    static func printMembers(seenFrom label: String, _ groups: ProcessGroups) {
        let members = groups.members(group).sorted { ($0.node.name, $0.id) < ($1.node.name, $1.id) }
        print("swift(\(label))> pg.members(.atom(\"process_group\"))   // \(members.count) members")
        for pid in members { print("  \(pid) on \(pid.node.name)") }
    }

    /// Waits until `condition` holds, for at most 30 s.
    static func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw DemoError("\(what) did not happen within 30 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Prints what `swerl names` would show for the demo's EPMD.
    static func printNames(epmdPort: Int) async throws {
        let names = try await EPMDClient(configuration: .init(epmdPort: epmdPort)).names(host: "127.0.0.1")
        print("What `swerl names` shows for that EPMD:")
        for node in names.nodes.sorted(by: { $0.name < $1.name }) { print("  name \(node.name) at port \(node.port)") }
    }
}

/// A step of the demo that did not work out.
struct DemoError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
