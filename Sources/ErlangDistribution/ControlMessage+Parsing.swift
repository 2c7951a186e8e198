import ErlangTerm

extension ControlMessage {
    /// Reads a control tuple `{OpCode, ...}`, checking its arity and every element as OTP's
    /// receiver does (`dist.c`, `erts_net_message`, which answers anything else with
    /// `invalid_message` and closes the connection).
    ///
    /// - Throws: ``DistributionError`` with ``DistributionError/Code/unknownControlMessage`` for an
    ///   operation code outside OTP 25 to 28, ``DistributionError/Code/malformedControlMessage`` for
    ///   anything else that is wrong, saying which element.
    public init(term: Term) throws {
        guard case .tuple(let elements) = term, let first = elements.first else {
            throw DistributionError(
                .malformedControlMessage, "a control message must be a non-empty tuple, found \(term.wireKind)"
            )
        }
        guard case .integer(let code) = first else {
            throw DistributionError(
                .malformedControlMessage, "a control tuple starts with an integer operation code, found \(first.wireKind)"
            )
        }
        guard let opCode = OpCode(rawValue: code) else {
            throw DistributionError(.unknownControlMessage, "operation code \(code) is not a control message of OTP 25 to 28")
        }
        self = try ControlTuple(opCode: opCode, elements: elements).message()
    }
}

/// A control tuple being checked: element 1 is the operation code, as in OTP's `tuple[1]`.
private struct ControlTuple {
    let opCode: ControlMessage.OpCode
    let elements: [Term]

    func message() throws -> ControlMessage {
        switch opCode {
        case .link: try arity(3); return .link(from: try pid(2), to: try pid(3))
        case .send: try arity(3); return .send(to: try pid(3))
        case .exit: try arity(4); return .exit(from: try pid(2), to: try pid(3), reason: elements[3])
        case .unlink: try arity(3); return .unlink(from: try pid(2), to: try pid(3))
        case .nodeLink: try arity(1); return .nodeLink
        case .regSend: try arity(4); return .regSend(from: try pid(2), to: try atom(4))
        case .groupLeader: try arity(3); return .groupLeader(leader: try pid(2), to: try pid(3))
        case .exit2: try arity(4); return .exit2(from: try pid(2), to: try pid(3), reason: elements[3])
        case .sendTT: try arity(4); return .sendTT(to: try pid(3), traceToken: elements[3])
        case .exitTT:
            try arity(5)
            return .exitTT(from: try pid(2), to: try pid(3), traceToken: elements[3], reason: elements[4])
        case .regSendTT: try arity(5); return .regSendTT(from: try pid(2), to: try atom(4), traceToken: elements[4])
        case .exit2TT:
            try arity(5)
            return .exit2TT(from: try pid(2), to: try pid(3), traceToken: elements[3], reason: elements[4])
        default:
            return try laterMessage()
        }
    }

    // Operation codes 19 and up (OTP R6 monitors onwards).
    private func laterMessage() throws -> ControlMessage {
        switch opCode {
        case .monitorP:
            try arity(4); return .monitorP(from: try pid(2), to: try target(3), reference: try reference(4))
        case .demonitorP:
            try arity(4); return .demonitorP(from: try pid(2), to: try target(3), reference: try reference(4))
        case .monitorPExit:
            try arity(5)
            return .monitorPExit(from: try target(2), to: try pid(3), reference: try reference(4), reason: elements[4])
        case .sendSender: try arity(3); return .sendSender(from: try pid(2), to: try pid(3))
        case .sendSenderTT: try arity(4); return .sendSenderTT(from: try pid(2), to: try pid(3), traceToken: elements[3])
        case .payloadExit: try arity(3); return .payloadExit(from: try pid(2), to: try pid(3))
        case .payloadExitTT:
            try arity(4); return .payloadExitTT(from: try pid(2), to: try pid(3), traceToken: elements[3])
        case .payloadExit2: try arity(3); return .payloadExit2(from: try pid(2), to: try pid(3))
        case .payloadExit2TT:
            try arity(4); return .payloadExit2TT(from: try pid(2), to: try pid(3), traceToken: elements[3])
        case .payloadMonitorPExit:
            try arity(4); return .payloadMonitorPExit(from: try target(2), to: try pid(3), reference: try reference(4))
        default:
            return try spawnOrAliasMessage()
        }
    }

    // Operation codes 29 and up (OTP 23 spawn, OTP 24 aliases and unlink ids, OTP 28 altact).
    private func spawnOrAliasMessage() throws -> ControlMessage {
        switch opCode {
        case .spawnRequest:
            try arity(6)
            return .spawnRequest(
                id: try reference(2), from: try pid(3), groupLeader: try pid(4), function: try spawnFunction(5),
                options: try list(6))
        case .spawnRequestTT:
            try arity(7)
            return .spawnRequestTT(
                id: try reference(2), from: try pid(3), groupLeader: try pid(4), function: try spawnFunction(5),
                options: try list(6), traceToken: elements[6])
        case .spawnReply:
            try arity(5)
            return .spawnReply(id: try reference(2), to: try pid(3), flags: try spawnFlags(4), result: try spawnResult(5))
        case .spawnReplyTT:
            try arity(6)
            return .spawnReplyTT(
                id: try reference(2), to: try pid(3), flags: try spawnFlags(4), result: try spawnResult(5),
                traceToken: elements[5])
        case .aliasSend: try arity(3); return .aliasSend(from: try pid(2), alias: try reference(3))
        case .aliasSendTT:
            try arity(4); return .aliasSendTT(from: try pid(2), alias: try reference(3), traceToken: elements[3])
        case .unlinkID:
            try arity(4)
            let id = try unsigned64(2)
            // dist.c, DOP_UNLINK_ID: an id of 0 is an invalid message.
            guard id != 0 else { throw malformed("the unlink id of UNLINK_ID must not be 0") }
            return .unlinkID(id: id, from: try pid(3), to: try pid(4))
        case .unlinkIDAck:
            try arity(4); return .unlinkIDAck(id: try unsigned64(2), from: try pid(3), to: try pid(4))
        case .altactSig:
            return try altactSig()
        default:
            preconditionFailure("every operation code is handled by message() or laterMessage()")
        }
    }

    // OTP 28 dist.c, DOP_ALTACT_SIG_SEND: at least 4 elements (later ones are for future use),
    // a non-negative integer of any size as flags, a token only when the token flag says so.
    private func altactSig() throws -> ControlMessage {
        guard elements.count >= 4 else { throw malformed("ALTACT_SIG_SEND needs at least 4 elements, has \(elements.count)") }
        let flags = ControlMessage.AltactSigFlags(rawValue: try flagBits(2))
        let from = try pid(3)
        let to: ControlMessage.AltactSigTarget
        if flags.contains(.alias) {
            guard !flags.contains(.name), case .reference(let alias) = elements[3] else {
                throw malformed("ALTACT_SIG_SEND with the alias flag needs a reference as element 4 and no name flag")
            }
            to = .alias(alias)
        } else if flags.contains(.name) {
            to = .name(try atom(4))
        } else {
            to = .pid(try pid(4))
        }
        var token: Term?
        if flags.contains(.token) {
            guard elements.count >= 5 else { throw malformed("ALTACT_SIG_SEND with the token flag needs element 5") }
            token = elements[4]
        }
        return .altactSig(flags: flags, from: from, to: to, traceToken: token)
    }

    // MARK: Elements, numbered from 1 as in Erlang's element/2.

    private var name: String { opCode.otpName }

    private func malformed(_ detail: String) -> DistributionError {
        DistributionError(.malformedControlMessage, detail)
    }

    private func arity(_ expected: Int) throws {
        guard elements.count == expected else {
            throw malformed("\(name) (\(opCode.rawValue)) is a tuple of \(expected), found a tuple of \(elements.count)")
        }
    }

    private func wrong(_ index: Int, _ expected: String) -> DistributionError {
        malformed("element \(index) of \(name) (\(opCode.rawValue)) must be \(expected), found \(elements[index - 1].wireKind)")
    }

    private func pid(_ index: Int) throws -> PID {
        guard case .pid(let pid) = elements[index - 1] else { throw wrong(index, "a pid") }
        return pid
    }

    private func atom(_ index: Int) throws -> Atom {
        guard case .atom(let atom) = elements[index - 1] else { throw wrong(index, "an atom") }
        return atom
    }

    private func reference(_ index: Int) throws -> Reference {
        guard case .reference(let reference) = elements[index - 1] else { throw wrong(index, "a reference") }
        return reference
    }

    private func list(_ index: Int) throws -> [Term] {
        guard let list = elements[index - 1].listElements else { throw wrong(index, "a proper list") }
        return list
    }

    private func target(_ index: Int) throws -> ControlMessage.MonitorTarget {
        switch elements[index - 1] {
        case .pid(let pid): return .pid(pid)
        case .atom(let name): return .name(name)
        default: throw wrong(index, "a pid or an atom")
        }
    }

    private func unsigned64(_ index: Int) throws -> UInt64 {
        switch elements[index - 1] {
        case .integer(let value) where value >= 0:
            return UInt64(value)
        case .bigInteger(let big) where !big.isNegative && big.magnitude.count <= 8:
            return big.magnitude.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        default:
            throw wrong(index, "an integer from 0 to 2^64-1")
        }
    }

    // Any non-negative integer; bits above 64 are dropped, as OTP 28 reads only the low byte.
    private func flagBits(_ index: Int) throws -> UInt64 {
        switch elements[index - 1] {
        case .integer(let value) where value >= 0:
            return UInt64(value)
        case .bigInteger(let big) where !big.isNegative:
            return big.magnitude.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
        default:
            throw wrong(index, "a non-negative integer")
        }
    }

    // dist.c, DOP_SPAWN_REQUEST: {Module, Function, Arity} with two atoms and a small integer.
    private func spawnFunction(_ index: Int) throws -> ControlMessage.SpawnFunction {
        guard case .tuple(let mfa) = elements[index - 1], mfa.count == 3,
            case .atom(let module) = mfa[0], case .atom(let function) = mfa[1], case .integer(let arity) = mfa[2]
        else { throw wrong(index, "a tuple {Module, Function, Arity}") }
        return .init(module: module, function: function, arity: arity)
    }

    // dist.c, DOP_SPAWN_REPLY: a small integer below 2^27.
    private func spawnFlags(_ index: Int) throws -> ControlMessage.SpawnReplyFlags {
        guard case .integer(let flags) = elements[index - 1], (0..<(1 << 27)).contains(flags) else {
            throw wrong(index, "an integer from 0 to 2^27-1")
        }
        return .init(rawValue: flags)
    }

    private func spawnResult(_ index: Int) throws -> ControlMessage.SpawnResult {
        switch elements[index - 1] {
        case .pid(let pid): return .pid(pid)
        case .atom(let reason): return .error(reason)
        default: throw wrong(index, "a pid or an atom")
        }
    }
}

extension Term {
    /// What kind of term this is, in words, for error messages (never the value: it may be private).
    var wireKind: String {
        switch self {
        case .integer, .bigInteger: "an integer"
        case .float: "a float"
        case .atom: "an atom"
        case .binary, .bitstring: "a binary"
        case .tuple(let elements): "a tuple of \(elements.count)"
        case .list(let elements): elements.isEmpty ? "[]" : "a list"
        case .improperList: "an improper list"
        case .string: "a string"
        case .map: "a map"
        case .pid: "a pid"
        case .port: "a port"
        case .reference: "a reference"
        case .fun: "a fun"
        case .local: "a local term"
        }
    }
}
