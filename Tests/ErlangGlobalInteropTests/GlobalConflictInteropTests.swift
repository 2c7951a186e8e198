import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension GlobalInteropTests {
    /// Names registered on both sides before the partitions meet: the smaller node name runs the
    /// existing registration's method, as `global.erl`'s `exchange_names/4` does. A Swift node
    /// that sorts first resolves with its own methods (the default kills the process on the
    /// greater node; a Swift resolver picks the BEAM process); a Swift node that sorts last
    /// has BEAM resolve, and BEAM's default method kills the Swift process.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func conflictingRegistrationsResolveAsOTPResolvesThem() async throws {
        try await GlobalFixture.run { fixture in
            let erls = try await fixture.startErlCluster(2)
            let register = { (name: String, holder: String) in
                "(fun() -> P = \(Self.forwarder), register(\(holder), P), global:register_name(\(name), P) end)()"
            }
            #expect(try await erls[0].eval(register("clash", "clash_holder")) == "yes")
            #expect(try await erls[0].eval(register("clash2", "clash2_holder")) == "yes")
            #expect(try await erls[1].eval(register("clash3", "clash3_holder")) == "yes")

            // "aaa_..." sorts before "erl_...": the Swift node resolves.
            let (first, firstGlobal) = try await fixture.startSwift("aaa")
            let winner = try first.spawnProcess()
            let loser = try first.spawnProcess()
            #expect(try await firstGlobal.registerName(.atom("clash"), winner.pid))
            let chooseBEAM: GlobalResolve = .custom { _, pid1, pid2 in pid1.node == first.name.atom ? pid2 : pid1 }
            #expect(try await firstGlobal.registerName(.atom("clash2"), loser.pid, resolve: chooseBEAM))
            try await first.connect(to: try NodeName(erls[0].name))
            try await firstGlobal.sync()
            for erl in erls {
                #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok")
                #expect(try await erl.eval("node(global:whereis_name(clash))") == "'\(first.name)'")
                #expect(try await erl.eval("node(global:whereis_name(clash2))") == "'\(erls[0].name)'")
            }
            #expect(firstGlobal.whereisName(.atom("clash")) == winner.pid)
            #expect(firstGlobal.whereisName(.atom("clash2"))?.node.name == erls[0].name)
            try await erls[0].waitFor("whereis(clash_holder)", toBe: "undefined")
            #expect(winner.isAlive && loser.isAlive)

            // "zzz_..." sorts after: BEAM resolves with its default random_exit_name.
            let (last, lastGlobal) = try await fixture.startSwift("zzz")
            let doomed = try last.spawnProcess()
            #expect(try await lastGlobal.registerName(.atom("clash3"), doomed.pid))
            try await last.connect(to: try NodeName(erls[0].name))
            try await lastGlobal.sync()
            for erl in erls {
                #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok")
                #expect(try await erl.eval("node(global:whereis_name(clash3))") == "'\(erls[1].name)'")
            }
            _ = try await poll("the losing Swift process killed") { doomed.isAlive ? nil : true }
            let clash3 = try await poll("clash3 on the BEAM process") { lastGlobal.whereisName(.atom("clash3")).flatMap { $0.node.name == erls[1].name ? $0 : nil } }
            #expect(firstGlobal.whereisName(.atom("clash3")) == clash3)
            #expect(lastGlobal.whereisName(.atom("clash")) == winner.pid)
            _ = try await poll("both Swift nodes meshed") { first.nodes().contains(last.name) ? true : nil }
            for erl in erls { try await erl.waitFor("ets:tab2list(global_locks)", toBe: "[]") }
            try fixture.assertCleanLogs()
        }
    }
}

extension GlobalInteropTests {
    /// A Swift node that resolves a conflict over a name whose process lives on a BEAM node of its
    /// own partition runs the registration's method there, through that node's `rex`, as
    /// `rpc:call(Node2, global, resolve_it, ...)` does: BEAM's `random_exit_name/3` keeps the
    /// process on the smaller node and kills the other.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aSwiftNodeResolvesThroughRex() async throws {
        try await GlobalFixture.run { fixture in
            let inside = try await fixture.startErl()
            let outside = try await fixture.startErl()
            let (swift, global) = try await fixture.startSwift("aaa")
            try await swift.connect(to: try NodeName(inside.name))
            try await global.sync()
            let register = "(fun() -> P = \(Self.forwarder), register(dup_holder, P), global:register_name(dup, P) end)()"
            #expect(try await inside.eval(register) == "yes")
            _ = try await poll("dup on the Swift node") { global.whereisName(.atom("dup")) }
            #expect(try await outside.eval(register) == "yes")

            try await swift.connect(to: try NodeName(outside.name))
            try await global.sync()
            let (winner, loser) = Atom(inside.name) < Atom(outside.name) ? (inside, outside) : (outside, inside)
            for erl in [inside, outside] {
                #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok")
                try await erl.waitFor("node(global:whereis_name(dup))", toBe: "'\(winner.name)'")
            }
            #expect(global.whereisName(.atom("dup"))?.node.name == winner.name)
            try await loser.waitFor("whereis(dup_holder)", toBe: "undefined")
            #expect(try await winner.eval("is_pid(whereis(dup_holder))") == "true")
            try fixture.assertCleanLogs()
        }
    }
}

extension GlobalInteropTests {
    /// A BEAM node that resolves a conflict over a name whose process is on the Swift node calls
    /// `global:resolve_it/4` there (`rpc:call/4`); the Swift node runs the method registered with
    /// the name: here a Swift resolver that keeps the Swift process.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aBEAMNodeResolvesThroughTheSwiftNode() async throws {
        try await GlobalFixture.run { fixture in
            let pair = [try await fixture.startErl(), try await fixture.startErl()].sorted { Atom($0.name) < Atom($1.name) }
            let (inside, outside) = (pair[0], pair[1])
            let (swift, global) = try await fixture.startSwift("zzz")
            let keeper = try swift.spawnProcess()
            let keepSwift: GlobalResolve = .custom { _, pid1, pid2 in pid1.node == swift.name.atom ? pid1 : pid2 }
            #expect(try await global.registerName(.atom("shared"), keeper.pid, resolve: keepSwift))
            try await swift.connect(to: try NodeName(inside.name))
            try await global.sync()
            #expect(try await inside.eval("global:sync()", timeout: .seconds(30)) == "ok")
            let register = "(fun() -> P = \(Self.forwarder), register(shared_holder, P), global:register_name(shared, P) end)()"
            #expect(try await outside.eval(register) == "yes")

            // The smaller node, inside, resolves: the existing registration's process is Swift's.
            #expect(try await inside.eval("net_kernel:connect_node('\(outside.name)')") == "true")
            for erl in [inside, outside] {
                #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok")
                try await erl.waitFor("node(global:whereis_name(shared))", toBe: "'\(swift.name)'")
            }
            #expect(global.whereisName(.atom("shared")) == keeper.pid)
            #expect(keeper.isAlive)
            try fixture.assertCleanLogs()
        }
    }
}
