import ErlangDistribution
import ErlangGlobal
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension GlobalInteropTests {
    /// Two Swift nodes and one BEAM node: the Swift lockers negotiate with each other as with
    /// BEAM's, names registered on one Swift node reach the other, and transactions on the two
    /// Swift nodes exclude each other; BEAM sees everything.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func twoSwiftNodesShareNamesAndLocks() async throws {
        try await GlobalFixture.run { fixture in
            let (first, firstGlobal) = try await fixture.startSwift()
            let (second, secondGlobal) = try await fixture.startSwift()
            let process = try first.spawnProcess()
            #expect(try await firstGlobal.registerName(.atom("on_first"), process.pid))
            try await first.connect(to: second.name)
            try await firstGlobal.sync()
            try await secondGlobal.sync()
            #expect(secondGlobal.whereisName(.atom("on_first")) == process.pid)
            #expect(firstGlobal.knownNodes() == [second.name] && secondGlobal.knownNodes() == [first.name])

            let other = try second.spawnProcess()
            #expect(try await secondGlobal.registerName(.atom("on_first"), other.pid) == false)
            #expect(try await secondGlobal.registerName(.atom("on_second"), other.pid))
            #expect(firstGlobal.whereisName(.atom("on_second")) == other.pid)

            let lock = GlobalLockID(resource: .atom("shared"), requester: .atom("first"))
            let inner = try await firstGlobal.transaction(lock) {
                try await secondGlobal.transaction(GlobalLockID(resource: .atom("shared"), requester: .atom("second")), retries: 0) { 1 }
            }
            #expect(inner == .some(nil))
            #expect(try await secondGlobal.transaction(GlobalLockID(resource: .atom("shared"), requester: .atom("second")), retries: 0) { 2 } == 2)

            // A BEAM node joining through the second Swift node meshes with the first and sees both names.
            let erl = try await fixture.startErl()
            try await second.connect(to: try NodeName(erl.name))
            _ = try await poll("the first Swift node meshed with erl") { first.nodes().contains { $0.description == erl.name } ? true : nil }
            #expect(try await erl.eval("global:sync()", timeout: .seconds(30)) == "ok")
            #expect(try await erl.eval("[node(global:whereis_name(N)) || N <- [on_first, on_second]]") == "['\(first.name)','\(second.name)']")

            await first.shutdown()
            _ = try await poll("on_first gone from the second Swift node") { secondGlobal.whereisName(.atom("on_first")) == nil ? true : nil }
            try await erl.waitFor("global:whereis_name(on_first)", toBe: "undefined")
            try fixture.assertCleanLogs(warnings: true)
        }
    }
}

extension GlobalInteropTests {
    /// Fifty concurrent Swift registrations in a cluster with BEAM all succeed and reach BEAM.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func concurrentRegistrationsAllSucceed() async throws {
        try await GlobalFixture.run { fixture in
            let erls = try await fixture.startErlCluster(2)
            let (swift, global) = try await fixture.startSwift()
            try await swift.connect(to: try NodeName(erls[0].name))
            try await global.sync()
            let processes = try (0..<50).map { _ in try swift.spawnProcess() }
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, process) in processes.enumerated() {
                    group.addTask { try await global.registerName(.tuple([.atom("many"), .integer(index)]), process.pid) }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results == Array(repeating: true, count: 50))
            for erl in erls {
                #expect(try await erl.eval("length([N || {many, _} = N <- global:registered_names()])") == "50")
            }
            try fixture.assertCleanLogs()
        }
    }
}
