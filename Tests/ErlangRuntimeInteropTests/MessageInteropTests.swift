import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// A Swift process and an erl process exchange messages by registered name and by pid.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func messagesBothWaysByNameAndPid() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            try process.register(as: "swift_echo")

            // Swift to erl by name; erl answers the Swift pid.
            try await process.send(.tuple([.atom("hello"), .pid(process.pid)]), to: "swerl_test", at: erlNode)
            #expect(try await erl.eval("receive {hello, P} -> P ! {reply, self()}, ok after 10000 -> timeout end") == "ok")
            let reply = try #require(await process.receive(timeout: .seconds(30)))
            guard case .tuple(let elements) = reply, elements.count == 2, case .pid(let erlPid) = elements[1] else {
                throw InteropError("unexpected reply \(reply)")
            }
            #expect(elements[0] == .atom("reply"))
            #expect(erlPid.node == erlNode.atom)

            // Swift to erl by pid.
            try await process.send(.tuple([.atom("by_pid"), 42]), to: erlPid)
            #expect(try await erl.eval("receive {by_pid, N} -> N after 10000 -> timeout end") == "42")

            // erl to Swift by registered name.
            #expect(try await erl.eval("{swift_echo, '\(swift.name)'} ! {from_erl, self()}, ok") == "ok")
            let fromErl = await process.receive(matching: { if case .tuple(let t) = $0 { t.first == .atom("from_erl") } else { false } }, timeout: .seconds(30))
            #expect(fromErl == .tuple([.atom("from_erl"), .pid(erlPid)]))

            // A name nobody has on the Swift node: dropped, and the connection stays up.
            #expect(try await erl.eval("{nobody_here, '\(swift.name)'} ! lost, ok") == "ok")
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            #expect(process.mailbox.count == 0)
        }
    }

    /// 100,000 numbered messages from a Swift process to an erl process arrive all, in order.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func manyMessagesSwiftToErlKeepTheirOrder() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            let erlNode = try NodeName(erl.name)
            for number in 1...100_000 {
                try await process.send(.tuple([.atom("n"), .integer(number)]), to: "swerl_test", at: erlNode)
            }
            let check = """
                (fun Loop(N) when N > 100000 -> ok; Loop(N) -> receive {n, N} -> Loop(N + 1); {n, M} -> {out_of_order, N, M} \
                after 30000 -> {lost, N} end end)(1)
                """
            #expect(try await erl.eval(check, timeout: .seconds(300)) == "ok")
        }
    }

    /// 100,000 numbered messages from an erl process to a Swift process arrive all, in order.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func manyMessagesErlToSwiftKeepTheirOrder() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            try process.register(as: "swift_sink")
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            let send = "lists:foreach(fun(I) -> {swift_sink, '\(swift.name)'} ! {n, I} end, lists:seq(1, 100000))"
            #expect(try await erl.eval(send, timeout: .seconds(300)) == "ok")
            for number in 1...100_000 {
                let message = await process.receive(timeout: .seconds(60))
                guard message == .tuple([.atom("n"), .integer(number)]) else {
                    Issue.record("message \(number) is \(message.map { "\($0)" } ?? "missing")")
                    return
                }
            }
            #expect(process.mailbox.count == 0)
        }
    }

    /// Sending to `{Name, Node}` of an unconnected erl node connects first; concurrent senders
    /// share one connection; a node EPMD does not know fails the send with `connectFailed`.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func sendingToAnUnconnectedNodeConnectsFirst() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let erlNode = try NodeName(erl.name)
            let swift = try await fixture.startSwift()
            #expect(swift.nodes().isEmpty)
            let senders = try (0..<5).map { _ in try swift.spawnProcess() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, sender) in senders.enumerated() {
                    group.addTask { try await sender.send(.tuple([.atom("auto"), .integer(index)]), to: "swerl_test", at: erlNode) }
                }
                try await group.waitForAll()
            }
            #expect(swift.nodes() == [erlNode])
            let collect = "lists:sort([receive {auto, I} -> I after 10000 -> timeout end || _ <- lists:seq(1, 5)])"
            #expect(try await erl.eval(collect) == "[0,1,2,3,4]")
            #expect(try await erl.eval("lists:member('\(swift.name)', nodes())") == "true")

            let nowhere = try NodeName("nosuchnode@127.0.0.1")
            await #expect {
                try await senders[0].send(.atom("lost"), to: "anyone", at: nowhere)
            } throws: { error in
                (error as? ErlangNodeError)?.code == .connectFailed
            }
        }
    }
}
