import ErlangDistribution
import ErlangTerm

extension ErlangProcess {
    /// `alias()`: a reference that works as an address for this process until ``unalias(_:)``
    /// or its exit; peers send to it with `ALIAS_SEND`.
    public func alias() -> Reference {
        let alias = node.makeReference()
        node.state.withLockedValue { $0.processes.addAlias(alias, for: pid) }
        return alias
    }

    /// `unalias(Alias)`: messages to it are dropped from now on. False when it was not active.
    @discardableResult
    public func unalias(_ alias: Reference) -> Bool {
        node.state.withLockedValue { $0.processes.removeAlias(alias) }
    }

    /// `Alias ! Message`: sends to a process alias, here or on another node (`ALIAS_SEND`).
    ///
    /// - Throws: ``ErlangNodeError`` when the alias's node cannot be reached or lacks `DFLAG_ALIAS`.
    public func send(_ message: Term, toAlias alias: Reference) async throws {
        if alias.node == node.atom {
            node.deliver(message, toAlias: alias)
            return
        }
        let peer: NodeName
        do { peer = try NodeName(alias.node.name) } catch { throw ErlangNodeError(.badName, "\(alias.node) is not a node name") }
        let connection = try await node.connection(to: peer)
        guard connection.agreedFlags.contains(.alias) else {
            throw ErlangNodeError(.sendFailed, "\(peer) does not take messages to aliases (no DFLAG_ALIAS)")
        }
        try await node.send(DistributionMessage(control: .aliasSend(from: pid, alias: alias), payload: message), on: connection)
    }

    /// `gen:reply/2`: answers a `'$gen_call'` with `{Tag, Reply}`, to the caller's alias when the
    /// tag is `[alias|Alias]` (or a list that starts with one), else to the caller's pid
    /// (`gen.erl`, `reply/2`).
    public func reply(_ reply: Term, to from: PID, tag: Term) async throws {
        let message: Term = .tuple([tag, reply])
        if let alias = Self.alias(inTag: tag) {
            do {
                try await send(message, toAlias: alias)
            } catch let error as ErlangNodeError where error.code == .sendFailed {
                // A peer without DFLAG_ALIAS: the caller matches on the whole tag, so its pid
                // works too (membership.md 6.1).
                try await send(message, to: from)
            }
        } else {
            try await send(message, to: from)
        }
    }

    /// The alias of a call tag `[alias|Alias]` or `[[alias|Alias] | _]`.
    static func alias(inTag tag: Term) -> Reference? {
        if case .improperList(let head, .reference(let alias)) = tag, head == [.atom("alias")] { return alias }
        switch tag {
        case .list(let elements) where !elements.isEmpty: return elements.first.flatMap { aliasOnly($0) }
        case .improperList(let elements, _) where !elements.isEmpty: return elements.first.flatMap { aliasOnly($0) }
        default: return nil
        }
    }

    private static func aliasOnly(_ term: Term) -> Reference? {
        if case .improperList(let head, .reference(let alias)) = term, head == [.atom("alias")] { return alias }
        return nil
    }
}

extension ErlangNode {
    /// Delivers to a local alias; dropped when the alias is not active.
    func deliver(_ message: Term, toAlias alias: Reference) {
        state.withLockedValue { $0.processes.mailbox(ofAlias: alias) }?.deliver(message)
    }
}
