@testable import ErlangProcessGroups
import ErlangTerm
import Testing

private let here: Atom = "swift@127.0.0.1"
private let there: Atom = "erl@127.0.0.1"
private func pid(_ id: UInt32, on node: Atom = here) -> PID { PID(node: node, id: id, serial: 0, creation: 1) }
private let me = pid(1)
private let peer = pid(75, on: there)
private let g1 = Term.atom("g1")
private let g2 = Term.tuple([.atom("shard"), 2])

/// The pure scope against the messages and effects of `pg.erl` (OTP 25).
@Suite struct ProcessGroupsInstanceTests {
    private func knowingPeer() -> ProcessGroupsInstance {
        var instance = ProcessGroupsInstance(scope: "pg", me: me)
        _ = instance.discovered(by: peer)
        return instance
    }

    @Test func startDiscoversVisibleNodesAndNodeUpOnlyVisibleOnes() {
        let instance = ProcessGroupsInstance(scope: "pg", me: me)
        #expect(instance.started(visibleNodes: [there]) == [.sendToScope(.discover(me), node: there)])
        #expect(instance.nodeUp(there, hidden: false) == [.sendToScope(.discover(me), node: there)])
        #expect(instance.nodeUp(there, hidden: true).isEmpty)
        #expect(instance.nodeUp(here, hidden: false).isEmpty)
    }

    @Test func aDiscoverIsAnsweredWithASyncAndANewPeerIsMonitoredAndDiscovered() {
        var instance = ProcessGroupsInstance(scope: "pg", me: me)
        _ = instance.join(g1, .one(pid(10)))
        _ = instance.join(g1, .one(pid(10)))
        let directives = instance.discovered(by: peer)
        #expect(directives == [
            .send(.sync(me, [.init(group: g1, pids: [pid(10), pid(10)])]), to: peer),
            .monitor(peer), .send(.discover(me), to: peer),
        ])
        #expect(PGShapes.allAccepted(directives))
        // A known peer's second discover only gets a sync.
        #expect(instance.discovered(by: peer) == [.send(.sync(me, [.init(group: g1, pids: [pid(10), pid(10)])]), to: peer)])
    }

    @Test func joinsAreCountedMonitoredOnceAndBroadcastInTheShapeGiven() {
        var instance = knowingPeer()
        let one = instance.join(g1, .one(pid(10)))
        #expect(one == [.send(.join(me, group: g1, .one(pid(10))), to: peer), .monitor(pid(10))])
        let many = instance.join(g2, .many([pid(10), pid(11)]))
        #expect(many == [.send(.join(me, group: g2, .many([pid(10), pid(11)])), to: peer), .monitor(pid(11))])
        #expect(PGShapes.allAccepted(one + many))
        #expect(Set(instance.members(g2)) == [pid(10), pid(11)])
        #expect(instance.localMembers(g1) == [pid(10)])
        #expect(Set(instance.whichGroups()) == [g1, g2])
        #expect(PeerMessage.join(me, group: g2, .many([pid(10), pid(11)])).term
            == .tuple([.atom("join"), .pid(me), g2, .list([.pid(pid(10)), .pid(pid(11))])]))
    }

    @Test func aLeaveRemovesOneJoinAndANotJoinedLeaveSendsNothing() {
        var instance = knowingPeer()
        _ = instance.join(g1, .one(pid(10)))
        _ = instance.join(g1, .one(pid(10)))
        let notJoined = instance.leave(g2, .one(pid(10)))
        #expect(notJoined == nil)
        let first = instance.leave(g1, .one(pid(10)))
        #expect(first == [.send(.leave(me, .one(pid(10)), groups: [g1]), to: peer)])
        #expect(instance.members(g1) == [pid(10)])
        let second = instance.leave(g1, .many([pid(10), pid(12)]))
        #expect(second == [.demonitor(pid(10)), .send(.leave(me, .many([pid(10)]), groups: [g1]), to: peer)])
        #expect(PGShapes.allAccepted((first ?? []) + (second ?? [])))
        #expect(instance.whichGroups().isEmpty)
        #expect(PeerMessage.leave(me, .one(pid(10)), groups: [g1]).term
            == .tuple([.atom("leave"), .pid(me), .pid(pid(10)), .list([g1])]))
    }

    @Test func aLocalMemberExitLeavesEveryGroupOnceForEachJoin() {
        var instance = knowingPeer()
        _ = instance.join(g1, .one(pid(10)))
        _ = instance.join(g1, .one(pid(10)))
        let directives = instance.down(pid(10), reason: .atom("killed"))
        guard case .send(.leave(me, .one(pid(10)), let groups), peer) = directives.last else {
            Issue.record("no leave broadcast: \(directives)")
            return
        }
        #expect(groups == [g1, g1])
        #expect(PGShapes.allAccepted(directives))
        #expect(instance.members(g1).isEmpty)
    }

    @Test func aSyncReplacesEverythingKnownFromThatPeer() {
        var instance = ProcessGroupsInstance(scope: "pg", me: me)
        let a = pid(5, on: there), b = pid(6, on: there)
        let first = instance.sync(from: peer, [.init(group: g1, pids: [a, a]), .init(group: g2, pids: [b])])
        #expect(first == [.monitor(peer)])
        #expect(instance.members(g1) == [a, a])
        #expect(instance.hasSynced(node: there))
        _ = instance.sync(from: peer, [.init(group: g1, pids: [a, b])])
        #expect(Set(instance.members(g1)) == [a, b])
        #expect(instance.members(g1).count == 2)
        #expect(instance.members(g2).isEmpty)
        _ = instance.sync(from: peer, [])
        #expect(instance.whichGroups().isEmpty)
    }

    @Test func remoteJoinsAndLeavesAreCountedAndIgnoredFromUnknownPeers() {
        var instance = ProcessGroupsInstance(scope: "pg", me: me)
        let a = pid(5, on: there)
        let ignored = instance.receive(.join(peer, group: g1, .one(a)))
        #expect(ignored.isEmpty)
        #expect(instance.members(g1).isEmpty)
        _ = instance.discovered(by: peer)
        _ = instance.receive(.join(peer, group: g1, .one(a)))
        _ = instance.receive(.join(peer, group: g1, .many([a])))
        #expect(instance.members(g1) == [a, a])
        #expect(instance.localMembers(g1).isEmpty)
        _ = instance.receive(.leave(peer, .one(a), groups: [g1, g2]))
        #expect(instance.members(g1) == [a])
        _ = instance.receive(.leave(pid(99, on: there), .one(a), groups: [g1]))
        #expect(instance.members(g1) == [a])
    }

    @Test func aPeerDownDropsItsMembersAndARestartIsRediscovered() {
        var instance = knowingPeer()
        let a = pid(5, on: there)
        _ = instance.receive(.join(peer, group: g1, .one(a)))
        let lost = instance.down(peer, reason: .atom("noconnection"))
        #expect(lost.isEmpty)
        #expect(instance.members(g1).isEmpty)
        #expect(instance.peersKnown.isEmpty)
        _ = instance.discovered(by: peer)
        let restarted = instance.down(peer, reason: .atom("killed"))
        #expect(restarted == [.rediscover(node: there)])
    }

    @Test func subscribersHearJoinsAndLeavesOfTheirScopeOrGroup() {
        var instance = knowingPeer()
        let (scopeID, snapshot) = instance.monitorScope()
        let (groupID, members) = instance.monitor(g2)
        #expect(snapshot.isEmpty && members.isEmpty)
        let joined = instance.join(g1, .one(pid(10)))
        #expect(joined.contains(.notify(scopeID, MembershipChange(.join, group: g1, pids: [pid(10)]))))
        #expect(!joined.contains { if case .notify(groupID, _) = $0 { return true } else { return false } })
        let a = pid(5, on: there)
        let remote = instance.receive(.join(peer, group: g2, .one(a)))
        #expect(remote == [.notify(scopeID, .init(.join, group: g2, pids: [a])), .notify(groupID, .init(.join, group: g2, pids: [a]))])
        let removed = instance.demonitor(groupID)
        let again = instance.demonitor(groupID)
        #expect(removed && !again)
        let down = instance.down(peer, reason: .atom("noconnection"))
        #expect(down == [.notify(scopeID, .init(.leave, group: g2, pids: [a]))])
    }

    @Test func malformedPeerMessagesAreNotRead() {
        let bad: [Term] = [
            .tuple([.atom("discover"), .atom("x")]),
            .tuple([.atom("join"), .pid(peer), g1, .atom("notapid")]),
            .tuple([.atom("join"), .pid(peer), g1, .list([.pid(peer), 3])]),
            .tuple([.atom("leave"), .pid(peer), .pid(peer), .atom("g1")]),
            .tuple([.atom("$gen_cast"), .tuple([.atom("sync"), .pid(peer), .list([.atom("g1")])])]),
            .tuple([.atom("$gen_cast"), .tuple([.atom("sync"), .pid(peer), .list([.tuple([g1, .pid(peer)])])])]),
            .tuple([.atom("sync"), .pid(peer), .list([])]),
            .atom("discover"), .list([]),
        ]
        for term in bad { #expect(PeerMessage(term) == nil, "\(term)") }
        let good = PeerMessage.sync(me, [.init(group: g2, pids: [me, me])])
        #expect(PeerMessage(good.term) == good)
        #expect(PGShapes.isAccepted(good.term))
        #expect(PGShapes.isAccepted(PeerMessage.discover(me).term))
    }
}
