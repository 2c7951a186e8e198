import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Foundation
import Testing

/// A Swift `GenServer` for Elixir callers: a counter that echoes, replies later, sleeps, crashes
/// and stops on request.
struct SwiftCounter: GenServer {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "swift failure" }
    }

    var count = 0
    var waiting: [GenServerFrom] = []

    mutating func handleCall(_ request: Term, from: GenServerFrom, context: GenServerContext) async throws -> GenServerCallResult {
        let parts = request.tupleElements ?? [request]
        switch (parts[0], parts.count) {
        case (.atom("get"), 1): return .reply(.integer(count))
        case (.atom("add"), 2):
            count += parts[1].intValue ?? 0
            return .reply(.integer(count))
        case (.atom("wait"), 1):
            waiting.append(from)
            return .noreply
        case (.atom("sleep"), 2):
            try await Task.sleep(for: .milliseconds(parts[1].intValue ?? 0))
            return .reply(.atom("slept"))
        case (.atom("crash"), 1): throw ErlangException.error(.atom("boom"))
        case (.atom("fail"), 1): throw Failure()
        case (.atom("stop"), 1): return .stop(reason: .atom("normal"), reply: .atom("stopping"))
        default: return .reply(.tuple([.atom("echo"), request]))
        }
    }

    mutating func handleCast(_ request: Term, context: GenServerContext) async throws -> GenServerResult {
        switch request {
        case .atom("release"):
            for caller in waiting { try await caller.reply(.tuple([.atom("released"), .integer(count)])) }
            waiting = []
        default:
            count = request.tupleElements?.last?.intValue ?? count
        }
        return .noreply
    }

    mutating func handleInfo(_ message: Term, context: GenServerContext) async throws -> GenServerResult {
        guard let parts = message.tupleElements, parts.count == 2, parts[0] == .atom("ping"), let pid = parts[1].pidValue else { return .noreply }
        try await context.process.send(.tuple([.atom("pong"), .integer(count)]), to: pid)
        return .noreply
    }

    var systemState: Term { .tuple([.atom("count"), .integer(count)]) }
}

extension CallInteropTests {
    /// `sys` from erl on a Swift server: `get_state`, `get_status`, `suspend` (a call waits) and
    /// `resume` (it is answered), an unknown request (`replace_state`) answered as `sys.erl`
    /// answers one, and `terminate` stopping the server with the reason given.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func sysRequestsFromErlReachASwiftServer() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            try swift.startServer(SwiftCounter(), name: "sys_counter")
            let erl = try await fixture.startErl()
            let ref = "{sys_counter, '\(swift.name)'}"
            #expect(try await erl.eval("sys:get_state(\(ref))") == "{count,0}")
            #expect(try await erl.eval("gen_server:call(\(ref), {add, 3})") == "3")
            #expect(try await erl.eval("sys:get_state(\(ref))") == "{count,3}")
            let status = """
                {status, P, {module, gen_server}, [[], running, P, [], [{header, "Status for generic server sys_counter"}, \
                {data, [{"Status", running} | _]}, {data, [{"State", {count, 3}}]}]]} = sys:get_status(\(ref)), node(P)
                """
            #expect(try await erl.eval(status) == "'\(swift.name)'")

            #expect(try await erl.eval("sys:suspend(\(ref))") == "ok")
            let caller = "Parent = self(), spawn(fun() -> Parent ! {got, gen_server:call(\(ref), get, 20000)} end), ok"
            #expect(try await erl.eval(caller) == "ok")
            #expect(try await erl.eval("receive {got, R} -> R after 300 -> waiting end") == "waiting")
            #expect(try await erl.eval("sys:get_state(\(ref))") == "{count,3}")
            #expect(try await erl.eval("sys:resume(\(ref))") == "ok")
            #expect(try await erl.eval("receive {got, R} -> R after 20000 -> none end") == "3")

            let unknown = "case catch sys:replace_state(\(ref), fun(S) -> S end) of {'EXIT', {{unknown_system_msg, {replace_state, _}}, _}} -> refused; O -> O end"
            #expect(try await erl.eval(unknown) == "refused")

            let terminate = "R = erlang:monitor(process, \(ref)), ok = sys:terminate(\(ref), shutdown), receive {'DOWN', R, process, _, Why} -> Why after 20000 -> none end"
            #expect(try await erl.eval(terminate) == "shutdown")
        }
    }
}

extension CallInteropTests {
    /// Elixir's `GenServer.call/3` and `cast/2` reach a Swift server by `{Name, Node}` and by pid;
    /// a later reply; a caller timeout leaves no late reply behind; a crash in the handler exits
    /// the caller with `{{Reason, Stack}, {GenServer, :call, ...}}` and ends the server.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirCallsASwiftServer() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            let server = try swift.startServer(SwiftCounter(), name: "swift_counter")
            let elixir = try await fixture.startElixirNode()
            let ref = "{swift_counter, '\(swift.name)'}"
            #expect(try await elixir.eval("'Elixir.GenServer':call(\(ref), {add, 5})") == "5")
            #expect(try await elixir.eval("'Elixir.GenServer':cast(\(ref), {set, 7})") == "ok")
            #expect(try await elixir.eval("'Elixir.GenServer':call(\(ref), get)") == "7")
            #expect(try await elixir.eval("{echo, {echo, P}} = 'Elixir.GenServer':call(\(ref), {echo, self()}), P =:= self()") == "true")
            #expect(try await elixir.eval("{swift_counter, '\(swift.name)'} ! {ping, self()}, receive {pong, N} -> N after 20000 -> none end") == "7")

            // A reply that comes later, from handleCast.
            let waiter = "Parent = self(), spawn(fun() -> Parent ! {waited, 'Elixir.GenServer':call(\(ref), wait, 20000)} end)"
            #expect(try await elixir.eval(waiter).hasPrefix("<"))
            _ = try await poll("the waiting call") { try await elixir.eval("'Elixir.GenServer':call(\(ref), get)") == "7" ? true : nil }
            try await elixir.waitFor("'Elixir.GenServer':cast(\(ref), release), receive {waited, R} -> R after 200 -> none end", toBe: "{released,7}")

            // A timeout on the caller: the late reply goes to a dead alias and is dropped.
            let timedOut = "case catch 'Elixir.GenServer':call(\(ref), {sleep, 2000}, 50) of {'EXIT', {timeout, {'Elixir.GenServer', call, _}}} -> timeout; O -> O end"
            #expect(try await elixir.eval(timedOut) == "timeout")
            #expect(try await elixir.eval("'Elixir.GenServer':call(\(ref), get)") == "7")
            #expect(try await elixir.eval("receive M -> {left, M} after 0 -> none end") == "none")

            // A crash in the handler: the caller exits with the server's reason.
            let crashed = "case catch 'Elixir.GenServer':call(\(ref), crash) of {'EXIT', {{boom, [{_, handle_call, 3, []}]}, {'Elixir.GenServer', call, _}}} -> crashed; O -> O end"
            #expect(try await elixir.eval(crashed) == "crashed")
            _ = try await poll("the crashed server's end") { server.isAlive ? nil : true }
            #expect(swift.whereis("swift_counter") == nil)
            let gone = "case catch 'Elixir.GenServer':call(\(ref), get) of {'EXIT', {noproc, _}} -> noproc; O -> O end"
            #expect(try await elixir.eval(gone) == "noproc")
        }
    }

    /// A Swift error that is not an `ErlangException` ends the server with
    /// `{{swift_error, Description}, Stack}`; `{stop, Reason, Reply}` replies, then stops; a
    /// monitor sees each exit reason. Run from a real `elixir` script.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirScriptCallsASwiftServer() async throws {
        try await RuntimeFixture.run { fixture in
            guard let elixirPath = ErlangInterop.executable(named: "elixir") else { throw InteropError("elixir is not installed") }
            let swift = try await fixture.startSwift()
            try swift.startServer(SwiftCounter(), name: "failing")
            try swift.startServer(SwiftCounter(), name: "stopping")
            let script = """
                p = fn x -> IO.inspect(x, width: :infinity) end
                failing = {:failing, :'\(swift.name)'}
                stopping = {:stopping, :'\(swift.name)'}
                p.(GenServer.call(failing, {:add, 2}))
                ref = Process.monitor(failing)
                p.(try do GenServer.call(failing, :fail) catch :exit, e -> e end)
                receive do {:DOWN, ^ref, :process, _, reason} -> p.({:down, reason}) end
                ref = Process.monitor(stopping)
                p.(GenServer.call(stopping, :stop))
                receive do {:DOWN, ^ref, :process, _, reason} -> p.({:down, reason}) end
                """
            let name = DistributionTestNames.unique("exs") + "@127.0.0.1"
            let result = try await runProgram(
                "/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1", elixirPath, "--name", name, "--cookie", fixture.cookie, "-e", script],
                environment: ["ERL_EPMD_PORT": "\(fixture.epmd.port)"], timeout: .seconds(90))
            #expect(result.status == 0)
            let stack = "[{:SwiftCounter, :handle_call, 3, []}]"
            let reason = "{{:swift_error, \"swift failure\"}, \(stack)}"
            #expect(result.output.split(separator: "\n").map(String.init) == [
                "2",
                "{\(reason), {GenServer, :call, [{:failing, :\"\(swift.name)\"}, :fail, 5000]}}",
                "{:down, \(reason)}",
                ":stopping",
                "{:down, :normal}",
            ])
        }
    }
}
