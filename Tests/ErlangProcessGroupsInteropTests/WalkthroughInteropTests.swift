import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import NIOConcurrencyHelpers
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
            let (node, pg) = try await fixture.startSwift(connect: [a])
            // Both scopes know each other before erl joins, so its join and leave come as
            // messages (a join before that would arrive in a sync, a member gone by then not at all).
            let probe = try node.spawnProcess()
            try pg.join(.atom("probe"), probe.pid)
            try await a.waitFor(count("probe", on: node.name.description), toBe: "1")
            try await waitUntil("erl's scope known") { pg.peers().contains { $0.node.name == a.name } }
            let (initial, changes) = pg.monitorScope()
            #expect(initial.keys.map { $0 } == [.atom("probe")])
            let shard = Term.tuple([.atom("shard"), 1])
            let (members, groupChanges) = pg.monitor(shard)
            #expect(members.isEmpty)
            let scopeSeen = collect(changes), groupSeen = collect(groupChanges)
            _ = try await a.eval("P = spawn(fun() -> receive stop -> ok end end), register(m, P), pg:join({shard, 1}, [P, P])")
            try await waitUntil("the join seen by both subscriptions") {
                scopeSeen.withLockedValue { $0.count } == 1 && groupSeen.withLockedValue { $0.count } == 1
            }
            #expect(scopeSeen.withLockedValue { $0 } == groupSeen.withLockedValue { $0 })
            let joined = scopeSeen.withLockedValue { $0.first }
            #expect(joined?.kind == .join && joined?.pids.count == 2 && joined?.group == shard)
            _ = try await a.eval("m ! stop")
            // A dead member's leave lists the group once per join ({leave, Peer, Pid, [G, G]}):
            // one change per listed group.
            try await waitUntil("both leaves seen") { groupSeen.withLockedValue { $0.count } == 3 }
            #expect(groupSeen.withLockedValue { $0.dropFirst().map(\.kind) } == [.leave, .leave])
            #expect(scopeSeen.withLockedValue { $0 } == groupSeen.withLockedValue { $0 })
        }
    }
}

/// Collects what a subscription reports, in order, on a task of its own.
func collect(_ changes: AsyncStream<MembershipChange>) -> NIOLockedValueBox<[MembershipChange]> {
    let seen = NIOLockedValueBox<[MembershipChange]>([])
    Task { for await change in changes { seen.withLockedValue { $0.append(change) } } }
    return seen
}

/// `length([P || P <- pg:get_members(Group), node(P) =:= Node])`.
func count(_ group: String, on node: String) -> String {
    "length([P || P <- pg:get_members(\(group)), node(P) =:= '\(node)'])"
}
