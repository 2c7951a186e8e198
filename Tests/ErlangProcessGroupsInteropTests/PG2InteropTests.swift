import ErlangDistribution
@testable import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

/// Legacy pg2 between Swift nodes inside a cluster whose BEAM node (OTP 25, no pg2) runs
/// `global` and takes the same `{{pg2, Name}, Pid}` locks; a stand-in `pg2` on the BEAM node
/// answers the multi_calls as OTP 23's does and records what reaches it.
@Suite struct PG2InteropTests {
    private let g: Term = .atom("g")

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func membershipLocksExitsNodeDownAndLateNodes() async throws {
        try await PGFixture.run { fixture in
            let erl = try await fixture.startBEAM("erl")
            try await erl.startPG2Recorder()
            let (first, firstPG2) = try await fixture.startSwiftPG2("pga")
            let (second, secondPG2) = try await fixture.startSwiftPG2("pgb")
            try await first.connect(to: try NodeName(erl.name))
            try await second.connect(to: try NodeName(erl.name))
            try await waitUntil("global meshed the Swift nodes") { first.nodes().contains(second.name) }
            try await firstPG2.global.sync()
            #expect(try await erl.eval("global:sync()") == "ok")

            // create and join run as multi_calls: done on every node when they return.
            try await firstPG2.create(g)
            let memberA = try first.spawnProcess()
            try await firstPG2.join(g, memberA.pid)
            #expect(try secondPG2.getMembers(g) == [memberA.pid])
            #expect(try secondPG2.getLocalMembers(g) == [])
            #expect(try firstPG2.getLocalMembers(g) == [memberA.pid])
            #expect(try secondPG2.getClosestPid(g) == memberA.pid)
            #expect(secondPG2.whichGroups() == [g])
            #expect(throws: PG2Error.self) { try secondPG2.getMembers(.atom("nope")) }

            // A BEAM process holds {{pg2, g}, Holder} on every node: the Swift join waits for it.
            #expect(try await erl.eval("""
                Self = self(), register(pg2_holder, spawn(fun() -> true = global:set_lock({{pg2, g}, self()}),
                pg2 ! lock_taken, Self ! locked, receive release -> pg2 ! lock_released,
                true = global:del_lock({{pg2, g}, self()}) end end)),
                receive locked -> ok after 30000 -> timeout end
                """) == "ok")
            let memberB = try second.spawnProcess()
            let join = Task { try await secondPG2.join(g, memberB.pid) }
            try await waitUntil("the Swift join waits for the lock") { secondPG2.lockWaits.withLockedValue { $0 } == 1 }
            #expect(try firstPG2.getMembers(g) == [memberA.pid])
            _ = try await erl.eval("pg2_holder ! release")
            try await join.value
            #expect(Set(try firstPG2.getMembers(g)) == [memberA.pid, memberB.pid])
            #expect(try await erl.pg2Events(keeping: ["lock_taken", "lock_released", "{call,join}"])
                == "[{call,join},lock_taken,lock_released,{call,join}]")

            // A member that exits leaves on every node (each node's own monitor).
            memberB.exit()
            try await waitUntil("memberB gone on the first node") { (try? firstPG2.getMembers(g)) == [memberA.pid] }

            // A node that comes later learns the membership through exchange.
            let (third, thirdPG2) = try await fixture.startSwiftPG2("pgc")
            try await third.connect(to: try NodeName(erl.name))
            try await waitUntil("the third node got g by exchange") { (try? thirdPG2.getMembers(g)) == [memberA.pid] }

            // leave, then a node shutdown: its members go everywhere, the group stays.
            let extra = try third.spawnProcess()
            try await thirdPG2.join(g, extra.pid)
            try await thirdPG2.leave(g, extra.pid)
            #expect(try secondPG2.getMembers(g) == [memberA.pid])
            await first.shutdown()
            try await waitUntil("the first node's member gone") {
                (try? secondPG2.getMembers(g)) == [] && (try? thirdPG2.getMembers(g)) == []
            }
            try await thirdPG2.delete(g)
            #expect(secondPG2.whichGroups() == [])
            #expect(try await erl.pg2Events(keeping: ["{call,create}", "{call,leave}", "{call,delete}"])
                == "[{call,create},{call,leave},{call,delete}]")
            #expect(try await erl.pg2Events(keeping: ["{cast,exchange}"]).hasPrefix("[{cast,exchange},{cast,exchange}"))
            #expect(try await erl.pg2Events(keeping: ["{call,bad}", "{cast,bad}"]) == "[]")
            // memberB's exit, seen by both nodes that had it (memberA's may still be on their way).
            try await waitUntil("two del_member casts on erl") {
                try await erl.pg2Events(keeping: ["{cast,del_member}"]).hasPrefix("[{cast,del_member},{cast,del_member}")
            }
        }
    }

    /// An OTP 25 node without any pg2 in the cluster: its new_pg2 and exchange messages are
    /// dropped, its multi_call monitor says noproc, and the changes still complete on the Swift
    /// nodes; the BEAM node logs nothing.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aBEAMNodeWithoutPG2IsSkipped() async throws {
        try await PGFixture.run { fixture in
            let erl = try await fixture.startBEAM("erl")
            let (first, firstPG2) = try await fixture.startSwiftPG2("pga")
            try await first.connect(to: try NodeName(erl.name))
            let (second, secondPG2) = try await fixture.startSwiftPG2("pgb")
            try await second.connect(to: try NodeName(erl.name))
            try await waitUntil("global meshed the Swift nodes") { first.nodes().contains(second.name) }
            try await secondPG2.global.sync()
            try await secondPG2.create(g)
            let member = try second.spawnProcess()
            try await secondPG2.join(g, member.pid)
            #expect(try firstPG2.getMembers(g) == [member.pid])
            #expect(try await erl.eval("whereis(pg2)") == "undefined")
        }
    }
}
