import ErlangDistribution
import ErlangTerm

/// One message of every control message kind, with the tuple OTP writes for it and a payload
/// when it carries one.
enum ControlMessageSamples {
    static let from = Fixtures.dlpy1
    static let to = Fixtures.dlb85
    static let reference = Fixtures.reference()
    static let token = Term.tuple([0, 17, 1, .pid(Fixtures.dlb85), 0])
    static let reason = Term.tuple([.atom("shutdown"), .utf8("bye")])
    static let function = ControlMessage.SpawnFunction(module: "mymod", function: "myfun", arity: 2)
    static let options: [Term] = [.atom("monitor"), .tuple([.atom("priority"), .atom("high")])]

    /// Each sample: the message, its control tuple's elements after the op code, and its payload.
    static let all: [(message: ControlMessage, elements: [Term], payload: Term?)] = [
        (.link(from: from, to: to), [.pid(from), .pid(to)], nil),
        (.send(to: to), [.atom(""), .pid(to)], .atom("hello")),
        (.exit(from: from, to: to, reason: reason), [.pid(from), .pid(to), reason], nil),
        (.unlink(from: from, to: to), [.pid(from), .pid(to)], nil),
        (.nodeLink, [], nil),
        (.regSend(from: from, to: "lab"), [.pid(from), .atom(""), .atom("lab")], .tuple([.atom("cmd"), .pid(from)])),
        (.groupLeader(leader: from, to: to), [.pid(from), .pid(to)], nil),
        (.exit2(from: from, to: to, reason: .atom("kill")), [.pid(from), .pid(to), .atom("kill")], nil),
        (.sendTT(to: to, traceToken: token), [.atom(""), .pid(to), token], .atom("traced")),
        (.exitTT(from: from, to: to, traceToken: token, reason: reason), [.pid(from), .pid(to), token, reason], nil),
        (.regSendTT(from: from, to: "lab", traceToken: token), [.pid(from), .atom(""), .atom("lab"), token], .list([1, 2])),
        (.exit2TT(from: from, to: to, traceToken: token, reason: reason), [.pid(from), .pid(to), token, reason], nil),
        (.monitorP(from: from, to: .pid(to), reference: reference), [.pid(from), .pid(to), .reference(reference)], nil),
        (.monitorP(from: from, to: .name("net_kernel"), reference: reference), [.pid(from), .atom("net_kernel"), .reference(reference)], nil),
        (.demonitorP(from: from, to: .pid(to), reference: reference), [.pid(from), .pid(to), .reference(reference)], nil),
        (.demonitorP(from: from, to: .name("net_kernel"), reference: reference), [.pid(from), .atom("net_kernel"), .reference(reference)], nil),
        (.monitorPExit(from: .pid(from), to: to, reference: reference, reason: .atom("noproc")),
            [.pid(from), .pid(to), .reference(reference), .atom("noproc")], nil),
        (.monitorPExit(from: .name("pyproc"), to: to, reference: reference, reason: reason),
            [.atom("pyproc"), .pid(to), .reference(reference), reason], nil),
        (.sendSender(from: from, to: to), [.pid(from), .pid(to)], .tuple([.atom("echo"), .atom("hello")])),
        (.sendSenderTT(from: from, to: to, traceToken: token), [.pid(from), .pid(to), token], .atom("traced")),
        (.payloadExit(from: from, to: to), [.pid(from), .pid(to)], reason),
        (.payloadExitTT(from: from, to: to, traceToken: token), [.pid(from), .pid(to), token], reason),
        (.payloadExit2(from: from, to: to), [.pid(from), .pid(to)], .atom("kill_reason")),
        (.payloadExit2TT(from: from, to: to, traceToken: token), [.pid(from), .pid(to), token], .atom("kill_reason")),
        (.payloadMonitorPExit(from: .name("no_such_name"), to: to, reference: reference),
            [.atom("no_such_name"), .pid(to), .reference(reference)], .atom("noproc")),
        (.payloadMonitorPExit(from: .pid(from), to: to, reference: reference),
            [.pid(from), .pid(to), .reference(reference)], .atom("normal")),
        (.spawnRequest(id: reference, from: to, groupLeader: to, function: function, options: options),
            [.reference(reference), .pid(to), .pid(to), .tuple([.atom("mymod"), .atom("myfun"), 2]), .list(options)],
            .list([1, .atom("two")])),
        (.spawnRequestTT(id: reference, from: to, groupLeader: to, function: function, options: [], traceToken: token),
            [.reference(reference), .pid(to), .pid(to), .tuple([.atom("mymod"), .atom("myfun"), 2]), .list([]), token],
            .list([1, .atom("two")])),
        (.spawnReply(id: reference, to: to, flags: .monitor, result: .pid(from)),
            [.reference(reference), .pid(to), 2, .pid(from)], nil),
        (.spawnReply(id: reference, to: to, flags: [], result: .error("badopt")),
            [.reference(reference), .pid(to), 0, .atom("badopt")], nil),
        (.spawnReplyTT(id: reference, to: to, flags: [.link, .monitor], result: .pid(from), traceToken: token),
            [.reference(reference), .pid(to), 3, .pid(from), token], nil),
        (.aliasSend(from: from, alias: reference), [.pid(from), .reference(reference)], .atom("via_alias")),
        (.aliasSendTT(from: from, alias: reference, traceToken: token), [.pid(from), .reference(reference), token], .atom("via_alias")),
        (.unlinkID(id: 1, from: from, to: to), [1, .pid(from), .pid(to)], nil),
        (.unlinkID(id: .max, from: from, to: to),
            [.bigInteger(BigInteger(isNegative: false, magnitude: [UInt8](repeating: 0xFF, count: 8))), .pid(from), .pid(to)], nil),
        (.unlinkIDAck(id: 1, from: to, to: from), [1, .pid(to), .pid(from)], nil),
        (.altactSig(flags: [], from: from, to: .pid(to), traceToken: nil), [0, .pid(from), .pid(to)], .atom("hi")),
        (.altactSig(flags: [.priority, .alias], from: from, to: .alias(reference), traceToken: nil),
            [5, .pid(from), .reference(reference)], .atom("hi")),
        (.altactSig(flags: [.name, .token, .exit], from: from, to: .name("lab"), traceToken: token),
            [26, .pid(from), .atom("lab"), token], .atom("killed")),
    ]
}
