import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Foundation
import Testing

/// `swerl node --join-pg2` as a user runs it, in a cluster with a BEAM node running `global`.
@Suite struct SwerlPG2InteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlNodeJoinPG2IsSeenByAnotherPG2NodeAndEchoes() async throws {
        try await PGFixture.run { fixture in
            let erl = try await fixture.startBEAM("erl")
            try await erl.startPG2Recorder()
            let me = DistributionTestNames.unique("swerl_pg2") + "@127.0.0.1"
            let swerl = try SwerlProcess(
                ["node", "--name", me, "--setcookie", fixture.cookie, "--connect", erl.name, "--join-pg2", "legacy", "--json"],
                epmdPort: fixture.epmd.port)
            defer { swerl.kill() }
            try await swerl.waitForLine { $0.contains("\"event\":\"started\"") }
            // swerl's join multi_call reached the BEAM node's stand-in pg2.
            try await erl.waitFor("lists:member({call,join}, (fun() -> pg2 ! {get, self()}, receive {events, E} -> E end end)())", toBe: "true")

            // It was connected when pg2 started: init/1's {new_pg2, Node}, then an exchange.
            let events = try await erl.pg2Events(keeping: ["{new_pg2,'\(me)'}", "{cast,exchange}", "{call,create}", "{call,join}"])
            // A node-up seen after start may add a second exchange; pg2.erl's store/1 merges an
            // exchange with `Members -- group_members(Name)`, so a repeat changes nothing.
            var merged = events
            while merged.contains("{cast,exchange},{cast,exchange}") {
                merged = merged.replacingOccurrences(of: "{cast,exchange},{cast,exchange}", with: "{cast,exchange}")
            }
            #expect(merged == "[{new_pg2,'\(me)'},{cast,exchange},{call,create},{call,join}]", "pg2 saw \(events)")

            let (node, pg2) = try await fixture.startSwiftPG2("pg2_peer")
            try await node.connect(to: try NodeName(erl.name))
            let member = try await poll("the swerl node's pg2 member, by exchange") {
                (try? pg2.getMembers(.atom("legacy")))?.first { $0.node.name == me }
            }
            let caller = try node.spawnProcess()
            try await caller.send(.tuple([.pid(caller.pid), .atom("ping")]), to: member)
            let reply = await caller.receive(timeout: .seconds(20))
            #expect(reply == .tuple([.pid(member), .atom("ping")]))

            swerl.kill()
            try await waitUntil("the swerl node's member gone") { (try? pg2.getMembers(.atom("legacy"))) == [] }
        }
    }
}
