import ErlangDistribution
import ErlangTerm

/// What a `SPAWN_REQUEST` asks this node to run, read from its MFA, options and argument list:
/// pure, so that tests can check every refusal.
struct SpawnPlan: Equatable {
    /// The work of the new process.
    enum Job: Equatable {
        /// `erpc:execute_call(Ref, M, F, A)` (`erpc.erl`, `call/5`, `send_request/4`,
        /// `multicall/5`): run `M:F(A...)` and exit with `{Ref, return, Value}` or the exception.
        case erpcCall(result: Term, FunctionName, [Term])
        /// `erpc:execute_cast(M, F, A)` (`erpc.erl`, `cast/4`, `multicast/4`; `rpc:cast/4`): run it,
        /// nobody waits for the result.
        case erpcCast(FunctionName, [Term])
        /// `spawn(Node, M, F, A)` of a function this node serves.
        case apply(FunctionName, [Term])
    }

    /// The work.
    var job: Job
    /// `link` was asked: the requester and the new process are linked.
    var link = false
    /// `monitor` was asked: the requester monitors the new process, with the request id as the reference.
    var monitor = false

    /// The spawn options OTP 25 accepts (`erlang.erl`, `spawn_opt/4`, and the `spawn_request`
    /// ones); anything else is `badopt`, as `erts_internal:spawn_request/4` answers.
    static let acceptedOptions: Set<Atom> = [
        "priority", "fullsweep_after", "min_heap_size", "min_bin_vheap_size", "max_heap_size",
        "message_queue_data", "async_dist", "reply", "reply_tag", "monitor",
    ]

    /// Reads a request; the error is the atom the `SPAWN_REPLY` carries: `badarg` for an argument
    /// list that does not match the arity, `badopt` for an option OTP would refuse, `notsup` for
    /// an MFA this node cannot run (no Erlang code runs here).
    static func make(
        function: ControlMessage.SpawnFunction, options: [Term], arguments: Term?, isServed: (FunctionName) -> Bool
    ) -> Result<SpawnPlan, SpawnRefusal> {
        guard let arguments = arguments?.listElements, arguments.count == function.arity else { return .failure(.init("badarg")) }
        var plan = SpawnPlan(job: .apply(FunctionName(function.module, function.function, arity: function.arity), arguments))
        for option in options {
            switch option {
            case .atom("link"): plan.link = true
            case .atom("monitor"): plan.monitor = true
            case .tuple(let pair) where pair.count == 2:
                guard case .atom(let key) = pair[0], acceptedOptions.contains(key) else { return .failure(.init("badopt")) }
                if key == "monitor" { plan.monitor = true }
            default: return .failure(.init("badopt"))
            }
        }
        guard let job = job(function, arguments, isServed: isServed) else { return .failure(.init("notsup")) }
        plan.job = job
        return .success(plan)
    }

    private static func job(_ function: ControlMessage.SpawnFunction, _ arguments: [Term], isServed: (FunctionName) -> Bool) -> Job? {
        switch (function.module, function.function, arguments.count) {
        case ("erpc", "execute_call", 4):
            guard let (name, callArguments) = call(arguments[1], arguments[2], arguments[3]) else { return nil }
            return .erpcCall(result: arguments[0], name, callArguments)
        case ("erpc", "execute_cast", 3):
            guard let (name, callArguments) = call(arguments[0], arguments[1], arguments[2]) else { return nil }
            return .erpcCast(name, callArguments)
        default:
            let name = FunctionName(function.module, function.function, arity: function.arity)
            return isServed(name) ? .apply(name, arguments) : nil
        }
    }

    private static func call(_ module: Term, _ function: Term, _ arguments: Term) -> (FunctionName, [Term])? {
        guard case .atom(let module) = module, case .atom(let function) = function, let arguments = arguments.listElements else { return nil }
        return (FunctionName(module, function, arity: arguments.count), arguments)
    }
}

/// Why a spawn request is refused: the error atom of its `SPAWN_REPLY`.
struct SpawnRefusal: Error, Equatable {
    var reason: Atom

    init(_ reason: Atom) {
        self.reason = reason
    }
}
