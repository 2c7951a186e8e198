import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension GlobalInteropTests {
    /// prevent_overlapping_partitions: when one BEAM node drops its link to the Swift node, both
    /// ends report the loss and the third node asks the Swift node to disconnect, so the Swift
    /// node ends up alone, as a BEAM node would. (Whether the two BEAM nodes also part depends on
    /// whether the Swift node's report of its loss reaches the third node before that node's
    /// `remove_connection` reaches the Swift node, as among three BEAM nodes; both outcomes leave
    /// no overlapping partitions.)
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aLostLinkIsolatesBothEndsAsOTPDoes() async throws {
        try await GlobalFixture.run { fixture in
            let erls = try await fixture.startErlCluster(2)
            let (swift, global) = try await fixture.startSwift()
            try await swift.connect(to: try NodeName(erls[0].name))
            _ = try await poll("the mesh") { swift.nodes().count == 2 ? true : nil }
            try await global.sync()
            for erl in erls { #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok") }

            #expect(try await erls[0].eval("erlang:disconnect_node('\(swift.name)')") == "true")
            _ = try await poll("the Swift node isolated") { swift.nodes().isEmpty ? true : nil }
            for erl in erls { try await erl.waitFor("lists:member('\(swift.name)', nodes())", toBe: "false") }
            #expect(global.knownNodes().isEmpty)
            try fixture.assertCleanLogs(warnings: true)
        }
    }

    /// Elixir's `:global` finds a Swift-registered name and `:global.send/2` reaches it; Swift
    /// finds a name Elixir registered, and calls a server by its global name.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirFindsSwiftNamesAndSwiftFindsElixirNames() async throws {
        try await GlobalFixture.run { fixture in
            let iex = try await fixture.startErl("iex", arguments: try ErlangInterop.elixirArguments())
            try await iex.startElixir()
            let (swift, global) = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            #expect(try await global.registerName(.atom("swift_service"), process.pid))
            try await swift.connect(to: try NodeName(iex.name))
            #expect(try await iex.evalElixir(":global.sync()", timeout: .seconds(30)) == "ok")
            #expect(try await iex.evalElixir("node(:global.whereis_name(:swift_service))") == "'\(swift.name)'")
            #expect(try await iex.evalElixir("is_pid(:global.send(:swift_service, {:from_elixir, 42}))") == "true")
            #expect(await process.receive(timeout: .seconds(20)) == .tuple([.atom("from_elixir"), .integer(42)]))
            #expect(try await iex.evalElixir(":global.register_name(:elixir_service, spawn(fn -> Process.sleep(:infinity) end))") == "yes")
            let found = try await poll("elixir_service on the Swift node") { global.whereisName(.atom("elixir_service")) }
            #expect(found.node.name == iex.name)

            // A call by global name (`{global, Name}`): BEAM's own global_name_server registered
            // globally answers get_known with the Swift node.
            #expect(try await iex.evalElixir(":global.register_name(:known_server, Process.whereis(:global_name_server))") == "yes")
            _ = try await poll("known_server on the Swift node") { global.whereisName(.atom("known_server")) }
            #expect(try await swift.call(.via(global, .atom("known_server")), .atom("get_known")) == .list([.atom(swift.name.atom)]))
            try fixture.assertCleanLogs()
        }
    }
}
