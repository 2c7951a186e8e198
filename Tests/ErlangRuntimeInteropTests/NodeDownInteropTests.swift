import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// erl's reason from `net_kernel:monitor_nodes(true, [nodedown_reason])` for `node`.
    private static func erlNodeDownReason(on erl: ErlangNodeProcess, of node: NodeName) async throws -> String {
        let wait = """
            receive {nodedown, '\(node)', Info} -> proplists:get_value(nodedown_reason, Info) \
            after 30000 -> timeout end
            """
        return try await erl.eval(wait, timeout: .seconds(40))
    }

    /// A local disconnect and the peer's disconnect: `disconnect(_:)` gives `disconnect` here and
    /// `connection_closed` on erl; erl's `disconnect_node/1` gives `disconnect` there and
    /// `connection_closed` here. A later send connects again.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func nodeDownReasonsOfDisconnects() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            #expect(try await erl.eval("net_kernel:monitor_nodes(true, [nodedown_reason])") == "ok")
            let first = NodeEventRecorder(swift)
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            #expect(await swift.disconnect(erlNode))
            #expect(try await first.nodeDown(erlNode).kind == .disconnect)
            #expect(try await Self.erlNodeDownReason(on: erl, of: swift.name) == "connection_closed")
            #expect(await swift.disconnect(erlNode) == false)

            let second = NodeEventRecorder(swift)
            #expect(await swift.ping(erlNode))
            #expect(try await erl.eval("erlang:disconnect_node('\(swift.name)')") == "true")
            let reason = try await second.nodeDown(erlNode)
            #expect(reason.kind == .connectionClosed)
            #expect(reason.term == .atom("connection_closed"))
            #expect(try await Self.erlNodeDownReason(on: erl, of: swift.name) == "disconnect")
            #expect(await swift.ping(erlNode))
        }
    }

    /// `kill -9` of the erl node gives `connection_closed`; a suspended erl node (SIGSTOP) is
    /// dropped after `net_ticktime` with `net_tick_timeout`; the Swift node's shutdown gives erl
    /// `connection_closed`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func nodeDownReasonsOfLostPeers() async throws {
        try await RuntimeFixture.run { fixture in
            let swift = try await fixture.startSwift(netTickTime: .seconds(4))
            let events = NodeEventRecorder(swift)

            let killed = try await fixture.startErl("killed")
            let killedNode = try NodeName(killed.name)
            #expect(await swift.ping(killedNode))
            killed.stop()
            #expect(try await events.nodeDown(killedNode).kind == .connectionClosed)

            let stopped = try await fixture.startErl("stopped", netTickTime: 4)
            let stoppedNode = try NodeName(stopped.name)
            #expect(await swift.ping(stoppedNode))
            stopped.suspend()
            defer { stopped.resume() }
            let reason = try await events.nodeDown(stoppedNode)
            #expect(reason.kind == .netTickTimeout)
            #expect(reason.term == .atom("net_tick_timeout"))
            stopped.resume()

            let watcher = try await fixture.startErl("watcher")
            #expect(try await watcher.eval("net_kernel:monitor_nodes(true, [nodedown_reason])") == "ok")
            #expect(try await watcher.eval("net_adm:ping('\(swift.name)')") == "pong")
            await swift.shutdown()
            #expect(try await Self.erlNodeDownReason(on: watcher, of: swift.name) == "connection_closed")
        }
    }
}
