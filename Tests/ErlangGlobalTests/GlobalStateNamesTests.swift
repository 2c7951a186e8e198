import ErlangTerm
import Testing

@testable import ErlangGlobal

/// Names, locks, calls and partition protection of the pure name server.
struct GlobalStateNamesTests {
    static let me = GlobalStateConnectTests.me
    static let peer = GlobalStateConnectTests.peer
    static let caller = PID(node: peer, id: 90, serial: 0, creation: 3)
    static let tag: Term = .tuple([.reference(Reference(node: peer, ids: [1, 2, 3], creation: 3)), .atom(me)])

    static func call(_ request: Term, from: PID = caller) -> GlobalInput {
        .message(GlobalMessage(.genCall(from: from, tag: tag, request)))
    }

    @Test func setLockGrantsTheSameRequesterAndRefusesOthers() {
        var state = GlobalStateConnectTests.state()
        let lock: Term = .tuple([.atom("res"), .atom("a")])
        #expect(state.step(Self.call(.tuple([.atom("set_lock"), lock]))) == [.monitor(Self.caller), .reply(.true, from: Self.caller, tag: Self.tag)])
        let other = PID(node: Self.peer, id: 91, serial: 0, creation: 3)
        #expect(state.step(Self.call(.tuple([.atom("set_lock"), lock]), from: other)) == [.monitor(other), .reply(.true, from: other, tag: Self.tag)])
        let refused: Term = .tuple([.atom("res"), .atom("b")])
        #expect(state.step(Self.call(.tuple([.atom("set_lock"), refused]))) == [.reply(.false, from: Self.caller, tag: Self.tag)])
        #expect(state.step(Self.call(.tuple([.atom("del_lock"), lock]))) == [.reply(.true, from: Self.caller, tag: Self.tag)])
        #expect(state.locks[.atom("res")]?.holders == [other])
        _ = state.step(.message(.down(pid: other)))
        #expect(state.locks.isEmpty)
    }

    @Test func registerUnderTheGlobalLockAndDown() {
        var state = GlobalStateConnectTests.state()
        _ = state.step(Self.call(.tuple([.atom("set_lock"), .tuple([.atom("global"), .pid(Self.caller)])])))
        let pid = PID(node: Self.peer, id: 5, serial: 0, creation: 3)
        let actions = state.step(Self.call(.tuple([.atom("register"), .atom("n"), .pid(pid), .atom("m")])))
        #expect(actions == [.monitor(pid), .reply(.atom("yes"), from: Self.caller, tag: Self.tag)])
        #expect(state.names[.atom("n")]?.pid == pid)
        #expect(state.step(Self.call(.atom("get_known"))) == [.reply(.list([]), from: Self.caller, tag: Self.tag)])
        _ = state.step(.message(GlobalMessage(.tuple([.atom("DOWN"), .reference(Reference(node: Self.me, ids: [1], creation: 1)), .atom("process"), .pid(pid), .atom("killed")]))))
        #expect(state.names.isEmpty)
    }

    @Test func aRegistrationWithoutTheLockIsUndone() {
        var state = GlobalStateConnectTests.state()
        _ = state.step(Self.call(.tuple([.atom("set_lock"), .tuple([.atom("global"), .atom("someone_else")])]), from: PID(node: Self.peer, id: 1, serial: 0, creation: 3)))
        let pid = PID(node: Self.peer, id: 5, serial: 0, creation: 3)
        _ = state.step(Self.call(.tuple([.atom("register"), .atom("n"), .pid(pid), .atom("m")])))
        #expect(state.names.isEmpty)
    }

    @Test func unknownCallsGetNoReply() {
        var state = GlobalStateConnectTests.state()
        let actions = state.step(Self.call(.atom("what")))
        #expect(actions.count == 1)
        if case .log = actions[0] {} else { Issue.record("expected a log line, got \(actions)") }
    }

    @Test func nodeDownTellsTheOthersAndLostConnectionRemovesTheLostNode() {
        var state = GlobalStateConnectTests.state()
        let third: Atom = "third@127.0.0.1"
        state.known = [Self.peer: 8, third: 8]
        state.synced = [Self.peer, third]
        let actions = state.step(.nodeDown(third))
        let lost: Term = .tuple([.atom("lost_connection"), .atom(Self.me), .integer(99), .integer(1), .atom(third)])
        #expect(actions.contains(.sendIfConnected(GlobalCast(node: Self.peer, message: lost))))
        #expect(state.known == [Self.peer: 8] && state.synced == [Self.peer])

        // peer says it lost third@: nothing left to remove; passed on once.
        var second = GlobalStateConnectTests.state()
        second.known = [Self.peer: 8, third: 8]
        let report: Term = .tuple([.atom("lost_connection"), .atom(Self.peer), .integer(7), .integer(3), .atom(third)])
        let reaction = second.step(.message(GlobalMessage(report)))
        #expect(reaction.contains(.sendIfConnected(GlobalCast(node: third, message: .tuple([.atom("remove_connection"), .atom(Self.me)])))))
        #expect(second.known[third] == nil && second.removing == [third])
        #expect(second.step(.message(GlobalMessage(report))).isEmpty)
        // The later nodedown of a removed node is not reported again.
        #expect(!second.step(.nodeDown(third)).contains { if case .sendIfConnected = $0 { true } else { false } })
    }

    @Test func removeConnectionDisconnectsTheSender() {
        var state = GlobalStateConnectTests.state()
        state.known = [Self.peer: 8]
        let actions = state.step(.message(GlobalMessage(.tuple([.atom("remove_connection"), .atom(Self.peer)]))))
        #expect(actions.first == .disconnect(Self.peer))
        #expect(state.known.isEmpty)
        #expect(state.step(.message(GlobalMessage(.tuple([.atom("remove_connection"), .atom("nobody@x")])))).isEmpty)
    }

    @Test func forgedInitConnectsDoNotGrowTheStateWithoutBound() {
        var state = GlobalStateConnectTests.state()
        for index in 0..<(GlobalState.sessionLimit + 100) {
            let node = Atom("forged\(index)@h")
            let locker = PID(node: node, id: 1, serial: 0, creation: 1)
            _ = state.step(.message(.initConnect(version: 8, hisTag: .integer(index), node: node, hisLocker: locker)))
        }
        #expect(state.sessions.count <= GlobalState.sessionLimit + 1)
    }

    @Test func malformedMessagesDecodeAsUnknown() {
        let samples: [Term] = [
            .atom("x"), .tuple([]), .genCast(.atom("x")), .genCast(.tuple([.atom("exchange"), .atom("n"), .atom("notalist"), .list([]), .integer(1)])),
            .genCast(.tuple([.atom("resolved"), .atom("n"), .list([.atom("bad_op")]), .list([]), .atom("unused"), .list([]), .integer(1)])),
            .genCast(.tuple([.atom("lock_set"), .atom("notapid"), .true, .list([]), .integer(1)])),
            .tuple([.atom("lost_connection"), .integer(1), .integer(1), .integer(1), .atom("b")]),
            .tuple([.atom("$gen_call"), .atom("bad"), .atom("get_known")]),
        ]
        for sample in samples {
            guard case .unknown = GlobalMessage(sample) else {
                Issue.record("\(sample) decoded")
                continue
            }
        }
    }
}

/// Conflict resolution and the locker's bookkeeping.
struct GlobalResolutionTests {
    static let small = PID(node: "a@h", id: 1, serial: 0, creation: 1)
    static let large = PID(node: "b@h", id: 1, serial: 0, creation: 1)

    @Test func theSmallerNodeResolves() {
        let ours = GlobalName(name: .atom("n"), pid: Self.small, method: .atom("m"))
        let theirs = GlobalName(name: .atom("n"), pid: Self.large, method: .atom("m"))
        let fresh = GlobalName(name: .atom("new"), pid: Self.large, method: .atom("m"))
        let items = GlobalResolution.items(theirs: [theirs, fresh], from: "b@h", me: "a@h", ours: [.atom("n"): ours])
        #expect(items == [.conflict(theirs: theirs, ours: ours), .insert(fresh)])
        #expect(GlobalResolution.items(theirs: [theirs], from: "a@h", me: "b@h", ours: [.atom("n"): ours]).isEmpty)
        #expect(GlobalResolution.items(theirs: [ours], from: "b@h", me: "a@h", ours: [.atom("n"): ours]).isEmpty)

        let kept = GlobalResolution.operations(items, outcomes: [.keep(Self.small)])
        #expect(kept.operations == [.insert(fresh)] && kept.resolved == [.insert(ours)])
        let lost = GlobalResolution.operations(items, outcomes: [.keep(Self.large)])
        #expect(lost.operations == [.insert(theirs), .insert(fresh)] && lost.resolved.isEmpty)
        let none = GlobalResolution.operations(items, outcomes: [.none])
        #expect(none.operations == [.delete(.atom("n")), .insert(fresh)] && none.resolved == [.delete(.atom("n"))])
        let failed = GlobalResolution.operations(items, outcomes: [.failed])
        #expect(failed.operations == [.insert(theirs), .insert(fresh)])
    }

    @Test func standardMethodsAreTheExportFunsOfGlobal() {
        #expect(GlobalResolve.randomExit.method == .fun(.export(module: "global", function: "random_exit_name", arity: 3)))
        #expect(GlobalResolve.notifyAll.method == .fun(.export(module: "global", function: "notify_all_name", arity: 3)))
        guard case .randomNotify? = GlobalResolution.standardMethod(GlobalResolve.randomNotify.method) else {
            Issue.record("random_notify_name not recognised")
            return
        }
        #expect(GlobalResolution.standardMethod(.atom("x")) == nil)
        #expect(GlobalResolution.minMax(Self.large, Self.small) == (Self.small, Self.large))
    }

    @Test func lockerStateTimeoutsAndLockIDs() {
        var state = LockerState(node: "s@h")
        #expect(state.timeout == nil)
        let him = LockerState.Him(node: "e@h", locker: Self.large, version: 8, myTag: 1, hisTag: .integer(2))
        state.add(him)
        #expect(state.local == [him] && state.timeout == .milliseconds(200))
        state.addKnown(["z@h", "e@h"])
        #expect(state.boss == "z@h" && state.timeout == .milliseconds(1200))
        #expect(state.candidates().isEmpty)
        state.removeKnown("z@h")
        #expect(state.boss == "s@h")
        state.addKnown(["z@h"])
        let stages = state.firstStages(extra: ["e@h"])
        #expect(stages.first == ["z@h"] && stages.second == ["s@h", "e@h"])
        #expect(state.lastStage(first: stages.first) == ["e@h"])
        let id = LockerState.lockID(Self.large, Self.small)
        #expect(id == LockerState.lockID(Self.small, Self.large))
        #expect(id.term == .tuple([.atom("global"), .list([.pid(Self.small), .pid(Self.large)])]))
    }
}
