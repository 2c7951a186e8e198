import ErlangTerm

extension ControlMessage {
    /// The control tuple `{OpCode, ...}` as it goes on the wire (distribution.md §4.5).
    public var term: Term {
        .tuple(elements(after: .integer(opCode.rawValue)))
    }

    // The empty atom OTP writes in the "unused" (formerly cookie) slot (`dist.c`, `am_Empty`).
    private static let unused = Term.atom("")

    /// The elements of the control tuple, `op` (the operation code) first; built as one array
    /// because prepending the code to the other elements cost two more allocations per message.
    private func elements(after op: Term) -> [Term] {
        switch self {
        case .link(let from, let to), .unlink(let from, let to), .sendSender(let from, let to),
            .payloadExit(let from, let to), .payloadExit2(let from, let to):
            [op, .pid(from), .pid(to)]
        case .groupLeader(let leader, let to):
            [op, .pid(leader), .pid(to)]
        case .send(let to):
            [op, Self.unused, .pid(to)]
        case .exit(let from, let to, let reason), .exit2(let from, let to, let reason):
            [op, .pid(from), .pid(to), reason]
        case .nodeLink:
            [op]
        case .regSend(let from, let to):
            [op, .pid(from), Self.unused, .atom(to)]
        case .sendTT(let to, let token):
            [op, Self.unused, .pid(to), token]
        case .exitTT(let from, let to, let token, let reason), .exit2TT(let from, let to, let token, let reason):
            [op, .pid(from), .pid(to), token, reason]
        case .regSendTT(let from, let to, let token):
            [op, .pid(from), Self.unused, .atom(to), token]
        case .monitorP(let from, let to, let reference), .demonitorP(let from, let to, let reference):
            [op, .pid(from), to.term, .reference(reference)]
        case .monitorPExit(let from, let to, let reference, let reason):
            [op, from.term, .pid(to), .reference(reference), reason]
        case .sendSenderTT(let from, let to, let token), .payloadExitTT(let from, let to, let token),
            .payloadExit2TT(let from, let to, let token):
            [op, .pid(from), .pid(to), token]
        case .payloadMonitorPExit(let from, let to, let reference):
            [op, from.term, .pid(to), .reference(reference)]
        case .spawnRequest(let id, let from, let groupLeader, let function, let options):
            [op] + Self.spawnRequestElements(id, from, groupLeader, function, options)
        case .spawnRequestTT(let id, let from, let groupLeader, let function, let options, let token):
            [op] + Self.spawnRequestElements(id, from, groupLeader, function, options) + [token]
        case .spawnReply(let id, let to, let flags, let result):
            [op, .reference(id), .pid(to), .integer(flags.rawValue), result.term]
        case .spawnReplyTT(let id, let to, let flags, let result, let token):
            [op, .reference(id), .pid(to), .integer(flags.rawValue), result.term, token]
        case .aliasSend(let from, let alias):
            [op, .pid(from), .reference(alias)]
        case .aliasSendTT(let from, let alias, let token):
            [op, .pid(from), .reference(alias), token]
        case .unlinkID(let id, let from, let to), .unlinkIDAck(let id, let from, let to):
            [op, Self.integer(id), .pid(from), .pid(to)]
        case .altactSig(let flags, let from, let to, let token):
            [op] + Self.altactSigElements(flags, from, to, token)
        }
    }

    private static func spawnRequestElements(
        _ id: Reference, _ from: PID, _ groupLeader: PID, _ function: SpawnFunction, _ options: [Term]
    ) -> [Term] {
        let mfa = Term.tuple([.atom(function.module), .atom(function.function), .integer(function.arity)])
        return [.reference(id), .pid(from), .pid(groupLeader), mfa, .list(options)]
    }

    // The flags that say what `To` is and whether a token follows are derived from the values, so
    // the tuple is always consistent (OTP 28 `dist.c`, `DOP_ALTACT_SIG_SEND`).
    private static func altactSigElements(
        _ flags: AltactSigFlags, _ from: PID, _ to: AltactSigTarget, _ token: Term?
    ) -> [Term] {
        var wireFlags = flags.subtracting([.alias, .name, .token])
        switch to {
        case .pid: break
        case .alias: wireFlags.insert(.alias)
        case .name: wireFlags.insert(.name)
        }
        if token != nil { wireFlags.insert(.token) }
        let head: [Term] = [integer(wireFlags.rawValue), .pid(from), to.term]
        return token.map { head + [$0] } ?? head
    }

    /// An unsigned 64-bit value as an integer term, a bignum above `Int.max`.
    static func integer(_ value: UInt64) -> Term {
        if let small = Int(exactly: value) { return .integer(small) }
        var bytes: [UInt8] = []
        var rest = value
        while rest != 0 {
            bytes.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
        return .bigInteger(BigInteger(isNegative: false, magnitude: bytes))
    }
}
