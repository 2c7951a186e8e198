import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

/// Calls in both directions against real OTP 25 and Elixir 1.14: Swift calling Elixir
/// `GenServer`s and `Agent`s, Elixir calling Swift servers, `rpc`/`erpc` both ways.
@Suite(.serialized) struct CallInteropTests {}

/// An Elixir `GenServer` the tests call: a counter that can also echo, sleep, crash and stop.
let elixirCounter = """
    defmodule SwerlCounter do
      use GenServer
      def init(n), do: {:ok, n}
      def handle_call(:get, _from, n), do: {:reply, n, n}
      def handle_call(:pid, _from, n), do: {:reply, self(), n}
      def handle_call({:add, k}, _from, n), do: {:reply, n + k, n + k}
      def handle_call({:echo, x}, _from, n), do: {:reply, x, n}
      def handle_call({:sleep, ms}, _from, n), do: (Process.sleep(ms); {:reply, :slept, n})
      def handle_call(:crash, _from, _n), do: raise(ArgumentError)
      def handle_cast({:set, k}, _n), do: {:noreply, k}
    end
    """

extension RuntimeFixture {
    /// An `erl` node with Elixir started in it.
    func startElixirNode(_ prefix: String = "ex") async throws -> ErlangNodeProcess {
        let node = try await startErl(prefix, arguments: try ErlangInterop.elixirArguments())
        try await node.startElixir()
        return node
    }
}

extension CallInteropTests {
    /// Swift calls and casts to an Elixir `GenServer` by `{Name, Node}` and by pid; a timeout
    /// leaves no late reply in the mailbox (alias tags); a crash in the handler gives the
    /// server's exit reason; a missing name gives `noproc`, a missing node `nodedown`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftCallsAnElixirGenServer() async throws {
        try await RuntimeFixture.run { fixture in
            let elixir = try await fixture.startElixirNode()
            try await elixir.evalElixir(elixirCounter)
            #expect(try await elixir.eval("element(1, 'Elixir.GenServer':start('Elixir.SwerlCounter', 40, [{name, swerl_counter}]))") == "ok")
            let swift = try await fixture.startSwift()
            let erlNode = try NodeName(elixir.name)
            let counter = ServerRef.remote("swerl_counter", erlNode)
            let process = try swift.spawnProcess()
            #expect(try await process.call(counter, .atom("get")) == .integer(40))
            #expect(try await process.call(counter, .tuple([.atom("add"), .integer(2)])) == .integer(42))
            await process.cast(counter, .tuple([.atom("set"), .integer(7)]))
            #expect(try await process.call(counter, .atom("get")) == .integer(7))
            let pid = try #require(try await process.call(counter, .atom("pid")).pidValue)
            #expect(try await process.call(.pid(pid), .tuple([.atom("echo"), .atom("x")])) == .atom("x"))

            // A timeout: the late reply goes to an inactive alias and is dropped.
            await #expect { try await process.call(counter, .tuple([.atom("sleep"), .integer(2000)]), timeout: .milliseconds(50)) }
                throws: { ($0 as? CallError) == CallError(.timeout, reason: .atom("timeout")) }
            #expect(try await process.call(counter, .atom("get")) == .integer(7))
            #expect(process.mailbox.count == 0)

            // noproc and nodedown, as gen:call exits.
            await #expect { try await process.call(.remote("nobody", erlNode), .atom("get")) }
                throws: { ($0 as? CallError) == CallError(.noproc, reason: .atom("noproc")) }
            await #expect { try await process.call(.name("nobody"), .atom("get")) }
                throws: { ($0 as? CallError)?.code == .noproc }
            let missing = try NodeName(DistributionTestNames.unique("gone") + "@127.0.0.1")
            await #expect { try await process.call(.remote("x", missing), .atom("get")) }
                throws: { ($0 as? CallError) == CallError(.nodedown, reason: .tuple([.atom("nodedown"), .atom(missing.atom)])) }

            // A crash in handle_call: the server's exit reason, {%ArgumentError{}, Stack}.
            do {
                _ = try await swift.call(counter, .atom("crash"))
                Issue.record("the crashing call returned")
            } catch let error as CallError {
                #expect(error.code == .exit)
                let reason = try #require(error.reason.tupleElements)
                #expect(reason.count == 2)
                guard case .map(let exception) = reason[0] else { Issue.record("not an exception: \(error.reason)"); return }
                #expect(exception[.atom("__struct__")] == .atom("Elixir.ArgumentError"))
            }
            #expect(process.mailbox.count == 0)
        }
    }

    /// Swift calls and casts an Elixir `Agent` (its `{get, {M, F, A}}`, `{update, ...}` and
    /// `{cast, ...}` requests, as `Agent.get/4` sends them).
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftCallsAnElixirAgent() async throws {
        try await RuntimeFixture.run { fixture in
            let elixir = try await fixture.startElixirNode()
            #expect(try await elixir.eval("element(1, 'Elixir.Agent':start(fun() -> 41 end, [{name, swerl_agent}]))") == "ok")
            let swift = try await fixture.startSwift()
            let agent = ServerRef.remote("swerl_agent", try NodeName(elixir.name))
            let plusOne: Term = .tuple([.atom("erlang"), .atom("+"), .list([.integer(1)])])
            #expect(try await swift.call(agent, .tuple([.atom("get"), plusOne])) == .integer(42))
            #expect(try await swift.call(agent, .tuple([.atom("update"), plusOne])) == .atom("ok"))
            await swift.cast(agent, .tuple([.atom("cast"), plusOne]))
            let identity: Term = .tuple([.atom("erlang"), .atom("max"), .list([.integer(0)])])
            #expect(try await swift.call(agent, .tuple([.atom("get"), identity])) == .integer(43))
            #expect(try await elixir.eval("'Elixir.Agent':get(swerl_agent, fun(S) -> S end)") == "43")
        }
    }

    /// `multiCall` over two Elixir nodes, one without the server and one that does not exist:
    /// replies from the two, the others bad; `abcast` reaches both.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func multiCallAndAbcast() async throws {
        try await RuntimeFixture.run { fixture in
            let first = try await fixture.startElixirNode()
            let second = try await fixture.startElixirNode()
            let bare = try await fixture.startErl()
            for (node, start) in [(first, 1), (second, 2)] {
                try await node.evalElixir(elixirCounter)
                #expect(try await node.eval("element(1, 'Elixir.GenServer':start('Elixir.SwerlCounter', \(start), [{name, swerl_counter}]))") == "ok")
            }
            let swift = try await fixture.startSwift()
            let nodes = try [first, second, bare].map { try NodeName($0.name) }
            let missing = try NodeName(DistributionTestNames.unique("gone") + "@127.0.0.1")
            let result = try await swift.multiCall(nodes + [missing], "swerl_counter", .atom("get"), timeout: .seconds(20))
            #expect(result.replies.map(\.node) == [nodes[0], nodes[1]])
            #expect(result.replies.map(\.reply) == [.integer(1), .integer(2)])
            #expect(result.badNodes == [nodes[2], missing])
            await swift.abcast(nodes, "swerl_counter", .tuple([.atom("set"), .integer(9)]))
            let after = try await swift.multiCall(Array(nodes.prefix(2)), "swerl_counter", .atom("get"), timeout: .seconds(20))
            #expect(after.replies.map(\.reply) == [.integer(9), .integer(9)])
            #expect(after.badNodes.isEmpty)
        }
    }
}
