import ErlangTerm
import Testing

@testable import ErlangGlobal

/// The shapes of the messages and requests the locker, the registrar and the resolver send, as
/// the receiving clauses of OTP 25's `global.erl` (and `rpc.erl`) match them.
struct GlobalOutgoingTests {
    static let locker = PID(node: "s@h", id: 3, serial: 0, creation: 1)
    static let pid = PID(node: "s@h", id: 4, serial: 0, creation: 1)
    static let id = GlobalLockID(resource: .atom("global"), requester: .list([.pid(locker)]))

    @Test func lockerMessages() {
        #expect(GlobalOutgoing.lockSet(locker: Self.locker, isSet: true, known: ["a@h"], hisTag: .integer(-5))
            == .tuple([.atom("$gen_cast"), .tuple([.atom("lock_set"), .pid(Self.locker), .true, .list([.atom("a@h")]), .integer(-5)])]))
        #expect(GlobalOutgoing.lockRefused(locker: Self.locker, known: [])
            == .tuple([.atom("lock_set"), .pid(Self.locker), .false, .list([])]))
        #expect(GlobalOutgoing.inSync(node: "s@h") == .tuple([.atom("$gen_cast"), .tuple([.atom("in_sync"), .atom("s@h"), .true])]))
    }

    @Test func callRequests() {
        #expect(GlobalOutgoing.setLock(Self.id) == .tuple([.atom("set_lock"), .tuple([.atom("global"), .list([.pid(Self.locker)])])]))
        #expect(GlobalOutgoing.deleteLock(Self.id) == .tuple([.atom("del_lock"), .tuple([.atom("global"), .list([.pid(Self.locker)])])]))
        let method: Term = .fun(.export(module: "global", function: "random_exit_name", arity: 3))
        #expect(GlobalOutgoing.register(.atom("n"), Self.pid, method: method) == .tuple([.atom("register"), .atom("n"), .pid(Self.pid), method]))
        #expect(GlobalOutgoing.unregister(.atom("n")) == .tuple([.atom("unregister"), .atom("n")]))
        #expect(GlobalOutgoing.resolveIt(method: method, name: .atom("n"), pid: Self.pid, pid2: Self.locker) == .tuple([
            .atom("call"), .atom("global"), .atom("resolve_it"), .list([method, .atom("n"), .pid(Self.pid), .pid(Self.locker)]), .atom("user"),
        ]))
    }

    @Test func requestsDecodeBack() {
        let from = PID(node: "e@h", id: 1, serial: 0, creation: 2)
        let decoded = GlobalMessage(.genCall(from: from, tag: .atom("t"), GlobalOutgoing.setLock(Self.id)))
        #expect(decoded == .call(from: from, tag: .atom("t"), request: .setLock(Self.id)))
        let register = GlobalMessage(.genCall(from: from, tag: .atom("t"), GlobalOutgoing.register(.atom("n"), Self.pid, method: .atom("m"))))
        #expect(register == .call(from: from, tag: .atom("t"), request: .register(GlobalName(name: .atom("n"), pid: Self.pid, method: .atom("m")))))
    }
}
