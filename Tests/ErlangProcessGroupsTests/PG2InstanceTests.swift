@testable import ErlangProcessGroups
import ErlangTerm
import Testing

/// The pg2 server's bookkeeping (`pg2.erl`: `join_group/2`, `leave_group/2`, `store/1`,
/// `member_died/1`, `delete_group/1`) and what each event makes it send.
@Suite struct PG2InstanceTests {
    private let me: Atom = "swift@127.0.0.1"
    private func local(_ id: UInt32) -> PID { PID(node: me, id: id, serial: 0, creation: 1) }
    private func remote(_ id: UInt32) -> PID { PID(node: "other@127.0.0.1", id: id, serial: 0, creation: 1) }
    private let g: Term = .atom("g")

    @Test func joinNeedsTheGroupAndCountsEachJoinWithOneMonitorPerPid() {
        var instance = PG2Instance(me: me)
        #expect(instance.join(g, local(1)).isEmpty)
        #expect(instance.members(g) == nil)
        instance.create(g)
        #expect(instance.members(g) == [])
        #expect(instance.join(g, local(1)) == [.monitor(local(1))])
        #expect(instance.join(g, local(1)).isEmpty)
        instance.create(.atom("h"))
        #expect(instance.join(.atom("h"), local(1)).isEmpty)
        #expect(instance.members(g) == [local(1), local(1)])
        #expect(instance.leave(g, local(1)).isEmpty)
        #expect(instance.leave(g, local(1)).isEmpty)
        #expect(instance.members(g) == [])
        #expect(instance.leave(.atom("h"), local(1)) == [.demonitor(local(1))])
        #expect(instance.leave(.atom("h"), local(1)).isEmpty)
    }

    @Test func localMembersAreThisNodesPidsInPidOrder() {
        var instance = PG2Instance(me: me)
        instance.create(g)
        _ = instance.join(g, remote(3))
        _ = instance.join(g, local(9))
        _ = instance.join(g, local(2))
        #expect(instance.localMembers(g) == [local(2), local(9)])
        #expect(instance.members(g)?.count == 3)
    }

    @Test func storeAddsOnlyTheCopiesNotCountedYetAndNeverRemoves() {
        var instance = PG2Instance(me: me)
        instance.create(g)
        _ = instance.join(g, local(1))
        _ = instance.join(g, local(2))
        let directives = instance.store([(g, [local(1), local(1), remote(5)]), (.atom("empty"), [])])
        #expect(directives == [.monitor(remote(5))])
        #expect(instance.members(g) == [local(1), local(1), local(2), remote(5)])
        #expect(instance.groupNames == [.atom("empty"), g])
    }

    @Test func aDeadMemberLeavesEveryGroupAndDelMemberIsAbcastPerGroup() {
        var instance = PG2Instance(me: me)
        instance.create(g)
        instance.create(.atom("h"))
        _ = instance.join(g, remote(5))
        _ = instance.join(g, remote(5))
        _ = instance.join(.atom("h"), remote(5))
        #expect(instance.down(remote(5)) == [
            .abcast(.tuple([.atom("del_member"), g, .pid(remote(5))])),
            .abcast(.tuple([.atom("del_member"), .atom("h"), .pid(remote(5))])),
        ])
        #expect(instance.members(g) == [])
        #expect(instance.down(remote(5)).isEmpty)
    }

    @Test func deleteDropsEveryCopyAndTheMonitorsNoLongerNeeded() {
        var instance = PG2Instance(me: me)
        instance.create(g)
        instance.create(.atom("h"))
        _ = instance.join(g, local(1))
        _ = instance.join(g, local(1))
        _ = instance.join(g, local(2))
        _ = instance.join(.atom("h"), local(2))
        #expect(instance.delete(g) == [.demonitor(local(1))])
        #expect(instance.members(g) == nil)
        #expect(instance.members(.atom("h")) == [local(2)])
    }
}
