import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

/// `global` between Swift nodes and real OTP 25 nodes.
@Suite(.serialized)
struct GlobalInteropTests {
    /// Erl code for a process that forwards whatever it gets to the evaluating shell as `{got, M}`.
    static let forwarder = "(fun() -> Shell = self(), spawn(fun Loop() -> receive M -> Shell ! {got, M}, Loop() end end) end)()"

    /// A Swift node connected to one node of a three-node BEAM cluster: it ends up connected to
    /// all, `global:sync()` returns everywhere, names registered before and after the connection
    /// are seen on both sides, `global:send/2` reaches the Swift process, locks exclude each
    /// other both ways, and no lock stays held.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aSwiftNodeJoinsABEAMCluster() async throws {
        try await GlobalFixture.run { fixture in
            let erls = try await fixture.startErlCluster(3)
            let (swift, global) = try await fixture.startSwift()
            let process = try swift.spawnProcess()

            #expect(try await erls[0].eval("global:register_name(erl_before, \(Self.forwarder))") == "yes")
            #expect(try await global.registerName(.atom("swift_before"), process.pid))

            try await swift.connect(to: try NodeName(erls[0].name))
            let all = Set(try erls.map { try NodeName($0.name) })
            _ = try await poll("a connection to every BEAM node") { Set(swift.nodes()) == all ? true : nil }
            for erl in erls {
                #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok")
                #expect(try await erl.eval("lists:member('\(swift.name)', nodes())") == "true")
            }
            try await global.sync()
            #expect(Set(global.knownNodes()) == all)

            // Names registered before the connection went both ways in the exchange.
            for erl in erls {
                #expect(try await erl.eval("node(global:whereis_name(swift_before))") == "'\(swift.name)'")
            }
            let erlBefore = try #require(global.whereisName(.atom("erl_before")))
            #expect(erlBefore.node.name == erls[0].name)

            // Names registered afterwards reach every node.
            #expect(try await global.registerName(.atom("swift_after"), process.pid) == false)
            let second = try swift.spawnProcess()
            #expect(try await global.registerName(.atom("swift_after"), second.pid))
            for erl in erls {
                #expect(try await erl.eval("node(global:whereis_name(swift_after))") == "'\(swift.name)'")
            }
            #expect(try await erls[1].eval("global:register_name(erl_after, \(Self.forwarder))") == "yes")
            let erlAfter = try await poll("erl_after on the Swift node") { global.whereisName(.atom("erl_after")) }
            #expect(erlAfter.node.name == erls[1].name)

            // global:send/2 from BEAM reaches the Swift process; Swift's send reaches BEAM's.
            #expect(try await erls[2].eval("is_pid(global:send(swift_before, {hello, node()}))") == "true")
            #expect(await process.receive(timeout: .seconds(20)) == .tuple([.atom("hello"), .atom(.init(erls[2].name))]))
            try await global.send(.atom("ping"), toName: .atom("erl_after"), from: process)
            #expect(try await erls[1].eval("receive {got, M} -> M after 20000 -> timeout end") == "ping")

            // A Swift transaction excludes global:trans on BEAM, and the other way round.
            let swiftLock = GlobalLockID(resource: .atom("res"), requester: .atom("swift"))
            let busy = try await global.transaction(swiftLock) {
                try await erls[1].eval("global:trans({res, erl}, fun() -> got end, [node() | nodes()], 0)")
            }
            #expect(busy == "aborted")
            #expect(try await erls[1].eval("global:trans({res, erl}, fun() -> got end, [node() | nodes()], 0)") == "got")

            let hold = """
                Shell = self(), register(lock_holder, spawn(fun() -> true = global:set_lock({res2, erl}), Shell ! locked, \
                receive release -> global:del_lock({res2, erl}), Shell ! released end end)), \
                receive locked -> ok after 20000 -> timeout end
                """
            #expect(try await erls[2].eval(hold) == "ok")
            let swiftLock2 = GlobalLockID(resource: .atom("res2"), requester: .atom("swift"))
            #expect(try await global.transaction(swiftLock2, retries: 0) { 1 } == nil)
            #expect(try await erls[2].eval("lock_holder ! release, receive released -> ok after 20000 -> timeout end") == "ok")
            #expect(try await global.transaction(swiftLock2, retries: 0) { 1 } == 1)

            for erl in erls {
                try await erl.waitFor("ets:tab2list(global_locks)", toBe: "[]")
            }
            try fixture.assertCleanLogs()
        }
    }
}
