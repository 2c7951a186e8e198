import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// Spawns an erl process that exits with the reason it is sent (`{die, Reason}`) and hands its
    /// pid to `process`, registered as `name`.
    private static func erlTarget(_ erl: ErlangNodeProcess, for process: ErlangProcess, name: String, swift: ErlangNode) async throws -> PID {
        let spawn = "P = spawn(fun() -> receive {die, R} -> exit(R) end end), {\(name), '\(swift.name)'} ! {target, P}, ok"
        #expect(try await erl.eval(spawn) == "ok")
        guard case .tuple(let elements)? = await process.receive(matching: { $0.tupleElements?.first == .atom("target") }, timeout: .seconds(30)),
              case .pid(let target) = elements[1] else { throw InteropError("no target pid") }
        return target
    }

    /// Links from Swift to erl: a trapping Swift process gets `{'EXIT', P, Reason}` with the full
    /// reason; a non-trapping one ignores `normal` and dies of anything else; after `unlink`
    /// nothing comes; killing the erl node brings `noconnection`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftProcessesLinkToErlProcesses() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let trapping = try swift.spawnProcess()
            try trapping.register(as: "swift_trap")
            trapping.trapExit(true)
            let first = try await Self.erlTarget(erl, for: trapping, name: "swift_trap", swift: swift)
            await trapping.link(first)
            try await trapping.send(.tuple([.atom("die"), .tuple([.atom("custom"), 1])]), to: first)
            let exit = await trapping.receive(timeout: .seconds(30))
            #expect(exit == .tuple([.atom("EXIT"), .pid(first), .tuple([.atom("custom"), 1])]))

            let plain = try swift.spawnProcess()
            try plain.register(as: "swift_plain")
            let normal = try await Self.erlTarget(erl, for: plain, name: "swift_plain", swift: swift)
            await plain.link(normal)
            try await plain.send(.tuple([.atom("die"), .atom("normal")]), to: normal)
            let unlinked = try await Self.erlTarget(erl, for: plain, name: "swift_plain", swift: swift)
            await plain.link(unlinked)
            await plain.unlink(unlinked)
            try await plain.send(.tuple([.atom("die"), .atom("boom")]), to: unlinked)
            try await Task.sleep(for: .milliseconds(500))
            #expect(plain.isAlive)
            let fatal = try await Self.erlTarget(erl, for: plain, name: "swift_plain", swift: swift)
            await plain.link(fatal)
            try await plain.send(.tuple([.atom("die"), .atom("boom")]), to: fatal)
            #expect(await plain.receive(timeout: .seconds(30)) == nil)
            #expect(!plain.isAlive)

            let last = try await Self.erlTarget(erl, for: trapping, name: "swift_trap", swift: swift)
            await trapping.link(last)
            try await Task.sleep(for: .milliseconds(300))
            erl.stop()
            let lost = await trapping.receive(timeout: .seconds(60))
            #expect(lost == .tuple([.atom("EXIT"), .pid(last), .atom("noconnection")]))
        }
    }

    /// Links from erl to Swift: a trapping erl process gets the Swift process's exit reason;
    /// `exit(SwiftPid, kill)` kills even a trapping Swift process (`killed`); a Swift `exit/2`
    /// with `kill` kills an erl process.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlProcessesLinkToSwiftProcesses() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            let linked = try swift.spawnProcess()
            try await linked.send(.tuple([.atom("pid"), .pid(linked.pid)]), to: "swerl_test", at: erlNode)
            let link = "receive {pid, P} -> put(p, P), process_flag(trap_exit, true), link(P), P ! linked, ok after 10000 -> timeout end"
            #expect(try await erl.eval(link) == "ok")
            #expect(await linked.receive(timeout: .seconds(30)) == .atom("linked"))
            linked.exit(.tuple([.atom("shutdown"), .list([1, 2])]))
            let exit = "P = get(p), receive {'EXIT', P, Reason} -> Reason after 10000 -> timeout end"
            #expect(try await erl.eval(exit) == "{shutdown,[1,2]}")

            let victim = try swift.spawnProcess()
            victim.trapExit(true)
            try await victim.send(.tuple([.atom("victim"), .pid(victim.pid)]), to: "swerl_test", at: erlNode)
            let kill = "receive {victim, V} -> R = erlang:monitor(process, V), exit(V, kill), receive {'DOWN', R, process, _, Why} -> Why after 10000 -> timeout end after 10000 -> timeout end"
            #expect(try await erl.eval(kill) == "killed")
            #expect(!victim.isAlive)

            let killer = try swift.spawnProcess()
            try killer.register(as: "swift_killer")
            let target = try await Self.erlTarget(erl, for: killer, name: "swift_killer", swift: swift)
            let reference = try await killer.monitor(target)
            try await killer.exit(target, reason: .atom("kill"))
            let down = await killer.receive(timeout: .seconds(30))
            #expect(down == .tuple([.atom("DOWN"), .reference(reference), .atom("process"), .pid(target), .atom("killed")]))
        }
    }
}
