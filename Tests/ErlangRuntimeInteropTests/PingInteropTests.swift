import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

/// The node runtime against real OTP 25 and Elixir: ping in both directions, messages both ways,
/// auto-connect. Each test starts its own EPMD and nodes, with unique names and cookies.
@Suite(.serialized) struct RuntimeInteropTests {}

extension RuntimeInteropTests {
    /// `net_adm:ping` from erl gives pong, through the visible-node background traffic (rex,
    /// global); the Swift node lists erl, sees it come up, and its shutdown leaves EPMD and erl's `nodes()`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlPingsTheSwiftNode() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            let events = swift.events()
            let erl = try await fixture.startErl()
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            #expect(try await erl.eval("lists:member('\(swift.name)', nodes())") == "true")
            let erlName = try NodeName(erl.name)
            for await event in events {
                if case .nodeUp(let node, let hidden) = event, node == erlName {
                    #expect(!hidden)
                    break
                }
            }
            #expect(swift.nodes() == [erlName])
            #expect(swift.hiddenNodes().isEmpty)
            // The background traffic has had time to arrive; a second ping still answers.
            try await Task.sleep(for: .seconds(1))
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            await swift.shutdown()
            try await erl.waitFor("lists:member('\(swift.name)', nodes())", toBe: "false", timeout: .seconds(30))
            try await erl.waitFor(
                "lists:keymember(\"\(swift.name.alive)\", 1, element(2, net_adm:names()))", toBe: "false", timeout: .seconds(30))
        }
    }

    /// Elixir's `Node.ping` from `elixir` to the Swift node gives pong.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirNodePingGivesPong() async throws {
        try await RuntimeFixture.run { fixture in
            guard let elixir = ErlangInterop.executable(named: "elixir") else { throw InteropError("elixir is not installed") }
            let swift = try await fixture.startSwift()
            let name = DistributionTestNames.unique("iex") + "@127.0.0.1"
            let result = try await runProgram(
                elixir, ["--name", name, "--cookie", fixture.cookie, "-e", "IO.puts(Node.ping(:\"\(swift.name)\"))"],
                environment: ["ERL_EPMD_PORT": "\(fixture.epmd.port)"], timeout: .seconds(90))
            #expect(result.status == 0)
            #expect(result.output.split(separator: "\n").last == "pong")
        }
    }

    /// The Swift node's ping to an erl node gives pong; with the wrong cookie, or to a node that
    /// does not exist, pang.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swiftPingsErl() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            #expect(await swift.ping(try NodeName(erl.name)))
            #expect(try await erl.eval("lists:member('\(swift.name)', nodes())") == "true")
            let stranger = try await fixture.startSwift("stranger", cookie: "WRONGCOOKIE")
            #expect(!(await stranger.ping(try NodeName(erl.name))))
            #expect(!(await swift.ping(try NodeName("nosuchnode@127.0.0.1"))))
        }
    }

    /// `swerl ping NODE` prints pong and exits 0; with the wrong cookie it prints pang and exits 1.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func swerlPingCommand() async throws {
        try await RuntimeFixture.run { fixture in
            let swerl = try swerlExecutable()
            let erl = try await fixture.startErl()
            let environment = ["ERL_EPMD_PORT": "\(fixture.epmd.port)"]
            let pong = try await runProgram(swerl, ["ping", erl.name, "--setcookie", fixture.cookie], environment: environment)
            #expect(pong.status == 0)
            #expect(pong.output == "pong\n")
            let named = try await runProgram(
                swerl, ["ping", erl.name, "--setcookie", fixture.cookie, "--name", DistributionTestNames.unique("cli") + "@127.0.0.1"],
                environment: environment)
            #expect(named.output == "pong\n")
            let start = ContinuousClock.now
            let pang = try await runProgram(swerl, ["ping", erl.name, "--setcookie", "WRONGCOOKIE"], environment: environment)
            #expect(pang.status == 1)
            #expect(pang.output == "pang\n")
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }
}
