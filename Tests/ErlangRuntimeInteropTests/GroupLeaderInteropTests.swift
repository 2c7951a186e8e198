import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// erl's `group_leader(GL, SwiftPid)` sends `GROUP_LEADER`: the Swift process's group leader
    /// becomes GL. One for an exited Swift process is ignored and the connection stays up.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlSetsTheGroupLeaderOfASwiftProcess() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            let gone = try swift.spawnProcess()
            #expect(process.groupLeader == nil)
            try await process.send(.tuple([.atom("pids"), .pid(process.pid), .pid(gone.pid)]), to: "swerl_test", at: erlNode)
            #expect(try await erl.eval("receive {pids, P, G} -> put(p, P), put(g, G), ok after 10000 -> timeout end") == "ok")
            gone.exit()
            #expect(try await erl.eval("group_leader(group_leader(), get(g))") == "true")
            #expect(try await erl.eval("group_leader(group_leader(), get(p))") == "true")
            let leader = try await poll("the group leader") { process.groupLeader }
            #expect(leader.node == erlNode.atom)
            try await process.send(.tuple([.atom("gl"), .pid(leader)]), to: "swerl_test", at: erlNode)
            #expect(try await erl.eval("receive {gl, L} -> L =:= group_leader() after 10000 -> timeout end") == "true")
            #expect(gone.groupLeader == nil)
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
        }
    }
}
