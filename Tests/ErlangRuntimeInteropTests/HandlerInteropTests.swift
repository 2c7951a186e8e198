import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// A Swift process served by a mailbox handler answers erl with `trySend`: 10,000 round trips
    /// one at a time, then 10,000 requests sent at once, answered all and in order.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aMailboxHandlerAnswersErl() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            try process.register(as: "swift_handler")
            process.mailbox.handle { message in
                guard case .tuple(let elements) = message, elements.count == 3, elements[0] == .atom("ping"),
                    case .pid(let from) = elements[1]
                else { return }
                let result = process.trySend(.tuple([.atom("pong"), elements[2]]), to: from)
                if result != .ok { Issue.record("trySend gave \(result)") }
            }
            let target = "{swift_handler, '\(swift.name)'}"
            let oneByOne = """
                (fun Loop(N) when N > 10000 -> ok; Loop(N) -> \(target) ! {ping, self(), N}, \
                receive {pong, N} -> Loop(N + 1); Other -> {unexpected, N, Other} after 30000 -> {lost, N} end end)(1)
                """
            #expect(try await erl.eval(oneByOne, timeout: .seconds(300)) == "ok")
            let atOnce = """
                begin [\(target) ! {ping, self(), N} || N <- lists:seq(1, 10000)], \
                (fun Loop(N) when N > 10000 -> ok; Loop(N) -> \
                receive {pong, N} -> Loop(N + 1); Other -> {unexpected, N, Other} after 30000 -> {lost, N} end end)(1) end
                """
            #expect(try await erl.eval(atOnce, timeout: .seconds(300)) == "ok")
        }
    }

    /// `trySend` sends nothing to a node it has no connection to, and says so.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func trySendToAnUnconnectedNodeIsNoconnect() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            let erlPid = PID(node: try NodeName(erl.name).atom, id: 80, serial: 0, creation: 1)
            #expect(process.trySend(.atom("hello"), to: erlPid) == .noconnect)
            #expect(swift.nodes().isEmpty && swift.hiddenNodes().isEmpty)
            #expect(process.trySend(.atom("self"), to: process.pid) == .ok)
            #expect(await process.receive(timeout: .seconds(5)) == .atom("self"))
        }
    }
}
