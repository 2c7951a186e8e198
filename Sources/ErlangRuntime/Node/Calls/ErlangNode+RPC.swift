import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// `erpc:call(Node, Module, Function, Args, Timeout)`, which is also what OTP 25's
    /// `rpc:call/5` does: a `SPAWN_REQUEST` for `erpc:execute_call(Ref, M, F, A)` with a monitor
    /// (`erpc.erl`, `call/5`); the result comes back as the exit reason of the spawned process.
    ///
    /// The spawned process's group leader is the calling Swift process: what the function prints
    /// is accepted and dropped, and reading input fails with `{error, enotsup}`.
    ///
    /// - Returns: what the function returned.
    /// - Throws: ``CallError``: `exception` (class, reason and stack as raised; `error:undef` for
    ///   a missing function), `timeout`, `noconnection` (the node is unreachable or went down),
    ///   `erpc` (the spawn was refused: `notsup`, `badopt`, ...), `signal` (the process was killed).
    public func rpc(_ node: NodeName, _ module: Atom, _ function: Atom, _ arguments: [Term], timeout: Duration? = nil) async throws -> Term {
        let caller = try spawnProcess()
        defer { caller.exit() }
        let connection: DistributionConnection
        do { connection = try await self.connection(to: node) } catch {
            throw CallError(.noconnection, reason: .atom("noconnection"))
        }
        let id = makeReference()
        let result = Term.reference(makeReference())
        // The monitor waits under the request id for the pid the reply brings (spawnReplied).
        state.withLockedValue { $0.monitors.add(.init(watcher: caller.pid, target: .pid(caller.pid), node: node), reference: id) }
        let request = DistributionMessage(
            control: .spawnRequest(id: id, from: caller.pid, groupLeader: caller.pid,
                                   function: .init(module: "erpc", function: "execute_call", arity: 4), options: [.atom("monitor")]),
            payload: .list([result, .atom(module), .atom(function), .list(arguments)]))
        do { try await send(request, on: connection) } catch {
            _ = state.withLockedValue { $0.monitors.removeByUs(id) }
            throw CallError(.noconnection, reason: .atom("noconnection"))
        }
        let answer = await awaitResult(id, caller: caller, deadline: timeout.map { ContinuousClock.now + $0 })
        guard let answer, let elements = answer.tupleElements else {
            await abandonSpawn(id, caller: caller.pid)
            throw CallError(.timeout, reason: .atom("timeout"))
        }
        if elements.count == 4 { throw CallError(.erpc, reason: elements[3]) }
        return try Self.erpcResult(elements[4], result: result)
    }

    /// Waits for the spawn error or the DOWN, answering the I/O requests of the remote process
    /// meanwhile: the caller is its group leader, and a function that prints would otherwise
    /// wait for an answer until the call times out.
    private func awaitResult(_ id: Reference, caller: ErlangProcess, deadline: ContinuousClock.Instant?) async -> Term? {
        while true {
            let left = deadline.map { max(.zero, $0 - ContinuousClock.now) }
            guard let message = await caller.receive(
                matching: { Self.isSpawnError($0, id) || ErlangProcess.isDown($0, id) || Self.ioRequest($0) != nil }, timeout: left)
            else { return nil }
            guard let (from, replyAs, request) = Self.ioRequest(message) else { return message }
            try? await caller.send(.tuple([.atom("io_reply"), replyAs, Self.ioReply(to: request)]), to: from)
        }
    }

    /// `{io_request, From, ReplyAs, Request}` (the Erlang I/O protocol).
    static func ioRequest(_ message: Term) -> (PID, Term, Term)? {
        guard case .tuple(let elements) = message, elements.count == 4, elements[0] == .atom("io_request"),
              case .pid(let from) = elements[1] else { return nil }
        return (from, elements[2], elements[3])
    }

    /// Output (`put_chars`, and `setopts`/`getopts`) is accepted and dropped; input is
    /// `{error, enotsup}`, as an I/O server without input answers.
    static func ioReply(to request: Term) -> Term {
        let kind = request.tupleElements?.first ?? request
        switch kind {
        case .atom("put_chars"), .atom("setopts"): return .atom("ok")
        case .atom("getopts"): return .list([])
        case .atom("requests"):
            let replies = (request.tupleElements?.last?.listElements ?? []).map(ioReply(to:))
            return replies.first { $0 != .atom("ok") } ?? .atom("ok")
        default: return .tuple([.atom("error"), .atom("enotsup")])
        }
    }

    /// `erpc.erl`, `result/4`: the exit reason of the spawned process.
    static func erpcResult(_ reason: Term, result: Term) throws -> Term {
        let parts = reason.tupleElements ?? []
        switch (parts.first == result ? parts.count : 0, parts.count > 1 ? parts[1] : .atom("")) {
        case (3, .atom("return")): return parts[2]
        case (3, .atom("throw")): throw CallError(.exception, reason: parts[2], exceptionClass: "throw")
        case (3, .atom("exit")): throw CallError(.exception, reason: parts[2], exceptionClass: "exit")
        case (4, .atom("error")): throw CallError(.exception, reason: parts[2], exceptionClass: "error", stack: parts[3])
        case (3, .atom("error")):
            // {Ref, error, {erpc, Reason}}: an argument error erpc reports as its own.
            throw CallError(.erpc, reason: parts[2].tupleElements?.last ?? parts[2])
        default:
            if reason == .atom("noconnection") { throw CallError(.noconnection, reason: reason) }
            throw CallError(.signal, reason: reason)
        }
    }

    /// A timed-out request: its monitor goes; once the pid is known, the peer is told
    /// (`DEMONITOR_P`), as `erpc.erl` `call_abandon/1` demonitors.
    private func abandonSpawn(_ id: Reference, caller: PID) async {
        guard let monitor = state.withLockedValue({ $0.monitors.removeByUs(id) }), monitor.target != .pid(caller),
              let connection = endpoint.connection(to: monitor.node) else { return }
        try? await connection.send(DistributionMessage(control: .demonitorP(from: monitor.watcher, to: monitor.target, reference: id)))
    }

    private static func isSpawnError(_ message: Term, _ id: Reference) -> Bool {
        guard case .tuple(let elements) = message, elements.count == 4, elements[0] == .atom("spawn_reply") else { return false }
        return elements[1] == .reference(id) && elements[2] == .atom("error")
    }

    /// `SPAWN_REPLY` to one of our spawn requests: the monitor taken at request time now watches
    /// the new pid (or goes, when no monitor was set up), and the requester gets
    /// `{spawn_reply, ReqId, ok, Pid}` or `{spawn_reply, ReqId, error, Reason}`, as
    /// `spawn_request/5` delivers them.
    func spawnReplied(id: Reference, to: PID, flags: ControlMessage.SpawnReplyFlags, result: ControlMessage.SpawnResult, from peer: NodeName) {
        state.withLockedValue { state in
            guard let pending = state.monitors.removeByUs(id) else { return }
            if case .pid(let pid) = result, flags.contains(.monitor) {
                state.monitors.add(.init(watcher: pending.watcher, target: .pid(pid), node: peer), reference: id)
            }
        }
        switch result {
        case .pid(let pid): deliver(.tuple([.atom("spawn_reply"), .reference(id), .atom("ok"), .pid(pid)]), to: to)
        case .error(let reason): deliver(.tuple([.atom("spawn_reply"), .reference(id), .atom("error"), .atom(reason)]), to: to)
        }
    }
}

