import ErlangTerm
import Testing

@testable import ErlangGlobal

/// The connect protocol of the pure name server, message by message, with the shapes OTP 25's
/// `global.erl` matches.
struct GlobalStateConnectTests {
    static let me: Atom = "swift@127.0.0.1"
    static let peer: Atom = "erl@127.0.0.1"
    static let locker = PID(node: me, id: 7, serial: 0, creation: 1)
    static let hisLocker = PID(node: peer, id: 40, serial: 0, creation: 3)
    static let hisTag: Term = .integer(-576_460_752_303_423_486)

    static func state() -> GlobalState {
        var state = GlobalState(node: me, creation: .integer(99), firstTag: -100)
        state.locker = locker
        return state
    }

    static func initConnect(version: Int = 8) -> GlobalMessage {
        GlobalMessage(.genCast(.tuple([
            .atom("init_connect"), .tuple([.integer(version), hisTag]), .atom(peer),
            .tuple([.atom("locker"), .atom("no_longer_a_pid"), .map([:]), .pid(hisLocker)]),
        ])))
    }

    @Test func nodeUpSendsInitConnect() {
        var state = Self.state()
        let actions = state.step(.nodeUp(Self.peer))
        let expected: Term = .tuple([.atom("$gen_cast"), .tuple([
            .atom("init_connect"), .tuple([.integer(8), .integer(-100)]), .atom(Self.me),
            .tuple([.atom("locker"), .atom("no_longer_a_pid"), .map([:]), .pid(Self.locker)]),
        ])])
        #expect(actions == [.send(GlobalCast(node: Self.peer, message: expected))])
        #expect(state.resolvers[Self.peer] == -100)
        #expect(state.step(.nodeUp(Self.peer)).isEmpty)
    }

    @Test func initConnectAfterNodeUpStartsTheLockerAndAcks() {
        var state = Self.state()
        _ = state.step(.nodeUp(Self.peer))
        let actions = state.step(.message(Self.initConnect()))
        #expect(actions == [
            .locker(.hisTheLocker(locker: Self.hisLocker, version: 8, hisTag: Self.hisTag, myTag: -100)),
            .sendIfConnected(GlobalCast(node: Self.peer, message: .tuple([.atom("init_connect_ack"), .atom(Self.me), Self.hisTag, .integer(-100)]))),
        ])
        #expect(state.pending[Self.peer] == 8)
    }

    @Test func initConnectBeforeNodeUpIsReplayed() {
        var state = Self.state()
        #expect(state.step(.message(Self.initConnect())).isEmpty)
        let actions = state.step(.nodeUp(Self.peer))
        #expect(actions.count == 3)
        #expect(actions[1] == .locker(.hisTheLocker(locker: Self.hisLocker, version: 8, hisTag: Self.hisTag, myTag: -100)))
    }

    @Test func malformedOrOldInitConnectIsOnlyLogged() {
        var state = Self.state()
        _ = state.step(.nodeUp(Self.peer))
        let malformed = GlobalMessage(.genCast(.tuple([.atom("init_connect"), .tuple([.integer(8), .integer(1)]), .atom(Self.peer), .atom("not_a_locker_tuple")])))
        guard case .unknown = malformed else {
            Issue.record("decoded \(malformed)")
            return
        }
        #expect(state.step(.message(malformed)).allSatisfy { if case .log = $0 { true } else { false } })
        #expect(state.step(.message(Self.initConnect(version: 4))).allSatisfy { if case .log = $0 { true } else { false } })
        #expect(state.pending.isEmpty)
    }

    @Test func lockIsSetSendsTheNamesAndExchangeStartsAResolver() {
        var state = Self.state()
        _ = state.step(.nodeUp(Self.peer))
        _ = state.step(.message(Self.initConnect()))
        let pid = PID(node: Self.me, id: 50, serial: 0, creation: 1)
        let method: Term = .fun(.export(module: "global", function: "random_exit_name", arity: 3))
        state.names[.atom("n")] = GlobalName(name: .atom("n"), pid: pid, method: method)
        let lockID: Term = .tuple([.atom("global"), .list([.pid(Self.locker), .pid(Self.hisLocker)])])
        let actions = state.step(.lockIsSet(node: Self.peer, myTag: -100, lockID: lockID))
        let exchange: Term = .genCast(.tuple([.atom("exchange"), .atom(Self.me), .list([.tuple([.atom("n"), .pid(pid), method])]), .list([]), Self.hisTag]))
        #expect(actions == [.send(GlobalCast(node: Self.peer, message: exchange))])
        let theirs = GlobalMessage(.genCast(.tuple([.atom("exchange"), .atom(Self.peer), .list([]), .list([]), .integer(-100)])))
        #expect(state.step(.message(theirs)) == [.resolve(node: Self.peer, myTag: -100, names: [])])
    }

    @Test func resolvedFinishesTheSessionAndMeshes() {
        var state = Self.state()
        state.known = ["other@127.0.0.1": 8]
        _ = state.step(.nodeUp(Self.peer))
        _ = state.step(.message(Self.initConnect()))
        let lockID: Term = .tuple([.atom("global"), .list([.pid(Self.locker), .pid(Self.hisLocker)])])
        _ = state.step(.lockIsSet(node: Self.peer, myTag: -100, lockID: lockID))
        _ = state.step(.message(GlobalMessage(.genCast(.tuple([.atom("exchange"), .atom(Self.peer), .list([]), .list([]), .integer(-100)])))))
        let ops = state.step(.exchangeOperations(node: Self.peer, myTag: -100, operations: [], resolved: []))
        let resolvedOut: Term = .genCast(.tuple([
            .atom("resolved"), .atom(Self.me), .list([]), .list([.tuple([.atom("other@127.0.0.1"), .integer(8)])]),
            .atom("unused"), .list([]), Self.hisTag,
        ]))
        #expect(ops == [.send(GlobalCast(node: Self.peer, message: resolvedOut))])

        let third: Atom = "third@127.0.0.1"
        let theirs = GlobalMessage(.genCast(.tuple([
            .atom("resolved"), .atom(Self.peer), .list([]), .list([.tuple([.atom(third), .integer(8)])]), .atom("unused"), .list([]), .integer(-100),
        ])))
        let actions = state.step(.message(theirs))
        #expect(actions.contains(.syncOther(third)))
        let extraInfo: Term = .list([.tuple([.atom("vsn"), .integer(8)]), .tuple([.atom("lock"), lockID])])
        let newNodes: Term = .genCast(.tuple([
            .atom("new_nodes"), .atom(Self.me), .list([]), .list([]),
            .list([.tuple([.atom(Self.peer), .integer(8)]), .tuple([.atom(third), .integer(8)])]), extraInfo,
        ]))
        #expect(actions.contains(.locker(.cancel(node: Self.peer, myTag: -100, newNodes: [GlobalCast(node: "other@127.0.0.1", message: newNodes)]))))
        #expect(state.known[Self.peer] == 8 && state.known[third] == 8)
        #expect(state.synced.contains(Self.peer))
        #expect(state.pending.isEmpty && state.sessions[Self.peer] == nil && state.resolvers[Self.peer] == nil)
    }

    @Test func aStaleTagCancelsTheSession() {
        var state = Self.state()
        _ = state.step(.nodeUp(Self.peer))
        _ = state.step(.message(Self.initConnect()))
        let actions = state.step(.message(.initConnectAck(node: Self.peer, hisMyTag: .integer(5), hisHisTag: .integer(6))))
        #expect(actions.first == .sendIfConnected(GlobalCast(node: Self.peer, message: .tuple([.atom("cancel_connect"), .atom(Self.me), .integer(6)]))))
        // The session restarts with a new tag and a new init_connect.
        #expect(state.resolvers[Self.peer] == -99)
    }

    @Test func inSyncMarksTheNodeSyncedAndEndsWaitingSyncers() {
        var state = Self.state()
        #expect(state.step(.sync(id: 1, nodes: [Self.peer])).isEmpty)
        let actions = state.step(.message(GlobalMessage(.genCast(.tuple([.atom("in_sync"), .atom(Self.peer), .true])))))
        #expect(actions.contains(.syncDone(id: 1)))
        #expect(state.synced == [Self.peer])
        #expect(state.step(.sync(id: 2, nodes: [Self.peer])) == [.syncDone(id: 2)])
    }
}
