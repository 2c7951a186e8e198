import ErlangDistribution
import ErlangTerm

extension ErlangProcess {
    /// `gen_server:call(Server, Request, Timeout)`: sends `{'$gen_call', {self(), Tag}, Request}`
    /// and waits for `{Tag, Reply}`, as `gen.erl` `do_call/4` does in OTP 24+: the server is
    /// monitored with alias semantics (`monitor(process, Server, [{alias, demonitor}])`) and the tag
    /// is `[alias|Mref]`, so a reply that comes after a timeout is dropped, never left in the mailbox.
    ///
    /// - Parameters:
    ///   - server: a pid, a local name, `{Name, Node}` or a `via` name.
    ///   - request: the request term.
    ///   - timeout: how long to wait; nil waits forever (`infinity`). OTP's default is 5 s.
    /// - Returns: the reply.
    /// - Throws: ``CallError``: `timeout`, `noproc` (no such process or name), `nodedown` (the
    ///   connection is lost or cannot be set up), `exit` (the server exited; the reason is its
    ///   exit reason), `callingSelf`.
    public func call(_ server: ServerRef, _ request: Term, timeout: Duration? = .seconds(5)) async throws -> Term {
        guard case .via = server else { return try await call(resolving: server, request, timeout: timeout) }
        do {
            return try await call(resolving: server, request, timeout: timeout)
        } catch let error as CallError where error.code == .nodedown {
            // gen.erl, do_for_proc/2: a nodedown global has not noticed yet counts as noproc.
            throw CallError(.noproc, reason: .atom("noproc"))
        }
    }

    private func call(resolving server: ServerRef, _ request: Term, timeout: Duration?) async throws -> Term {
        guard let (target, peer) = await node.resolve(server) else { throw CallError(.noproc, reason: .atom("noproc")) }
        if case .pid(let target) = target, target == pid { throw CallError(.callingSelf, reason: .atom("calling_self")) }
        let reference: Reference
        do {
            reference = try await node.monitor(target, at: peer, from: pid)
        } catch {
            // The MONITOR_P could not go out: the connection is gone, as a DOWN noconnection says.
            throw CallError(.nodedown, reason: .tuple([.atom("nodedown"), .atom(peer.atom)]))
        }
        node.state.withLockedValue { $0.processes.addAlias(reference, for: pid) }
        let tag: Term = .improperList([.atom("alias")], tail: .reference(reference))
        let message: Term = .tuple([.atom("$gen_call"), .tuple([.pid(pid), tag]), request])
        // gen.erl sends with `noconnect`: a failed send shows as the monitor's DOWN (noconnection).
        switch target {
        case .pid(let target): try? await send(message, to: target)
        case .name(let name): try? await send(message, to: name, at: peer)
        }
        let answer = await receive(matching: { Self.isReply($0, tag: tag) || Self.isDown($0, reference) }, timeout: timeout)
        unalias(reference)
        await node.demonitor(reference)
        if let answer { return try Self.result(answer, tag: tag, peer: peer) }
        // The demonitor flushes a DOWN that came meanwhile; a reply that beat the unalias still counts.
        _ = await receive(matching: { Self.isDown($0, reference) }, timeout: .zero)
        if let late = await receive(matching: { Self.isReply($0, tag: tag) }, timeout: .zero) {
            return try Self.result(late, tag: tag, peer: peer)
        }
        throw CallError(.timeout, reason: .atom("timeout"))
    }

    /// `gen_server:cast(Server, Request)`: sends `{'$gen_cast', Request}` and returns at once;
    /// like OTP it never fails, whether the server exists or not.
    public func cast(_ server: ServerRef, _ request: Term) async {
        let message: Term = .tuple([.atom("$gen_cast"), request])
        switch server {
        case .pid(let target): try? await send(message, to: target)
        case .name(let name): send(message, to: name)
        case .remote(let name, let peer): try? await send(message, to: name, at: peer)
        case .via:
            guard let resolved = await node.resolve(server), case .pid(let target) = resolved.target else { return }
            try? await send(message, to: target)
        }
    }

    static func isReply(_ message: Term, tag: Term) -> Bool {
        guard case .tuple(let elements) = message, elements.count == 2 else { return false }
        return elements[0] == tag
    }

    static func isDown(_ message: Term, _ reference: Reference) -> Bool {
        guard case .tuple(let elements) = message, elements.count == 5, elements[0] == .atom("DOWN") else { return false }
        return elements[1] == .reference(reference)
    }

    /// The reply, or the error a DOWN means (`gen.erl`, `do_call/4`): `noconnection` is
    /// `{nodedown, Node}`, `noproc` stays `noproc`, anything else is the server's exit reason.
    private static func result(_ answer: Term, tag: Term, peer: NodeName) throws -> Term {
        guard case .tuple(let elements) = answer else { return answer }
        if elements.count == 2 { return elements[1] }
        switch elements[4] {
        case .atom("noconnection"): throw CallError(.nodedown, reason: .tuple([.atom("nodedown"), .atom(peer.atom)]))
        case .atom("noproc"): throw CallError(.noproc, reason: .atom("noproc"))
        case let reason: throw CallError(.exit, reason: reason)
        }
    }
}

extension ErlangNode {
    /// `gen_server:call/3` from a short-lived process of this node (see
    /// ``ErlangProcess/call(_:_:timeout:)``).
    public func call(_ server: ServerRef, _ request: Term, timeout: Duration? = .seconds(5)) async throws -> Term {
        let caller = try spawnProcess()
        defer { caller.exit() }
        return try await caller.call(server, request, timeout: timeout)
    }

    /// `gen_server:cast/2` from a short-lived process of this node.
    public func cast(_ server: ServerRef, _ request: Term) async {
        guard let caller = try? spawnProcess() else { return }
        defer { caller.exit() }
        await caller.cast(server, request)
    }
}
