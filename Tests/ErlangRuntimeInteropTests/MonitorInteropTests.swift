import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// erl monitors a Swift process by pid and by `{Name, Node}`; the Swift process's exit
    /// reason, a full term, reaches both; a monitor on a missing name gets `noproc` at once.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlMonitorsASwiftProcess() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            try process.register(as: "swift_mon")
            try await process.send(.tuple([.atom("pid"), .pid(process.pid)]), to: "swerl_test", at: try NodeName(erl.name))
            let monitor = """
                receive {pid, P} -> R1 = erlang:monitor(process, P), R2 = erlang:monitor(process, {swift_mon, '\(swift.name)'}), \
                put(refs, {R1, R2}), P ! monitored, ok after 10000 -> timeout end
                """
            #expect(try await erl.eval(monitor) == "ok")
            // Sent after both MONITOR_Ps on the same connection: once here, both are recorded.
            #expect(await process.receive(timeout: .seconds(30)) == .atom("monitored"))
            process.exit(.tuple([.atom("custom"), .integer(42), .list([.atom("reason")])]))
            let byPid = "{R1, _} = get(refs), receive {'DOWN', R1, process, _, Reason} -> Reason after 10000 -> timeout end"
            #expect(try await erl.eval(byPid) == "{custom,42,[reason]}")
            let byName = "{_, R2} = get(refs), receive {'DOWN', R2, process, Object, Reason} -> {Object, Reason} after 10000 -> timeout end"
            #expect(try await erl.eval(byName) == "{{swift_mon,'\(swift.name)'},{custom,42,[reason]}}")
            let missing = "R = erlang:monitor(process, {nobody, '\(swift.name)'}), receive {'DOWN', R, process, _, Reason} -> Reason after 10000 -> timeout end"
            #expect(try await erl.eval(missing) == "noproc")
        }
    }

    /// A Swift process monitors erl processes: an exit reason comes back in the DOWN, a dead pid
    /// gives `noproc`, and killing the erl node gives `noconnection` for a monitor by name.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aSwiftProcessMonitorsErlProcesses() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            try process.register(as: "swift_watcher")
            let spawn = "P = spawn(fun() -> receive stop -> exit({bye, 1}) end end), {swift_watcher, '\(swift.name)'} ! {target, P}, ok"
            #expect(try await erl.eval(spawn) == "ok")
            guard case .tuple(let elements)? = await process.receive(timeout: .seconds(30)), elements.count == 2,
                  case .pid(let target) = elements[1] else { throw InteropError("no target pid") }

            let reference = try await process.monitor(target)
            try await process.send(.atom("stop"), to: target)
            let down = await process.receive(timeout: .seconds(30))
            #expect(down == .tuple([.atom("DOWN"), .reference(reference), .atom("process"), .pid(target), .tuple([.atom("bye"), 1])]))

            let dead = try await process.monitor(target)
            let noproc = await process.receive(timeout: .seconds(30))
            #expect(noproc == .tuple([.atom("DOWN"), .reference(dead), .atom("process"), .pid(target), .atom("noproc")]))

            let byName = try await process.monitor("swerl_test", at: erlNode)
            try await Task.sleep(for: .milliseconds(300))
            erl.stop()
            let lost = await process.receive(timeout: .seconds(60))
            let object: Term = .tuple([.atom("swerl_test"), .atom(erlNode.atom)])
            #expect(lost == .tuple([.atom("DOWN"), .reference(byName), .atom("process"), object, .atom("noconnection")]))
        }
    }
}
