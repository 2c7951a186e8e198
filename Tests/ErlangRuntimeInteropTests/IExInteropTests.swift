import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// A real `iex` session (commands piped on standard input, no terminal) pings the Swift node
    /// with `Node.ping/1` and gets `:pong`, and sees it in `Node.list/1`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func anIExSessionPingsTheSwiftNode() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            let output = try await IExSession.run(
                name: DistributionTestNames.unique("iex") + "@127.0.0.1", cookie: fixture.cookie, epmdPort: fixture.epmd.port,
                commands: [
                    "IO.puts(\"PING=#{Node.ping(:\"\(swift.name)\")}\")",
                    "IO.puts(\"LISTED=#{:\"\(swift.name)\" in Node.list()}\")",
                ])
            #expect(output.contains("PING=pong"), "iex printed: \(output)")
            #expect(output.contains("LISTED=true"), "iex printed: \(output)")
        }
    }
}
