import ErlangTerm
import Testing

@testable import ErlangRuntime

@Suite struct LinkTableTests {
    let us = PID(node: "swift@host", id: 1, serial: 0, creation: 5)
    let remote = PID(node: "erl@host", id: 90, serial: 0, creation: 9)

    @Test func aLinkIsMadeOnceAndCarriesOneExit() {
        var table = LinkTable()
        let result1 = table.link(us, remote)
        #expect(result1)
        let result2 = table.link(us, remote)
        #expect(!result2)
        #expect(table.isLinked(us, remote))
        let result3 = table.takeExit(us, from: remote)
        #expect(result3)
        let result4 = table.takeExit(us, from: remote)
        #expect(!result4)
    }

    @Test func anUnlinkUnderWayIgnoresExitsUntilItsAck() {
        var table = LinkTable()
        _ = table.link(us, remote)
        let id = table.unlink(us, remote)
        #expect(id != nil)
        let result5 = table.unlink(us, remote)
        #expect(result5 == nil)
        // The peer's exit crossed our UNLINK_ID: not acted on.
        let result6 = table.takeExit(us, from: remote)
        #expect(!result6)
        // An ack for another id changes nothing; the right one removes the entry.
        table.unlinkAcknowledged(us, by: remote, id: id! + 1)
        #expect(table.links[us]?[remote] != nil)
        table.unlinkAcknowledged(us, by: remote, id: id!)
        #expect(table.links[us]?[remote] == nil)
    }

    @Test func anUnlinkFromThePeerRemovesOnlyAnActiveLink() {
        var table = LinkTable()
        _ = table.link(us, remote)
        table.unlinkRequested(us, by: remote)
        #expect(!table.isLinked(us, remote))
        _ = table.link(us, remote)
        let id = table.unlink(us, remote)
        table.unlinkRequested(us, by: remote)
        #expect(table.links[us]?[remote] == LinkTable.Link(isActive: false, unlinkID: id))
    }

    @Test func exitsAndLostConnectionsTakeTheActiveLinks() {
        var table = LinkTable()
        table.setTrapping(us, true)
        _ = table.link(us, remote)
        let result7 = table.connectionLost(to: "erl@host").map(\.1)
        #expect(result7 == [remote])
        _ = table.link(us, remote)
        let result8 = table.processExited(us)
        #expect(result8 == [remote])
        #expect(!table.isTrapping(us))
    }
}
