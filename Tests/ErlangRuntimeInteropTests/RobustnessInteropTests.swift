import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// `erpc:call` of a built-in works; a spawn request for an MFA the Swift node does not serve
    /// fails at once with `notsup` instead of hanging, and the connection stays up.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func unservedSpawnRequestsFailFast() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let erpc = "try erpc:call('\(swift.name)', erlang, node, [], 10000) catch error:E -> E end"
            #expect(try await erl.eval(erpc) == "'\(swift.name)'")
            let spawn = "R = spawn_request('\(swift.name)', io, format, [\"x\"], []), receive {spawn_reply, R, error, E} -> E after 10000 -> none end"
            #expect(try await erl.eval(spawn) == "notsup")
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
        }
    }

    /// A send to a node that is not up fails with `connectFailed`; once the node is up the next
    /// send connects. Node events report the erl node's up and down.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aFailedConnectIsRetriedOnTheNextSend() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift()
            let events = swift.events()
            let process = try swift.spawnProcess()
            let alive = DistributionTestNames.unique("late")
            let late = try NodeName("\(alive)@127.0.0.1")
            await #expect {
                try await process.send(.atom("early"), to: "swerl_test", at: late)
            } throws: { ($0 as? ErlangNodeError)?.code == .connectFailed }
            let erl = try await fixture.startErl(alive: alive)
            try await process.send(.atom("late"), to: "swerl_test", at: late)
            #expect(try await erl.eval("receive M -> M after 10000 -> timeout end") == "late")
            erl.stop()
            var seen: [String] = []
            for await event in events {
                switch event {
                case .nodeUp(let node, _) where node == late: seen.append("up")
                case .nodeDown(let node, _) where node == late:
                    // The peer's socket closed: a clean close, so no error as the reason.
                    seen.append("down")
                default: continue
                }
                if seen.count == 2 { break }
            }
            #expect(seen == ["up", "down"])
        }
    }
}

extension RuntimeInteropTests {
    /// A hidden Swift node: erl lists it in `nodes(hidden)`, not `nodes()`, and the Swift node
    /// lists erl among its hidden nodes; ping works both ways.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aHiddenSwiftNode() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift(hidden: true)
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            #expect(try await erl.eval("{lists:member('\(swift.name)', nodes()), lists:member('\(swift.name)', nodes(hidden))}") == "{false,true}")
            let erlNode = try NodeName(erl.name)
            #expect(await swift.ping(erlNode))
            #expect(swift.hiddenNodes() == [erlNode])
            #expect(swift.nodes().isEmpty)
        }
    }
}
