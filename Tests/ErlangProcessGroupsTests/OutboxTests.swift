@testable import ErlangProcessGroups
import ErlangTerm
import Testing

/// Batches of directives: fewer messages, the same membership and order for every peer.
@Suite struct OutboxTests {
    private let me = PID(node: "swift@127.0.0.1", id: 1, serial: 0, creation: 1)
    private let peer = PID(node: "erl@127.0.0.1", id: 75, serial: 0, creation: 1)
    private let other = PID(node: "erl2@127.0.0.1", id: 75, serial: 0, creation: 1)
    private func pid(_ id: UInt32) -> PID { PID(node: "swift@127.0.0.1", id: id, serial: 0, creation: 1) }

    @Test func adjacentJoinsOfOneGroupToOnePeerBecomeOneListJoin() {
        var instance = ProcessGroupsInstance(scope: "pg", me: me)
        _ = instance.discovered(by: peer)
        var batch: [ProcessGroupsInstance.Directive] = []
        for id: UInt32 in 10..<13 { batch += instance.join(.atom("g"), .one(pid(id))) }
        batch += instance.join(.atom("h"), .one(pid(10)))
        let sent = Outbox.coalesce(batch)
        #expect(sent == [
            .send(.join(me, group: .atom("g"), .many([pid(10), pid(11), pid(12)])), to: peer),
            .send(.join(me, group: .atom("h"), .one(pid(10))), to: peer),
            .monitor(pid(10)), .monitor(pid(11)), .monitor(pid(12)),
        ])
        #expect(PGShapes.allAccepted(sent))
    }

    @Test func onlyLeavesOfTheSameGroupsMergeAndOtherMessagesKeepTheirPlace() {
        let g: [Term] = [.atom("g")]
        let batch: [ProcessGroupsInstance.Directive] = [
            .send(.leave(me, .one(pid(10)), groups: g), to: peer),
            .send(.leave(me, .one(pid(11)), groups: g), to: peer),
            .send(.leave(me, .one(pid(12)), groups: g + g), to: peer),
            .send(.join(me, group: .atom("g"), .one(pid(13))), to: other),
            .send(.join(me, group: .atom("g"), .one(pid(14))), to: peer),
            .demonitor(pid(10)),
        ]
        #expect(Outbox.coalesce(batch) == [
            .send(.leave(me, .many([pid(10), pid(11)]), groups: g), to: peer),
            .send(.leave(me, .one(pid(12)), groups: g + g), to: peer),
            .send(.join(me, group: .atom("g"), .one(pid(14))), to: peer),
            .send(.join(me, group: .atom("g"), .one(pid(13))), to: other),
            .demonitor(pid(10)),
        ])
    }

    @Test func joinsToTwoPeersMergeForEachPeer() {
        var instance = ProcessGroupsInstance(scope: "pg", me: me)
        _ = instance.discovered(by: peer)
        _ = instance.discovered(by: other)
        var batch: [ProcessGroupsInstance.Directive] = []
        for id: UInt32 in 10..<13 { batch += instance.join(.atom("g"), .one(pid(id))) }
        let sends = Outbox.coalesce(batch).filter { if case .send = $0 { return true } else { return false } }
        #expect(Set(sends) == [
            .send(.join(me, group: .atom("g"), .many([pid(10), pid(11), pid(12)])), to: peer),
            .send(.join(me, group: .atom("g"), .many([pid(10), pid(11), pid(12)])), to: other),
        ])
    }
}
