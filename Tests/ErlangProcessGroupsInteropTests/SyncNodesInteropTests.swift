import ErlangDistribution
import ErlangRuntime
import ErlangTestSupport
import Logging
import Testing

/// `sync_nodes_mandatory`, `sync_nodes_optional` and `sync_nodes_timeout` at a node's start.
@Suite struct SyncNodesInteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func mandatoryNodesMustConnectOptionalOnesMayNot() async throws {
        try await PGFixture.run { fixture in
            let a = try await fixture.startBEAM("erl_a")
            let missing = try NodeName("nobody_\(DistributionTestNames.unique("x"))@127.0.0.1")
            let peer = try NodeName(a.name)
            func configuration(mandatory: [NodeName], optional: [NodeName]) -> ErlangNode.Configuration {
                var quiet = Logger(label: "swerl.sync-nodes")
                quiet.logLevel = .critical
                return .init(name: .long(DistributionTestNames.unique("sync") + "@127.0.0.1"), cookie: .explicit(fixture.cookie),
                      epmdPort: fixture.epmd.port, listenHost: "127.0.0.1", logger: quiet,
                      syncNodesMandatory: mandatory, syncNodesOptional: optional, syncNodesTimeout: .seconds(2))
            }
            let node = try await ErlangNode.start(configuration(mandatory: [peer], optional: [missing]))
            #expect(node.nodes() == [peer])
            await node.shutdown()
            await #expect(throws: ErlangNodeError.self) {
                let failed = try await ErlangNode.start(configuration(mandatory: [peer, missing], optional: []))
                await failed.shutdown()
            }
        }
    }
}
