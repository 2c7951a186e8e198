import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension ErlangNode {
    /// The functions the rpc tests call: `swerl_fns:add/2`, `fail/1` (raises `error:Reason`),
    /// `exit/1`, `throw/1`, `slow/1` (sleeps that many ms) and `note/1` (sends its argument to
    /// the process registered as `notes`).
    func registerTestFunctions() {
        registerFunction("swerl_fns", "add", arity: 2) { arguments, _ in
            .integer((arguments[0].intValue ?? 0) + (arguments[1].intValue ?? 0))
        }
        registerFunction("swerl_fns", "fail", arity: 1) { arguments, _ in throw ErlangException.error(arguments[0]) }
        registerFunction("swerl_fns", "exit", arity: 1) { arguments, _ in throw ErlangException.exit(arguments[0]) }
        registerFunction("swerl_fns", "throw", arity: 1) { arguments, _ in throw ErlangException(.throw, arguments[0]) }
        registerFunction("swerl_fns", "slow", arity: 1) { arguments, _ in
            try await Task.sleep(for: .milliseconds(arguments[0].intValue ?? 0))
            return .atom("done")
        }
        registerFunction("swerl_fns", "note", arity: 1) { arguments, process in
            process.send(arguments[0], to: "notes")
            return .atom("ok")
        }
    }
}

extension CallInteropTests {
    /// `rpc:call`, `erpc:call` and `erpc:multicall` from erl into Swift functions: results,
    /// `undef`, raised errors, exits and throws exactly as an OTP node gives them (compared with
    /// the same calls to a second erl node), a caller timeout, the built-ins, `rpc:cast`, and the
    /// `rex` feature reply `[erpc]`. No crash report on the erl node.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlCallsSwiftFunctionsThroughRPC() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            swift.registerTestFunctions()
            let erl = try await fixture.startErl()
            let other = try await fixture.startErl("other")
            let s = "'\(swift.name)'"
            #expect(try await erl.eval("rpc:call(\(s), swerl_fns, add, [1, 2])") == "3")
            #expect(try await erl.eval("erpc:call(\(s), swerl_fns, add, [40, 2])") == "42")
            #expect(try await erl.eval("rpc:call(\(s), swerl_fns, throw, [ball])") == "ball")

            // undef, error, exit and throw: the same as from an OTP node, except for the stack of a
            // raised error, which has the Swift function as its only frame.
            let o = "'\(other.name)'"
            for call in ["nomod, nofun, [1]", "erlang, nofun, []", "swerl_fns, add, [1]"] {
                let viaRPC = "rpc:call(NODE, \(call))"
                let viaERPC = "try erpc:call(NODE, \(call)) catch C:R -> {C, R} end"
                for expression in [viaRPC, viaERPC] {
                    let expected = try await other.eval(expression.replacingOccurrences(of: "NODE", with: o))
                    #expect(try await erl.eval(expression.replacingOccurrences(of: "NODE", with: s)) == expected)
                }
            }
            #expect(try await erl.eval("rpc:call(\(s), nomod, nofun, [1])") == "{badrpc,{'EXIT',{undef,[{nomod,nofun,[1],[]}]}}}")
            #expect(try await erl.eval("try erpc:call(\(s), swerl_fns, fail, [oops]) catch C:R -> {C, R} end")
                == "{error,{exception,oops,[{swerl_fns,fail,1,[]}]}}")
            #expect(try await erl.eval("rpc:call(\(s), swerl_fns, fail, [oops])") == "{badrpc,{'EXIT',{oops,[{swerl_fns,fail,1,[]}]}}}")
            #expect(try await erl.eval("try erpc:call(\(s), swerl_fns, exit, [bye]) catch C:R -> {C, R} end") == "{exit,{exception,bye}}")
            #expect(try await erl.eval("rpc:call(\(s), swerl_fns, exit, [bye])") == "{badrpc,{'EXIT',bye}}")
            #expect(try await erl.eval("try erpc:call(\(s), swerl_fns, throw, [ball]) catch C:R -> {C, R} end") == "{throw,ball}")

            // A timeout is the caller's: erpc's error and rpc's badrpc.
            #expect(try await erl.eval("try erpc:call(\(s), swerl_fns, slow, [3000], 100) catch C:R -> {C, R} end") == "{error,{erpc,timeout}}")
            #expect(try await erl.eval("rpc:call(\(s), swerl_fns, slow, [3000], 100)") == "{badrpc,timeout}")
            #expect(try await erl.eval("rpc:call(\(s), swerl_fns, slow, [10], 10000)") == "done")

            // erpc:multicall over the Swift node and an erl node.
            #expect(try await erl.eval("erpc:multicall([\(s), \(o)], erlang, node, [])") == "[{ok,\(s)},{ok,\(o)}]")
            #expect(try await erl.eval("erpc:multicall([\(s), \(o)], nomod, nofun, [])")
                == "[{error,{exception,undef,[{nomod,nofun,[],[]}]}},{error,{exception,undef,[{nomod,nofun,[],[]}]}}]")
            #expect(try await erl.eval("erpc:multicall([\(s)], swerl_fns, slow, [3000], 100)") == "[{error,{erpc,timeout}}]")

            // Built-ins.
            #expect(try await erl.eval("rpc:call(\(s), erlang, node, [])") == s)
            #expect(try await erl.eval("rpc:call(\(s), erlang, system_info, [otp_release])") == "[50,53]")
            #expect(try await erl.eval("lists:member(node(), rpc:call(\(s), erlang, nodes, []))") == "true")
            #expect(try await erl.eval("rpc:call(\(s), erlang, nodes, [this])") == "[\(s)]")
            #expect(try await erl.eval("Rs = rpc:call(\(s), erlang, registered, []), {lists:member(rex, Rs), lists:member(net_kernel, Rs)}") == "{true,true}")
            #expect(try await erl.eval("lists:all(fun erlang:is_pid/1, rpc:call(\(s), erlang, processes, []))") == "true")
            #expect(try await erl.eval("rpc:call(\(s), erlang, system_info, [wordsize])") == "{badrpc,{'EXIT',{badarg,[{erlang,system_info,1,[]}]}}}")

            // rpc:cast runs the function; nobody waits.
            let notes = try swift.spawnProcess()
            try notes.register(as: "notes")
            #expect(try await erl.eval("rpc:cast(\(s), swerl_fns, note, [hello])") == "true")
            #expect(await notes.receive(timeout: .seconds(30)) == .atom("hello"))

            // rex told erl that this node runs erpc.
            try await erl.waitFor("ets:lookup(persistent_term:get(rex_nodes_observer), \(s))", toBe: "[{\(s),true}]")
            #expect(!erl.log.contains("CRASH REPORT") && !erl.log.contains("ERROR REPORT"))
        }
    }

    /// `spawn_monitor/4` and `spawn_link/4` of a served function: the monitor and the link asked
    /// for in the `SPAWN_REQUEST` carry the exit reason; an MFA the node does not serve is refused
    /// with `notsup`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func spawnRequestsHonourLinkAndMonitor() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            swift.registerTestFunctions()
            let erl = try await fixture.startErl()
            let s = "'\(swift.name)'"
            #expect(try await erl.eval("{P, R} = spawn_monitor(\(s), swerl_fns, add, [1, 2]), receive {'DOWN', R, process, P, Why} -> Why after 20000 -> none end") == "normal")
            let linked = """
                process_flag(trap_exit, true), P = spawn_link(\(s), swerl_fns, fail, [x]),
                W = receive {'EXIT', P, Why} -> Why after 20000 -> none end, process_flag(trap_exit, false), W
                """
            #expect(try await erl.eval(linked) == "{x,[{swerl_fns,fail,1,[]}]}")
            let refused = "R = spawn_request(\(s), io, format, [\"x\"], []), receive {spawn_reply, R, error, E} -> E after 20000 -> none end"
            #expect(try await erl.eval(refused) == "notsup")
            #expect(try await erl.eval("net_adm:ping(\(s))") == "pong")
        }
    }

    /// Swift's `rpc` into an erl node: a result, `error:undef` with OTP's stack, a raised error,
    /// exit and throw, a timeout, and `noconnection` for a node that is not there.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftCallsErlThroughERPC() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let node = try NodeName(erl.name)
            #expect(try await swift.rpc(node, "erlang", "node", []) == .atom(node.atom))
            #expect(try await swift.rpc(node, "lists", "reverse", [.list([1, 2, 3])]) == .list([3, 2, 1]))
            // The Swift caller is the group leader: output is accepted, input refused.
            #expect(try await swift.rpc(node, "io", "format", [.string(Array("hello ~p~n".utf8)), .list([1])], timeout: .seconds(20)) == .atom("ok"))
            #expect(try await swift.rpc(node, "io", "get_line", [.string(Array("> ".utf8))], timeout: .seconds(20))
                == .tuple([.atom("error"), .atom("enotsup")]))
            await #expect { try await swift.rpc(node, "nomod", "nofun", [1]) } throws: { error in
                error as? CallError == CallError(.exception, reason: .atom("undef"), exceptionClass: "error",
                                                 stack: .list([.tuple([.atom("nomod"), .atom("nofun"), .list([1]), .list([])])]))
            }
            await #expect { try await swift.rpc(node, "erlang", "error", [.atom("oops")]) } throws: { error in
                guard let error = error as? CallError else { return false }
                return error.code == .exception && error.exceptionClass == "error" && error.reason == .atom("oops") && error.stack?.listElements != nil
            }
            await #expect { try await swift.rpc(node, "erlang", "exit", [.atom("bye")]) } throws: {
                $0 as? CallError == CallError(.exception, reason: .atom("bye"), exceptionClass: "exit")
            }
            await #expect { try await swift.rpc(node, "erlang", "throw", [.atom("ball")]) } throws: {
                $0 as? CallError == CallError(.exception, reason: .atom("ball"), exceptionClass: "throw")
            }
            await #expect { try await swift.rpc(node, "timer", "sleep", [3000], timeout: .milliseconds(100)) } throws: {
                $0 as? CallError == CallError(.timeout, reason: .atom("timeout"))
            }
            let missing = try NodeName(DistributionTestNames.unique("gone") + "@127.0.0.1")
            await #expect { try await swift.rpc(missing, "erlang", "node", []) } throws: {
                ($0 as? CallError)?.code == .noconnection
            }
            #expect(try await swift.rpc(node, "erlang", "node", [], timeout: .seconds(20)) == .atom(node.atom))
        }
    }
}

extension CallInteropTests {
    /// `:rpc.call`, `:erpc.call` and `:erpc.multicall` from an `elixir` script into Swift
    /// functions: a result, `undef`, a raised error and a timeout, as Elixir sees them.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirScriptCallsSwiftFunctions() async throws {
        try await RuntimeFixture.run { fixture in
            guard let elixirPath = ErlangInterop.executable(named: "elixir") else { throw InteropError("elixir is not installed") }
            let swift = try await fixture.startSwift()
            swift.registerTestFunctions()
            let script = """
                p = fn x -> IO.inspect(x, width: :infinity) end
                s = :'\(swift.name)'
                p.(:rpc.call(s, :swerl_fns, :add, [1, 2]))
                p.(:erpc.call(s, :swerl_fns, :add, [40, 2]))
                p.(:rpc.call(s, :nomod, :nofun, [1]))
                p.(try do :erpc.call(s, :nomod, :nofun, [1]) rescue e -> e end)
                p.(try do :erpc.call(s, :swerl_fns, :fail, [:oops]) catch c, r -> {c, r} end)
                p.(try do :erpc.call(s, :swerl_fns, :slow, [3000], 100) catch c, r -> {c, r} end)
                p.(:rpc.call(s, :swerl_fns, :slow, [3000], 100))
                p.(:erpc.multicall([s, node()], :erlang, :node, []))
                p.(:erpc.multicall([s], :swerl_fns, :fail, [:oops]))
                """
            let name = DistributionTestNames.unique("exs") + "@127.0.0.1"
            let result = try await runProgram(
                "/bin/sh", ["-c", "\"$0\" \"$@\" 2>&1", elixirPath, "--name", name, "--cookie", fixture.cookie, "-e", script],
                environment: ["ERL_EPMD_PORT": "\(fixture.epmd.port)"], timeout: .seconds(90))
            #expect(result.status == 0)
            let s = ":\"\(swift.name)\""
            #expect(result.output.split(separator: "\n").map(String.init) == [
                "3",
                "42",
                "{:badrpc, {:EXIT, {:undef, [{:nomod, :nofun, [1], []}]}}}",
                "%ErlangError{original: {:exception, :undef, [{:nomod, :nofun, [1], []}]}, reason: nil}",
                "{:error, {:exception, :oops, [{:swerl_fns, :fail, 1, []}]}}",
                "{:error, {:erpc, :timeout}}",
                "{:badrpc, :timeout}",
                "[ok: \(s), ok: :\"\(name)\"]",
                "[error: {:exception, :oops, [{:swerl_fns, :fail, 1, []}]}]",
            ])
        }
    }

    /// A Swift process calls a Swift server on its own node by name, `{Name, Node}` and pid:
    /// replies, a timeout, the crash reason, `noproc` and `calling_self`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftCallsASwiftServer() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            let server = try swift.startServer(SwiftCounter(), name: "local_counter")
            let caller = try swift.spawnProcess()
            #expect(try await caller.call(.name("local_counter"), .tuple([.atom("add"), 2])) == 2)
            #expect(try await caller.call(.remote("local_counter", swift.name), .atom("get")) == 2)
            #expect(try await caller.call(.pid(server.pid), .tuple([.atom("add"), 3])) == 5)
            await #expect { try await caller.call(.name("local_counter"), .tuple([.atom("sleep"), 2000]), timeout: .milliseconds(20)) }
                throws: { ($0 as? CallError)?.code == .timeout }
            #expect(try await caller.call(.name("local_counter"), .atom("get")) == 5)
            #expect(caller.mailbox.count == 0)
            await #expect { try await caller.call(.pid(caller.pid), .atom("get")) } throws: { ($0 as? CallError)?.code == .callingSelf }
            await #expect { try await caller.call(.name("local_counter"), .atom("crash")) } throws: {
                $0 as? CallError == CallError(.exit, reason: .tuple([.atom("boom"), .list([.tuple([.atom("SwiftCounter"), .atom("handle_call"), 3, .list([])])])]))
            }
            await #expect { try await caller.call(.name("local_counter"), .atom("get")) } throws: { ($0 as? CallError)?.code == .noproc }
            await #expect { try await caller.call(.pid(server.pid), .atom("get")) } throws: { ($0 as? CallError)?.code == .noproc }
        }
    }
}

extension CallInteropTests {
    /// A call and an `rpc` in flight when the erl node dies: `{nodedown, Node}` and `noconnection`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func callsInFlightSeeTheNodeGoDown() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let node = try NodeName(erl.name)
            #expect(try await erl.eval("register(silent, spawn(fun() -> receive after infinity -> ok end end))") == "true")
            let call = Task { try await swift.call(.remote("silent", node), .atom("hello"), timeout: .seconds(60)) }
            let rpc = Task { try await swift.rpc(node, "timer", "sleep", [60_000], timeout: .seconds(60)) }
            try await erl.waitFor("element(2, process_info(whereis(silent), message_queue_len))", toBe: "1")
            let sleeping = "length([P || P <- processes(), process_info(P, current_function) == {current_function, {timer, sleep, 1}}])"
            try await erl.waitFor(sleeping, toBe: "1")
            erl.stop()
            await #expect { try await call.value } throws: {
                $0 as? CallError == CallError(.nodedown, reason: .tuple([.atom("nodedown"), .atom(node.atom)]))
            }
            await #expect { try await rpc.value } throws: { $0 as? CallError == CallError(.noconnection, reason: .atom("noconnection")) }
        }
    }
}
