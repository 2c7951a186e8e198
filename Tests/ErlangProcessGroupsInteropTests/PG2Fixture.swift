import ErlangDistribution
import ErlangGlobal
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import ErlangTestSupport
import Logging

extension PGFixture {
    /// A Swift node running `global` and `pg2` (OTP 25 has no pg2: only Swift nodes run it).
    func startSwiftPG2(_ prefix: String = "swift") async throws -> (node: ErlangNode, pg2: PG2) {
        var logger = Logger(label: "swerl.pg2-interop")
        logger.logLevel = .notice
        let global = Global()
        let node = try await ErlangNode.start(.init(
            name: .long(DistributionTestNames.unique(prefix) + "@127.0.0.1"), cookie: .explicit(cookie),
            epmdPort: epmd.port, listenHost: "127.0.0.1", logger: logger, services: [global.service]))
        track(node)
        return (node, try await PG2.start(on: node, global: global))
    }
}

extension ErlangNodeProcess {
    /// Registers a stand-in `pg2` on this BEAM node that answers every call `ok` (as OTP 23's
    /// pg2 answers create, delete, join and leave) and records what it receives, in order:
    /// `{call, Verb}` for a request of `handle_call/3`'s shapes (`{call, bad}` otherwise),
    /// `{cast, exchange}` for an exchange of `[[Name, [Pid]]]`, `{cast, del_member}` (`{cast, bad}` otherwise), and
    /// any plain message as it is.
    func startPG2Recorder() async throws {
        _ = try await eval("""
            Call = fun({create, _}) -> create; ({delete, _}) -> delete;
                ({join, _, P}) when is_pid(P) -> join; ({leave, _, P}) when is_pid(P) -> leave; (_) -> bad end,
            Group = fun([_, Ms]) when is_list(Ms) -> lists:all(fun erlang:is_pid/1, Ms); (_) -> false end,
            Cast = fun({exchange, N, L}) when is_atom(N), is_list(L) ->
                case lists:all(Group, L) of true -> exchange; false -> bad end;
                ({del_member, _, P}) when is_pid(P) -> del_member; (_) -> bad end,
            F = fun Loop(Acc) -> receive
                {get, From} -> From ! {events, lists:reverse(Acc)}, Loop(Acc);
                {'$gen_call', {Pid, Tag}, Req} -> Pid ! {Tag, ok}, Loop([{call, Call(Req)} | Acc]);
                {'$gen_cast', C} -> Loop([{cast, Cast(C)} | Acc]);
                Other -> Loop([Other | Acc]) end end,
            register(pg2, spawn(fun() -> F([]) end))
            """)
    }

    /// The recorder's events that are among `kept` (Erlang terms as text), in order.
    func pg2Events(keeping kept: [String]) async throws -> String {
        try await eval("""
            pg2 ! {get, self()}, receive {events, E} -> [X || X <- E, lists:member(X, [\(kept.joined(separator: ","))])]
            after 10000 -> timeout end
            """)
    }
}
