import ErlangDistribution
import ErlangTerm
import Testing

@testable import ErlangRuntime

@Suite struct MonitorTableTests {
    let us = PID(node: "swift@host", id: 1, serial: 0, creation: 5)
    let other = PID(node: "swift@host", id: 2, serial: 0, creation: 5)
    let remote = PID(node: "erl@host", id: 90, serial: 0, creation: 9)
    let erl = try! NodeName("erl@host")

    func reference(_ id: UInt32) -> Reference { Reference(node: "swift@host", ids: [id, 0, 0], creation: 5) }

    @Test func anExitFiresTheMonitorsOnTheProcessAndDropsTheOnesItHeld() {
        var table = MonitorTable()
        table.add(.init(target: us, targetAs: .name("echo"), watcher: remote, peer: erl), reference: reference(1))
        table.add(.init(target: other, targetAs: .pid(other), watcher: remote, peer: erl), reference: reference(2))
        table.add(.init(watcher: us, target: .pid(remote), node: erl), reference: reference(3))
        let (fired, held) = table.processExited(us)
        #expect(fired.map(\.0) == [reference(1)])
        #expect(fired.first?.1.targetAs == .name("echo"))
        #expect(held.map(\.0) == [reference(3)])
        #expect(table.onUs.keys.sorted { $0.ids[0] < $1.ids[0] } == [reference(2)])
        #expect(table.byUs.isEmpty)
    }

    @Test func aLostConnectionFiresOurMonitorsAndForgetsThePeers() {
        var table = MonitorTable()
        table.add(.init(target: us, targetAs: .pid(us), watcher: remote, peer: erl), reference: reference(1))
        table.add(.init(watcher: us, target: .name("shell"), node: erl), reference: reference(2))
        let lost = table.connectionLost(to: erl)
        #expect(lost.map(\.0) == [reference(2)])
        #expect(table.onUs.isEmpty)
        #expect(table.byUs.isEmpty)
    }

    @Test func aDownNamesTheTargetAsTheWatcherDid() {
        let node = try! NodeName("erl@host")
        let byName = ErlangNode.downMessage(reference(1), target: .name("shell"), node: node, reason: .atom("noconnection"))
        #expect(byName == .tuple([.atom("DOWN"), .reference(reference(1)), .atom("process"), .tuple([.atom("shell"), .atom("erl@host")]), .atom("noconnection")]))
        let byPid = ErlangNode.downMessage(reference(2), target: .pid(remote), node: node, reason: .atom("normal"))
        #expect(byPid == .tuple([.atom("DOWN"), .reference(reference(2)), .atom("process"), .pid(remote), .atom("normal")]))
    }
}
