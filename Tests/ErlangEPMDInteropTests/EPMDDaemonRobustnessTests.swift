import ErlangEPMD
import ErlangRuntime
import Foundation
import NIOCore
import NIOPosix
import Testing

/// The daemon under hostile load, over real sockets; no Erlang needed.
@Suite(.serialized) struct EPMDDaemonRobustnessTests {
    @Test func aFloodOfConnectionsAndGarbageLeavesRegistrationsAlone() async throws {
        let daemon = try await EPMDServer.start(
            configuration: .init(port: 0, addresses: ["127.0.0.1"], maximumConnections: 32), logger: EPMDInteropTests.logger)
        defer { Task { await daemon.shutdown() } }
        let client = EPMDInteropTests.client(port: daemon.port)
        let registration = try await client.register(name: "survivor", port: 4000)

        // More idle connections than the daemon serves: it keeps 31 besides the registration and
        // closes the rest at once, so its memory stays bounded.
        var idle: [RawConnection] = []
        for _ in 0..<80 { idle.append(try await RawConnection.open(port: daemon.port)) }
        try await eventually("idle connections past the limit closed") {
            idle.filter { !$0.isClosed }.count == 31
        }
        #expect(try await daemon.connectionCount() == 32)
        for connection in idle { await connection.close() }
        try await eventually("idle connections gone") { try await daemon.connectionCount() == 1 }

        // Garbage, truncated frames and oversized lengths: each connection closed, silently.
        let hostile: [[UInt8]] = [
            Array("GET / HTTP/1.1\r\n\r\n".utf8), [0xff, 0xff] + Array(repeating: 0x41, count: 5000), [0, 0],
            [0x0b, 0xf2, 120], [0, 9, 122, 98], [0, 1, 0x51], (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) },
        ]
        for bytes in hostile {
            let connection = try await RawConnection.open(port: daemon.port)
            try await connection.send(bytes)
            let reply = await connection.readToEOF(timeout: bytes == [0, 9, 122, 98] ? .milliseconds(300) : .seconds(5))
            #expect(reply.bytes.isEmpty)
            await connection.close()
        }
        try await eventually("hostile connections gone") { try await daemon.connectionCount() == 1 }

        #expect(registration.isActive)
        #expect(try await client.names(host: "127.0.0.1").nodes.map(\.name) == ["survivor"])
        #expect(try await client.portPlease(name: "survivor", host: "127.0.0.1").port == 4000)
        await registration.unregister()
    }

    @Test func configurationReadsTheEnvironmentLikeOTP() {
        #expect(EPMDClient.Configuration(environment: [:]).epmdPort == 4369)
        #expect(EPMDClient.Configuration(environment: ["ERL_EPMD_PORT": "4370"]).epmdPort == 4370)
        #expect(EPMDClient.Configuration(environment: ["ERL_EPMD_PORT": "junk"]).epmdPort == 4369)
        #expect(EPMDClient.Configuration(epmdPort: 5000, environment: ["ERL_EPMD_PORT": "4370"]).epmdPort == 5000)
        #expect(EPMDServer.Configuration(environment: ["ERL_EPMD_PORT": "4370"]).port == 4370)
        #expect(EPMDServer.Configuration(environment: ["ERL_EPMD_RELAXED_COMMAND_CHECK": "1"]).relaxedCommandCheck)
        #expect(!EPMDServer.Configuration(environment: [:]).relaxedCommandCheck)
    }
}
