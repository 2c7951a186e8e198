import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

private let group = Term.atom("g1")

/// A BEAM node whose `pg` scope restarts loses every membership it had (membership.md §2.4);
/// the Swift scope must sync again, on a visible connection and on a hidden one.
@Suite struct ScopeRestartInteropTests {
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aRestartedBEAMScopeResyncsWithAVisibleSwiftNode() async throws {
        try await PGFixture.run { fixture in
            try await restart(fixture, hidden: false)
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aRestartedBEAMScopeResyncsWithAHiddenSwiftNode() async throws {
        try await PGFixture.run { fixture in
            try await restart(fixture, hidden: true)
        }
    }

    private func restart(_ fixture: PGFixture, hidden: Bool) async throws {
        let a = try await fixture.startBEAM("erl_a")
        let (node, pg) = try await fixture.startSwift(hidden: hidden, connect: [a])
        if hidden { try await pg.discover(try NodeName(a.name), timeout: .seconds(30)) }
        let me = node.name.description
        let member = try node.spawnProcess()
        try pg.join(group, member.pid)
        try await a.spawnMember("m1", joining: "g1")
        try await a.waitFor(count("g1", on: me), toBe: "1")
        try await waitUntil("a's member on Swift") { pg.memberCount(group, on: a.name) == 1 }
        let before = try await a.eval("whereis(pg)")

        _ = try await a.eval("ok = supervisor:terminate_child(kernel_safe_sup, pg), {ok, _} = supervisor:restart_child(kernel_safe_sup, pg)")
        #expect(try await a.eval("whereis(pg)") != before)
        // The old scope's memberships are gone everywhere (OTP does not rejoin them)...
        try await waitUntil("a's lost member dropped on Swift") { pg.memberCount(group, on: a.name) == 0 }
        // ...and the new scope learns the Swift member again.
        try await a.waitFor(count("g1", on: me), toBe: "1")
        _ = try await a.eval("pg:join(g1, whereis(m1))")
        try await waitUntil("a's rejoined member on Swift") { pg.memberCount(group, on: a.name) == 1 }
    }
}
