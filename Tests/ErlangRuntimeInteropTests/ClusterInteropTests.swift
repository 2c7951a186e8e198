import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// Two Swift nodes and two erl nodes in one cluster, all talking to all by `{Name, Node}`
    /// (every connection set up by the first send); then a Swift node goes away and an erl
    /// monitor on one of its processes fires with `noconnection`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func twoSwiftAndTwoErlNodesAllTalkToAll() async throws {
        try await RuntimeFixture.run { fixture in
            let erls = [try await fixture.startErl("erl_a"), try await fixture.startErl("erl_b")]
            let swifts = [try await fixture.startSwift("swift_a"), try await fixture.startSwift("swift_b")]
            let processes = try swifts.map { node in
                let process = try node.spawnProcess()
                try process.register(as: "swerl_test")
                return process
            }
            let names = try erls.map { try NodeName($0.name) } + swifts.map(\.name)
            let list = "[" + names.map { "'\($0)'" }.joined(separator: ",") + "]"

            for (index, process) in processes.enumerated() {
                for target in names where target != swifts[index].name {
                    try await process.send(.tuple([.atom("from"), .atom(swifts[index].name.atom)]), to: "swerl_test", at: target)
                }
            }
            for erl in erls {
                let send = "[{swerl_test, N} ! {from, node()} || N <- \(list), N =/= node()], ok"
                #expect(try await erl.eval(send) == "ok")
            }

            for (index, erl) in erls.enumerated() {
                let expected = "[" + names.filter { $0.description != erls[index].name }.map { "'\($0)'" }.sorted().joined(separator: ",") + "]"
                let collect = "lists:sort([receive {from, N} -> N after 20000 -> timeout end || _ <- [1, 2, 3]])"
                #expect(try await erl.eval(collect) == expected)
            }
            for (index, process) in processes.enumerated() {
                var senders: [Term] = []
                for _ in 0..<3 {
                    guard case .tuple(let message)? = await process.receive(timeout: .seconds(30)) else { break }
                    senders.append(message[1])
                }
                let expected = names.filter { $0 != swifts[index].name }.map { Term.atom($0.atom) }
                #expect(Set(senders) == Set(expected))
                #expect(Set(swifts[index].nodes()) == Set(names.filter { $0 != swifts[index].name }))
            }

            // An erl monitor on a process of a Swift node that shuts down: noconnection.
            let watched = try swifts[1].spawnProcess()
            try await watched.send(.tuple([.atom("watch"), .pid(watched.pid)]), to: "swerl_test", at: try NodeName(erls[0].name))
            let monitor = "receive {watch, P} -> put(w, erlang:monitor(process, P)), P ! monitored, ok after 10000 -> timeout end"
            #expect(try await erls[0].eval(monitor) == "ok")
            #expect(await watched.receive(timeout: .seconds(30)) == .atom("monitored"))
            await swifts[1].shutdown()
            let down = "R = get(w), receive {'DOWN', R, process, _, Reason} -> Reason after 30000 -> timeout end"
            #expect(try await erls[0].eval(down) == "noconnection")
        }
    }
}
