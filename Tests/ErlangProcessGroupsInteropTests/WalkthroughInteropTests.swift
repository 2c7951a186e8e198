import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

private let group = Term.atom("process_group")

/// The walkthrough against two real Elixir nodes: a Swift node shares `process_group`.
@Suite struct WalkthroughInteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func twoElixirNodesAndASwiftNodeShareAGroup() async throws {
        try await PGFixture.run { fixture in
            let a = try await fixture.startBEAM("iex_a", elixir: true)
            let b = try await fixture.startBEAM("iex_b", elixir: true)
            #expect(try await a.eval("net_kernel:connect_node('\(b.name)')") == "true")
            let (node, pg) = try await fixture.startSwift(connect: [a, b])
            let me = node.name.description

            let worker = try node.spawnProcess()
            Task { await echo(worker) }
            try pg.join(group, worker.pid)
            for beam in [a, b] { try await beam.waitFor(count("process_group", on: me), toBe: "1") }
            let reply = try await a.eval("""
                [P] = [P || P <- pg:get_members(process_group), node(P) =:= '\(me)'], \
                P ! {self(), hello}, receive {P, R} -> R after 10000 -> timeout end
                """)
            #expect(reply == "hello")

            try await a.spawnMember("member_a", joining: "process_group")
            try await b.spawnMember("member_b", joining: "process_group")
            try await waitUntil("both Elixir members seen from Swift") {
                pg.memberCount(group, on: a.name) == 1 && pg.memberCount(group, on: b.name) == 1
            }
            _ = try await a.eval("pg:leave(process_group, whereis(member_a))")
            try await waitUntil("a's leave seen from Swift") { pg.memberCount(group, on: a.name) == 0 }
            _ = try await b.eval("exit(whereis(member_b), kill)")
            try await waitUntil("b's member exit seen from Swift") { pg.memberCount(group, on: b.name) == 0 }

            let second = try node.spawnProcess()
            try pg.join(group, [second.pid, second.pid])
            try await a.waitFor(count("process_group", on: me), toBe: "3")
            #expect(try pg.leave(group, second.pid))
            try await a.waitFor(count("process_group", on: me), toBe: "2")
            second.exit()
            worker.exit(.atom("shutdown"))
            for beam in [a, b] { try await beam.waitFor(count("process_group", on: me), toBe: "0") }
            #expect(try await a.eval("pg:which_groups()") == "[]")

            try await b.spawnMember("member_b2", joining: "process_group")
            try await waitUntil("b's new member seen from Swift") { pg.memberCount(group, on: b.name) == 1 }
            b.stop()
            try await waitUntil("the killed node's members dropped on Swift") { pg.memberCount(group, on: b.name) == 0 }
            #expect(pg.whichGroups().isEmpty)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func subscriptionsSeeBEAMJoinsAndLeaves() async throws {
        try await PGFixture.run { fixture in
            let a = try await fixture.startBEAM("erl_a")
            let (_, pg) = try await fixture.startSwift(connect: [a])
            let (initial, changes) = pg.monitorScope()
            #expect(initial.isEmpty)
            let (members, groupChanges) = pg.monitor(.tuple([.atom("shard"), 1]))
            #expect(members.isEmpty)
            _ = try await a.eval("P = spawn(fun() -> receive stop -> ok end end), register(m, P), pg:join({shard, 1}, [P, P])")
            _ = try await a.eval("m ! stop")
            var scopeIterator = changes.makeAsyncIterator()
            var groupIterator = groupChanges.makeAsyncIterator()
            let joined = await scopeIterator.next()
            #expect(joined?.kind == .join && joined?.pids.count == 2 && joined?.group == .tuple([.atom("shard"), 1]))
            #expect(await groupIterator.next()?.kind == .join)
            // A dead member's leave lists the group once per join ({leave, Peer, Pid, [G, G]}):
            // one change per listed group.
            for _ in 0..<2 {
                let left = await scopeIterator.next()
                #expect(left?.kind == .leave && left?.pids.count == 1)
                #expect(await groupIterator.next()?.kind == .leave)
            }
        }
    }
}

/// `length([P || P <- pg:get_members(Group), node(P) =:= Node])`.
func count(_ group: String, on node: String) -> String {
    "length([P || P <- pg:get_members(\(group)), node(P) =:= '\(node)'])"
}
