import ErlangDistribution
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Testing

extension RuntimeInteropTests {
    /// `gen_server:call` from OTP 25 to a Swift process by `{Name, Node}`: the call comes tagged
    /// `[alias|Ref]`, the reply goes to the alias (`ALIAS_SEND`) and reaches the caller, leaving
    /// nothing behind in its mailbox.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func aReplyToAnAliasTaggedCallReachesTheOTPCaller() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let server = try swift.spawnProcess()
            try server.register(as: "swift_server")
            let tags = Task {
                var tags: [Term] = []
                for await message in server.mailbox {
                    guard case .tuple(let call) = message, call.count == 3, call[0] == .atom("$gen_call"),
                          case .tuple(let fromTag) = call[1], fromTag.count == 2, case .pid(let from) = fromTag[0] else { continue }
                    tags.append(fromTag[1])
                    try? await server.reply(.tuple([.atom("echo"), call[2]]), to: from, tag: fromTag[1])
                    if tags.count == 2 { break }
                }
                return tags
            }
            #expect(try await erl.eval("gen_server:call({swift_server, '\(swift.name)'}, hello, 10000)") == "{echo,hello}")
            #expect(try await erl.eval("gen_server:call({swift_server, '\(swift.name)'}, {again, 2}, 10000)") == "{echo,{again,2}}")
            #expect(try await erl.eval("receive M -> {left, M} after 300 -> none end") == "none")
            let received = await tags.value
            #expect(received.allSatisfy { if case .improperList([.atom("alias")], .reference) = $0 { true } else { false } })
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
        }
    }

    /// erl sends to an alias of a Swift process (`ALIAS_SEND` in); after `unalias` the alias
    /// takes nothing.
    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlSendsToASwiftAlias() async throws {
        try await RuntimeFixture.run { fixture in
            let erl = try await fixture.startErl()
            let swift = try await fixture.startSwift()
            let process = try swift.spawnProcess()
            let alias = process.alias()
            try await process.send(.tuple([.atom("alias"), .reference(alias)]), to: "swerl_test", at: try NodeName(erl.name))
            #expect(try await erl.eval("receive {alias, A} -> put(a, A), A ! via_alias, ok after 10000 -> timeout end") == "ok")
            #expect(await process.receive(timeout: .seconds(30)) == .atom("via_alias"))
            #expect(process.unalias(alias))
            #expect(try await erl.eval("get(a) ! dropped, ok") == "ok")
            #expect(try await erl.eval("net_adm:ping('\(swift.name)')") == "pong")
            #expect(await process.receive(timeout: .milliseconds(500)) == nil)
        }
    }
}
