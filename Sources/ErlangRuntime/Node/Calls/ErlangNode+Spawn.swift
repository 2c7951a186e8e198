import ErlangDistribution
import ErlangTerm
import Logging

extension ErlangNode {
    /// `SPAWN_REQUEST` from a peer (distribution.md 4.5): runs the Swift function an `erpc` call,
    /// cast or `spawn/4` names in a new process, and answers `SPAWN_REPLY` with its pid (after
    /// setting up the link and monitor asked for, so that no exit can overtake the reply), or
    /// with the error atom of a refusal. The result travels as OTP's does: as the exit reason of
    /// the new process, through its monitor (`erpc.erl`, `execute_call/4`).
    func spawnRequested(
        id: Reference, from: PID, function: ControlMessage.SpawnFunction, options: [Term], arguments: Term?,
        on connection: DistributionConnection
    ) async {
        let plan: SpawnPlan
        switch SpawnPlan.make(function: function, options: options, arguments: arguments, isServed: { self.function($0) != nil }) {
        case .success(let made): plan = made
        case .failure(let refusal):
            logger.debug("spawn request refused", metadata: [
                "peer": "\(connection.peer)", "function": "\(function.module):\(function.function)/\(function.arity)",
                "reason": "\(refusal.reason)"])
            try? await connection.send(DistributionMessage(control: .spawnReply(id: id, to: from, flags: [], result: .error(refusal.reason))))
            return
        }
        logger.debug("spawn request", metadata: [
            "peer": "\(connection.peer)", "function": "\(function.module):\(function.function)/\(function.arity)",
            "options": "\(options)"])
        guard let process = try? spawnProcess() else {
            try? await connection.send(DistributionMessage(control: .spawnReply(id: id, to: from, flags: [], result: .error("system_limit"))))
            return
        }
        var flags: ControlMessage.SpawnReplyFlags = []
        state.withLockedValue { state in
            if plan.link, state.links.link(process.pid, from) { flags.insert(.link) }
            if plan.monitor {
                state.monitors.add(.init(target: process.pid, targetAs: .pid(process.pid), watcher: from, peer: connection.peer), reference: id)
                flags.insert(.monitor)
            }
        }
        try? await connection.send(DistributionMessage(control: .spawnReply(id: id, to: from, flags: flags, result: .pid(process.pid))))
        Task {
            let reason = await run(plan.job, in: process)
            process.exit(reason)
        }
    }

    /// Runs a job and gives the exit reason of its process.
    private func run(_ job: SpawnPlan.Job, in process: ErlangProcess) async -> Term {
        switch job {
        case .erpcCall(let result, let name, let arguments):
            return await erpcCallReason(result, name, arguments, in: process)
        case .erpcCast(let name, let arguments):
            guard let exception = await apply(name, arguments, in: process).exception else { return .atom("normal") }
            // erpc.erl, execute_cast/3: error({exception, {Reason, Stack}}); OTP logs it as a crash.
            logger.error("an erpc cast raised", metadata: ["function": "\(name)", "exception": "\(exception)"])
            return .tuple([.atom("exception"), .tuple([exception.reason, Self.stack(name)])])
        case .apply(let name, let arguments):
            guard let exception = await apply(name, arguments, in: process).exception else { return .atom("normal") }
            logger.error("a spawned function raised", metadata: ["function": "\(name)", "exception": "\(exception)"])
            return Self.crashReason(exception, name)
        }
    }

    /// `erpc.erl`, `execute_call/4`: `{Ref, return, Value}`, `{Ref, throw, Value}`,
    /// `{Ref, exit, Reason}` or `{Ref, error, Reason, Stack}`; a function nobody serves raises
    /// `undef` with the stack `[{M, F, Args, []}]`, as `apply/3` of a missing function does.
    private func erpcCallReason(_ result: Term, _ name: FunctionName, _ arguments: [Term], in process: ErlangProcess) async -> Term {
        switch await apply(name, arguments, in: process) {
        case .returned(let value):
            return .tuple([result, .atom("return"), value])
        case .undefined:
            let stack: Term = .list([.tuple([.atom(name.module), .atom(name.function), .list(arguments), .list([])])])
            return .tuple([result, .atom("error"), .atom("undef"), stack])
        case .raised(let exception) where exception.class == .error:
            return .tuple([result, .atom("error"), exception.reason, Self.stack(name)])
        case .raised(let exception):
            return .tuple([result, .atom(exception.class.atom), exception.reason])
        }
    }

    /// How a served function ended.
    enum Outcome {
        case returned(Term)
        case raised(ErlangException)
        case undefined

        var exception: ErlangException? {
            switch self {
            case .returned: nil
            case .raised(let exception): exception
            case .undefined: .error(.atom("undef"))
            }
        }
    }

    private func apply(_ name: FunctionName, _ arguments: [Term], in process: ErlangProcess) async -> Outcome {
        guard let body = function(name) else { return .undefined }
        do {
            return .returned(try await body(arguments, process))
        } catch {
            return .raised(ErlangException.from(error))
        }
    }

    /// The stack of an exception raised in a Swift function: one frame, `{M, F, Arity, []}`.
    static func stack(_ name: FunctionName) -> Term {
        .list([.tuple([.atom(name.module), .atom(name.function), .integer(name.arity), .list([])])])
    }

    /// The exit reason of a process that raised: `{Reason, Stack}` for an error, the reason of
    /// an exit, `{{nocatch, Value}, Stack}` for a throw.
    static func crashReason(_ exception: ErlangException, _ name: FunctionName) -> Term {
        switch exception.class {
        case .exit: exception.reason
        case .throw: .tuple([.tuple([.atom("nocatch"), exception.reason]), stack(name)])
        default: .tuple([exception.reason, stack(name)])
        }
    }
}
