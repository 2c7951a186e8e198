import ErlangTerm
import Testing

@testable import ErlangRuntime

/// `ErlangProcess.monitor(_: [PID])`: the monitors on this node's processes, set up in one batch,
/// behave as one `monitor(_:)` each (a DOWN on exit, `noproc` at once for a dead pid). Swerl's own
/// EPMD on a free port.
@Suite struct BatchMonitorTests {
    @Test func aBatchOfLocalMonitorsFiresLikeSingleOnes() async throws {
        let epmd = try await EPMDServer.start(configuration: .init(port: 0, addresses: ["127.0.0.1"]))
        let node = try await ErlangNode.start(.init(
            name: .long("batchmon_\(UInt32.random(in: 0...UInt32.max))@127.0.0.1"), cookie: .explicit("batchmon"),
            epmdPort: epmd.port, listenHost: "127.0.0.1"))
        do {
            let watcher = try node.spawnProcess()
            let alive = try node.spawnProcess()
            let dead = try node.spawnProcess()
            dead.exit()
            let references = try await watcher.monitor([alive.pid, dead.pid])
            #expect(references.count == 2 && references[0] != references[1])
            let noproc = Term.tuple([.atom("DOWN"), .reference(references[1]), .atom("process"), .pid(dead.pid), .atom("noproc")])
            #expect(await watcher.receive(matching: { $0 == noproc }, timeout: .seconds(20)) != nil)
            alive.exit(.atom("done"))
            let down = Term.tuple([.atom("DOWN"), .reference(references[0]), .atom("process"), .pid(alive.pid), .atom("done")])
            #expect(await watcher.receive(matching: { $0 == down }, timeout: .seconds(20)) != nil)
        } catch {
            await node.shutdown()
            await epmd.shutdown()
            throw error
        }
        await node.shutdown()
        await epmd.shutdown()
    }
}
