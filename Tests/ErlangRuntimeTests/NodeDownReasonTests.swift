import ErlangDistribution
import ErlangTerm
import Testing

@testable import ErlangRuntime

@Suite struct NodeDownReasonTests {
    @Test func reasonsAsNetKernelGivesThem() {
        #expect(NodeDownReason(nil).term == .atom("connection_closed"))
        #expect(NodeDownReason(DistributionError(.peerUnresponsive, "silent")).term == .atom("net_tick_timeout"))
        #expect(NodeDownReason(DistributionError(.disconnected, "asked")).term == .atom("disconnect"))
        #expect(NodeDownReason(DistributionError(.connectionShutdown, "stop")).term == .atom("net_kernel_terminated"))
        let bad = NodeDownReason(DistributionError(.invalidHeader, "garbage"))
        #expect(bad.kind == .connectionClosed)
        #expect(bad.error?.code == .invalidHeader)
    }
}

@Suite struct GroupLeaderTableTests {
    @Test func groupLeadersGoWithTheirProcess() {
        var table = ProcessTable(node: "swift@host", creation: 1)
        let (pid, _) = table.spawn()
        let leader = PID(node: "erl@host", id: 7, serial: 0, creation: 3)
        #expect(table.groupLeader(of: pid) == nil)
        let set = table.setGroupLeader(leader, of: pid)
        #expect(set)
        #expect(table.groupLeader(of: pid) == leader)
        _ = table.remove(pid)
        #expect(table.groupLeader(of: pid) == nil)
        let setOnExited = table.setGroupLeader(leader, of: pid)
        #expect(setOnExited == false)
    }
}

@Suite struct SendWindowTests {
    @Test func sendersWaitForRoomInOrder() async {
        let window = SendWindow(limit: 2)
        await window.acquire()
        await window.acquire()
        let order = OrderBox()
        let first = Task { await window.acquire(); await order.add(1) }
        while await !window.hasWaiters() { await Task.yield() }
        let second = Task { await window.acquire(); await order.add(2) }
        while await window.waiterCount() < 2 { await Task.yield() }
        window.release()
        await first.value
        window.release()
        await second.value
        #expect(await order.values == [1, 2])
        window.close()
        await window.acquire()
        #expect(window.isClosed)
    }
}

private actor OrderBox {
    var values: [Int] = []
    func add(_ value: Int) { values.append(value) }
}

extension SendWindow {
    func hasWaiters() async -> Bool { waiterCount > 0 }
    func waiterCount() async -> Int { waiterCount }
}
