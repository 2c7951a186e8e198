import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension CallInteropTests {
    static let concurrentCalls = 10_000

    /// 10,000 concurrent calls from Swift to an Elixir `GenServer`, each from its own process:
    /// every reply is the echo of its own request.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func tenThousandConcurrentCallsFromSwift() async throws {
        try await RuntimeFixture.run { fixture in
            let elixir = try await fixture.startElixirNode()
            try await elixir.evalElixir(elixirCounter)
            #expect(try await elixir.eval("element(1, 'Elixir.GenServer':start('Elixir.SwerlCounter', 0, [{name, swerl_counter}]))") == "ok")
            let swift = try await fixture.startSwift()
            let counter = ServerRef.remote("swerl_counter", try NodeName(elixir.name))
            let matched = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<Self.concurrentCalls {
                    group.addTask {
                        let request: Term = .tuple([.atom("echo"), .integer(index)])
                        return try await swift.call(counter, request, timeout: .seconds(120)) == .integer(index)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(matched == Self.concurrentCalls)
        }
    }

    /// 10,000 concurrent `gen_server:call`s from as many erl processes to one Swift server: every
    /// caller gets the echo of its own request.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func tenThousandConcurrentCallsIntoSwift() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            try swift.startServer(SwiftCounter(), name: "swift_echo")
            let erl = try await fixture.startErl()
            let calls = """
                Parent = self(), N = \(Self.concurrentCalls),
                [spawn(fun() -> Parent ! {done, I, gen_server:call({swift_echo, '\(swift.name)'}, {n, I}, 120000)} end) || I <- lists:seq(1, N)],
                Collect = fun C(0, Matched) -> Matched;
                              C(K, Matched) -> receive {done, I, {echo, {n, I}}} -> C(K - 1, Matched + 1);
                                                       {done, _, _} -> C(K - 1, Matched)
                                               after 120000 -> Matched end end,
                Collect(N, 0)
                """
            #expect(try await erl.eval(calls, timeout: .seconds(150)) == "\(Self.concurrentCalls)")
        }
    }
}
