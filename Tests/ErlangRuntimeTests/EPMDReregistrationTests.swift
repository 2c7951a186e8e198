import ErlangDistribution
import ErlangEPMD
import ErlangTerm
import Foundation
import Logging
import Testing

@testable import ErlangRuntime

/// A node whose EPMD goes away keeps running and registers again once an EPMD is back on the
/// port (erl_epmd.erl, `handle_info/2`), keeping its creation. Swerl's own EPMD, on a free port.
@Suite struct EPMDReregistrationTests {
    @Test func aNodeRegistersAgainWhenEPMDComesBack() async throws {
        var epmd = try await EPMDServer.start(configuration: .init(port: 0, addresses: ["127.0.0.1"]))
        let port = epmd.port
        let alive = "rereg_\(UInt32.random(in: 0...UInt32.max))"
        let node = try await ErlangNode.start(.init(
            name: .long("\(alive)@127.0.0.1"), cookie: .explicit("rereg"), epmdPort: port, listenHost: "127.0.0.1"))
        var peer: ErlangNode?
        do {
            #expect(node.isRegisteredWithEPMD)
            await epmd.shutdown()
            try await poll("the registration to end") { node.isRegisteredWithEPMD ? nil : true }
            epmd = try await poll("EPMD to start again on port \(port)") {
                try? await EPMDServer.start(configuration: .init(port: port, addresses: ["127.0.0.1"]))
            }
            let registered = try await poll("the node in EPMD again") {
                try await epmd.registeredNodes().first { $0.record.name == alive }
            }
            #expect(Int(registered.record.port) == node.port)
            #expect(node.isRegisteredWithEPMD)
            #expect(!node.isShutDown)
            // The node is reachable through the new EPMD, with the pids of its first creation.
            let process = try node.spawnProcess()
            #expect(process.pid.creation == node.creation)
            peer = try await ErlangNode.start(.init(
                name: .long("rereg_peer_\(UInt32.random(in: 0...UInt32.max))@127.0.0.1"), cookie: .explicit("rereg"),
                epmdPort: port, listenHost: "127.0.0.1"))
            #expect(await peer?.ping(node.name) == true)
        } catch {
            await peer?.shutdown()
            await node.shutdown()
            await epmd.shutdown()
            throw error
        }
        await peer?.shutdown()
        await node.shutdown()
        try await poll("the name gone from EPMD") {
            try await epmd.registeredNodes().contains { $0.record.name == alive } ? nil : true
        }
        await epmd.shutdown()
    }
}

/// Polls `value` every 20 ms until it is not nil or `timeout` passes.
@discardableResult
func poll<T>(timeout: Duration = .seconds(30), _ what: String, _ value: () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let found = try await value() { return found }
        guard ContinuousClock.now < deadline else {
            Issue.record("no \(what) within \(timeout)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
