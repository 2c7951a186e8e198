import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension GlobalInteropTests {
    /// When the Swift node goes, its names and locks go on every BEAM node and the name can be
    /// registered again at once; when a BEAM node is killed, its names and locks go on the
    /// Swift node, which can take both.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aDeadNodeLeavesNoNameAndNoLock() async throws {
        try await GlobalFixture.run { fixture in
            let erls = try await fixture.startErlCluster(3)
            let (swift, global) = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            try await swift.connect(to: try NodeName(erls[0].name))
            try await global.sync()
            #expect(try await global.registerName(.atom("swift_dies"), process.pid))
            let lock = GlobalLockID(resource: .atom("held"), requester: .atom("swift"))
            #expect(try await global.setLock(lock, holder: process))
            #expect(try await erls[1].eval("global:trans({held, erl}, fun() -> got end, [node() | nodes()], 0)") == "aborted")

            await swift.shutdown()
            for erl in erls {
                try await erl.waitFor("global:whereis_name(swift_dies)", toBe: "undefined")
                try await erl.waitFor("ets:tab2list(global_locks)", toBe: "[]")
            }
            #expect(try await erls[1].eval("global:register_name(swift_dies, self())", timeout: .seconds(20)) == "yes")
            #expect(try await erls[1].eval("global:trans({held, erl}, fun() -> got end, [node() | nodes()], 0)") == "got")

            // Now a BEAM node dies while holding a name and a lock.
            let (other, otherGlobal) = try await fixture.startSwift()
            let taker = try other.spawnProcess()
            try await other.connect(to: try NodeName(erls[0].name))
            try await otherGlobal.sync()
            #expect(try await erls[2].eval("global:register_name(erl_dies, \(Self.forwarder))") == "yes")
            let hold = """
                Shell = self(), spawn(fun() -> true = global:set_lock({held2, erl}), Shell ! locked, \
                receive never -> ok end end), receive locked -> ok after 20000 -> timeout end
                """
            #expect(try await erls[2].eval(hold) == "ok")
            _ = try await poll("erl_dies on the Swift node") { otherGlobal.whereisName(.atom("erl_dies")) }
            let lock2 = GlobalLockID(resource: .atom("held2"), requester: .atom("swift"))
            #expect(try await otherGlobal.transaction(lock2, retries: 0) { 1 } == nil)

            erls[2].stop()
            _ = try await poll("erl_dies gone from the Swift node") { otherGlobal.whereisName(.atom("erl_dies")) == nil ? true : nil }
            #expect(try await otherGlobal.registerName(.atom("erl_dies"), taker.pid))
            #expect(try await otherGlobal.transaction(lock2, retries: 0) { 1 } == 1)
            for erl in erls.prefix(2) {
                try await erl.waitFor("node(global:whereis_name(erl_dies))", toBe: "'\(other.name)'")
                try await erl.waitFor("ets:tab2list(global_locks)", toBe: "[]")
            }
            // A node going down makes the others, which see the loss in some order, log
            // prevent_overlapping_partitions warnings, as they do when a BEAM node dies.
            try fixture.assertCleanLogs(warnings: true)
        }
    }

    /// A hidden Swift node runs no `global`: BEAM's `global:sync()` does not wait for it and
    /// BEAM's registrations work while it is connected.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aHiddenSwiftNodeTakesNoPart() async throws {
        try await GlobalFixture.run { fixture in
            let erls = try await fixture.startErlCluster(2)
            let (swift, global) = try await fixture.startSwift(hidden: true)
            #expect(global.isRunning == false)
            #expect(swift.whereis("global_name_server") == nil)
            try await swift.connect(to: try NodeName(erls[0].name))
            #expect(try await erls[0].eval("lists:member('\(swift.name)', nodes(hidden))") == "true")
            #expect(try await erls[0].eval("global:sync()", timeout: .seconds(30)) == "ok")
            #expect(try await erls[0].eval("global:register_name(while_hidden, self())", timeout: .seconds(20)) == "yes")
            #expect(try await erls[1].eval("global:trans({r, x}, fun() -> got end)", timeout: .seconds(20)) == "got")
            await #expect(throws: GlobalError.self) { try await global.sync() }
            try fixture.assertCleanLogs()
        }
    }
}
