import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// What one pg interop test starts: a private EPMD, BEAM nodes running `pg` (erl or Elixir) and
/// Swift nodes with a scope. Tear down stops exactly these; ``checkLogs()`` asserts that no BEAM
/// node logged a crash or an error.
final class PGFixture: Sendable {
    let resources: InteropResources
    var epmd: DistributionTestEPMD { resources.epmd }
    var cookie: String { resources.cookie }

    private init(_ resources: InteropResources) {
        self.resources = resources
    }

    /// Runs `body` with a fresh fixture, checks the BEAM logs, and always tears it down.
    static func run<T: Sendable>(_ body: (PGFixture) async throws -> T) async throws -> T {
        try await InteropResources.run { resources in
            let fixture = PGFixture(resources)
            let result = try await body(fixture)
            fixture.checkLogs()
            return result
        }
    }

    /// No BEAM node of this test logged a crash report or an error.
    func checkLogs() {
        for node in resources.startedBEAMNodes {
            #expect(node.errorReports.isEmpty, "\(node.name) logged: \(node.errorReports.joined(separator: "\n"))")
        }
    }

    /// A BEAM node running the default `pg` scope (`-kernel start_pg true`), erl or Elixir.
    func startBEAM(_ prefix: String, elixir: Bool = false, hidden: Bool = false, netTickTime: Int? = nil) async throws -> ErlangNodeProcess {
        try await resources.startBEAM(
            alive: DistributionTestNames.unique(prefix), hidden: hidden, netTickTime: netTickTime,
            arguments: ["-kernel", "start_pg", "true", "-start_epmd", "false"], elixir: elixir)
    }

    /// Shuts `node` down with the fixture.
    func track(_ node: ErlangNode) {
        resources.onTearDown { await node.shutdown() }
    }

    /// A Swift node with a `pg` scope started with it; `connect` nodes are tried at start (sync_nodes_optional).
    func startSwift(
        _ prefix: String = "swift", hidden: Bool = false, connect: [ErlangNodeProcess] = [], scope: Atom = "pg"
    ) async throws -> (ErlangNode, ProcessGroups) {
        var logger = Logger(label: "swerl.pg-interop")
        logger.logLevel = .notice
        let started = NIOLockedValueBox<ProcessGroups?>(nil)
        let node = try await ErlangNode.start(.init(
            name: .long(DistributionTestNames.unique(prefix) + "@127.0.0.1"), cookie: .explicit(cookie),
            epmdPort: epmd.port, listenHost: "127.0.0.1", hidden: hidden, logger: logger,
            services: [ProcessGroups.service(scope: scope) { groups in started.withLockedValue { $0 = groups } }],
            syncNodesMandatory: try connect.map { try NodeName($0.name) }, syncNodesTimeout: .seconds(30)))
        track(node)
        guard let groups = started.withLockedValue({ $0 }) else { throw InteropError("the pg service did not start") }
        return (node, groups)
    }
}

/// Polls until `condition` holds.
func waitUntil(timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool) async throws {
    _ = try await poll(timeout: timeout, what) { try await condition() ? true : nil }
}

extension ErlangNodeProcess {
    /// How many members of `group` this node lists on `node` (`pg:get_members/1`).
    func memberCount(_ group: String, on node: String) async throws -> Int {
        Int(try await eval("length([P || P <- pg:get_members(\(group)), node(P) =:= '\(node)'])")) ?? -1
    }

    /// Spawns a process registered as `name` that joins `group` and waits for `stop`.
    func spawnMember(_ name: String, joining group: String) async throws {
        _ = try await eval("P = spawn(fun() -> receive stop -> ok end end), register(\(name), P), pg:join(\(group), P)")
    }
}

extension ProcessGroups {
    /// How many members of `group` this scope lists on `node`.
    func memberCount(_ group: Term, on node: String) -> Int {
        members(group).filter { $0.node.name == node }.count
    }
}

/// Answers `{From, Msg}` with `{self(), Msg}`, as `swerl node`'s echo processes do.
func echo(_ process: ErlangProcess) async {
    for await message in process.mailbox {
        guard case .tuple(let elements) = message, elements.count == 2, case .pid(let from) = elements[0] else { continue }
        try? await process.send(.tuple([.pid(process.pid), elements[1]]), to: from)
    }
}
