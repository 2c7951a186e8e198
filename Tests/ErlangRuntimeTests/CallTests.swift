import ErlangDistribution
import ErlangTerm
import Testing

@testable import ErlangRuntime

@Suite struct SpawnPlanTests {
    let ref: Term = .reference(Reference(node: "erl@host", ids: [1, 2, 3], creation: 4))
    let executeCall = ControlMessage.SpawnFunction(module: "erpc", function: "execute_call", arity: 4)

    private func plan(_ function: ControlMessage.SpawnFunction, _ options: [Term] = [], _ arguments: Term?) -> Result<SpawnPlan, SpawnRefusal> {
        SpawnPlan.make(function: function, options: options, arguments: arguments, isServed: { $0 == FunctionName("m", "served", arity: 1) })
    }

    @Test func erpcCallsAreRunWhateverTheFunction() {
        let arguments: Term = .list([ref, .atom("nomod"), .atom("nofun"), .list([1, 2])])
        let expected = SpawnPlan(job: .erpcCall(result: ref, FunctionName("nomod", "nofun", arity: 2), [1, 2]), monitor: true)
        #expect(plan(executeCall, [.atom("monitor")], arguments) == .success(expected))
        #expect(plan(executeCall, [.tuple([.atom("monitor"), .list([])]), .atom("link")], arguments)
            == .success(SpawnPlan(job: expected.job, link: true, monitor: true)))
    }

    @Test func erpcCastsAndServedSpawns() {
        let cast = ControlMessage.SpawnFunction(module: "erpc", function: "execute_cast", arity: 3)
        #expect(plan(cast, [], .list([.atom("m"), .atom("f"), .list([])])) == .success(SpawnPlan(job: .erpcCast(FunctionName("m", "f", arity: 0), []))))
        let served = ControlMessage.SpawnFunction(module: "m", function: "served", arity: 1)
        #expect(plan(served, [.atom("link")], .list([.atom("x")])) == .success(SpawnPlan(job: .apply(FunctionName("m", "served", arity: 1), [.atom("x")]), link: true)))
    }

    @Test func refusalsAsOTPAnswersThem() {
        let other = ControlMessage.SpawnFunction(module: "io", function: "format", arity: 1)
        #expect(plan(other, [], .list([.string(Array("x".utf8))])) == .failure(SpawnRefusal("notsup")))
        #expect(plan(executeCall, [.tuple([.atom("bogus"), 1])], .list([ref, .atom("m"), .atom("f"), .list([])])) == .failure(SpawnRefusal("badopt")))
        #expect(plan(executeCall, [.integer(7)], .list([ref, .atom("m"), .atom("f"), .list([])])) == .failure(SpawnRefusal("badopt")))
        #expect(plan(executeCall, [], .list([ref])) == .failure(SpawnRefusal("badarg")))
        #expect(plan(executeCall, [], nil) == .failure(SpawnRefusal("badarg")))
        #expect(plan(executeCall, [], .list([ref, 1, .atom("f"), .list([])])) == .failure(SpawnRefusal("notsup")))
    }
}

@Suite struct ERPCResultTests {
    let result: Term = .reference(Reference(node: "erl@host", ids: [1, 2, 3], creation: 4))

    private func outcome(_ reason: Term) -> Result<Term, CallError> {
        do { return .success(try ErlangNode.erpcResult(reason, result: result)) } catch { return .failure(error as! CallError) }
    }

    @Test func exitReasonsReadAsErpcResultReadsThem() {
        #expect(outcome(.tuple([result, .atom("return"), 42])) == .success(42))
        #expect(outcome(.tuple([result, .atom("throw"), .atom("ball")])) == .failure(CallError(.exception, reason: .atom("ball"), exceptionClass: "throw")))
        #expect(outcome(.tuple([result, .atom("exit"), .atom("bye")])) == .failure(CallError(.exception, reason: .atom("bye"), exceptionClass: "exit")))
        #expect(outcome(.tuple([result, .atom("error"), .atom("undef"), .list([])]))
            == .failure(CallError(.exception, reason: .atom("undef"), exceptionClass: "error", stack: .list([]))))
        #expect(outcome(.tuple([result, .atom("error"), .tuple([.atom("erpc"), .atom("system_limit")])]))
            == .failure(CallError(.erpc, reason: .atom("system_limit"))))
        #expect(outcome(.atom("noconnection")) == .failure(CallError(.noconnection, reason: .atom("noconnection"))))
        #expect(outcome(.atom("killed")) == .failure(CallError(.signal, reason: .atom("killed"))))
        // Another call's result reference is not ours.
        let other: Term = .reference(Reference(node: "erl@host", ids: [9, 9, 9], creation: 4))
        #expect(outcome(.tuple([other, .atom("return"), 1])) == .failure(CallError(.signal, reason: .tuple([other, .atom("return"), 1]))))
    }

    @Test func swiftErrorsBecomeErlangErrors() {
        struct Oops: Error, CustomStringConvertible { var description: String { "oops" } }
        #expect(ErlangException.from(Oops()) == .error(.tuple([.atom("swift_error"), .binary(Array("oops".utf8))])))
        #expect(ErlangException.from(ErlangException.exit(.atom("x"))) == .exit(.atom("x")))
        let name = FunctionName("m", "f", arity: 2)
        #expect(ErlangNode.crashReason(.error(.atom("e")), name) == .tuple([.atom("e"), ErlangNode.stack(name)]))
        #expect(ErlangNode.crashReason(.exit(.atom("x")), name) == .atom("x"))
        #expect(ErlangNode.crashReason(ErlangException(.throw, 1), name) == .tuple([.tuple([.atom("nocatch"), 1]), ErlangNode.stack(name)]))
    }
}

/// `{system, From, Request}` as `gen:call(Name, system, Request)` sends it (`sys.erl`).
@Suite struct SystemRequestTests {
    let caller = PID(node: "erl@127.0.0.1", id: 90, serial: 0, creation: 1)

    func message(_ request: Term) -> Term {
        .tuple([.atom("system"), .tuple([.pid(caller), .list([.atom("alias")])]), request])
    }

    @Test func theRequestsSysSends() {
        #expect(SystemRequest.parse(message(.atom("get_state")))?.request == .getState)
        #expect(SystemRequest.parse(message(.atom("get_status")))?.request == .getStatus)
        #expect(SystemRequest.parse(message(.atom("suspend")))?.request == .suspend)
        #expect(SystemRequest.parse(message(.atom("resume")))?.request == .resume)
        #expect(SystemRequest.parse(message(.tuple([.atom("terminate"), .atom("shutdown")])))?.request == .terminate(.atom("shutdown")))
        let debug = Term.tuple([.atom("debug"), .tuple([.atom("log"), .atom("true")])])
        #expect(SystemRequest.parse(message(debug))?.request == .other(debug))
        #expect(SystemRequest.parse(message(.atom("get_state")))?.from == caller)
    }

    @Test func otherMessagesAreNotSystemMessages() {
        #expect(SystemRequest.parse(.tuple([.atom("system"), .pid(caller), .atom("get_state")])) == nil)
        #expect(SystemRequest.parse(.tuple([.atom("$gen_call"), .tuple([.pid(caller), .atom("t")]), .atom("get_state")])) == nil)
        #expect(!SystemRequest.isSystemMessage(.atom("system")))
    }
}
