import ErlangEPMD
import NIOCore
import NIOEmbedded
import Testing

/// The daemon's channel handler on testing channels sharing one testing loop, as accepted
/// connections share the daemon's loop: replies, registrations, hostile input, timeouts, limits.
@Suite struct EPMDServerHandlerTests {
    let loop = NIOAsyncTestingEventLoop()
    let events = Recorder<EPMDServerEvent>()
    let core: EPMDServerCore

    init() {
        self.init(relaxed: false, maximumConnections: 8)
    }

    init(relaxed: Bool, maximumConnections: Int) {
        let events = events
        core = EPMDServerCore(
            configuration: .init(
                registry: .init(epmdPort: 4369, relaxedCommandCheck: relaxed),
                maximumConnections: maximumConnections, packetTimeout: .seconds(60)),
            eventLoop: loop, clock: { 1_795_693_702 }, onEvent: { events.append($0) })
    }

    /// An accepted connection from `peer`.
    func accept(from peer: String = "127.0.0.1") async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel(loop: loop)
        let core = core
        try await loop.executeInContext {
            try core.addHandlers(to: channel.pipeline.syncOperations)
        }
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 4369)
        channel.remoteAddress = try SocketAddress(ipAddress: peer, port: 50000)
        try await channel.connect(to: channel.remoteAddress!).get()
        return channel
    }

    func send(_ hex: String, on channel: NIOAsyncTestingChannel) async throws {
        try await channel.writeInbound(ByteBuffer(hex: hex))
        await loop.run()
    }

    func reply(on channel: NIOAsyncTestingChannel) async throws -> String? {
        try await channel.readOutbound(as: ByteBuffer.self)?.hex
    }

    static let alive2B = "000e 78 238e 4d 00 0006 0005 0001 62 0000"

    // MARK: Serving

    @Test func registersAndAnswersLookups() async throws {
        let registration = try await accept()
        try await send(Self.alive2B, on: registration)
        #expect(try await reply(on: registration) == "76006b081c87")
        #expect(registration.isActive)

        let lookup = try await accept(from: "10.0.0.7")
        try await send("0002 7a 62", on: lookup)
        #expect(try await reply(on: lookup) == "7700238e4d00000600050001620000")
        #expect(!lookup.isActive)

        let names = try await accept(from: "10.0.0.7")
        try await send("0001 6e", on: names)
        #expect(try await reply(on: names) == "00001111" + ByteBuffer(string: "name b at port 9102\n").hex)
        #expect(events.values.contains(.registered(name: "b", port: 9102, creation: 1_795_693_703, connection: EPMDConnectionID(1))))
    }

    @Test func closingTheRegistrationConnectionUnregisters() async throws {
        let registration = try await accept()
        try await send(Self.alive2B, on: registration)
        _ = try await registration.finish()
        #expect(try await core.registeredNodes().get().isEmpty)
        #expect(events.values.last == .unregistered(name: "b", connection: EPMDConnectionID(1), reason: .connectionClosed))
    }

    @Test func anyByteOnTheRegistrationConnectionUnregisters() async throws {
        let registration = try await accept()
        try await send(Self.alive2B, on: registration)
        _ = try await reply(on: registration)
        try await send(ByteBuffer(string: "junk").hex, on: registration)
        #expect(!registration.isActive)
        #expect(try await core.registeredNodes().get().isEmpty)
        #expect(events.values.last == .unregistered(name: "b", connection: EPMDConnectionID(1), reason: .dataOnRegistrationConnection))
    }

    @Test func aFailedRegistrationIsHeldOpenUntilThePeerSpeaksOrTimesOut() async throws {
        let first = try await accept()
        try await send(Self.alive2B, on: first)
        let duplicate = try await accept()
        try await send(Self.alive2B, on: duplicate)
        #expect(try await reply(on: duplicate) == "760100000063")
        #expect(duplicate.isActive)  // OBS: epmd keeps it too
        try await send("00", on: duplicate)
        #expect(!duplicate.isActive)
        let another = try await accept()
        try await send(Self.alive2B, on: another)
        await loop.advanceTime(by: .seconds(61))
        #expect(!another.isActive)
        #expect(first.isActive)
        #expect(try await core.registeredNodes().get().map(\.record.name) == ["b"])
    }

    @Test func registrationFromAnotherHostIsClosedWithoutReply() async throws {
        let channel = try await accept(from: "192.0.2.1")
        try await send(Self.alive2B, on: channel)
        #expect(try await reply(on: channel) == nil)
        #expect(!channel.isActive)
        #expect(events.values.last == .refused(.notLocalPeer, request: .alive2, connection: EPMDConnectionID(1), peer: "192.0.2.1:50000"))
    }

    @Test func localPeerCheck() throws {
        let local = try SocketAddress(ipAddress: "192.0.2.5", port: 4369)
        for (peer, expected) in [("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true), ("192.0.2.5", true), ("192.0.2.6", false), ("::2", false)] {
            #expect(EPMDServerHandler.isLocalPeer(remote: try SocketAddress(ipAddress: peer, port: 1), local: local) == expected)
        }
        #expect(EPMDServerHandler.isLocalPeer(remote: nil, local: local))
    }

    // MARK: Hostile input

    @Test("bad input closes only that connection, with a log event", arguments: [
        "0001 51",  // unknown request
        "0000",  // length 0
        "ffff 6e",  // length past epmd's buffer
        "0bf2",  // 3058: one past the largest frame
        "0001 6e 6e",  // bytes after the request in the same read
        "0004 61 0001 62",  // legacy ALIVE_REQ
        "000f 78 2328 4d 00 0006 0005 000a 6162 0000",  // name length past the frame
    ])
    func badInput(hex: String) async throws {
        let registration = try await accept()
        try await send(Self.alive2B, on: registration)
        _ = try await reply(on: registration)

        let hostile = try await accept()
        try await send(hex, on: hostile)
        #expect(try await reply(on: hostile) == nil)
        #expect(!hostile.isActive)
        guard case .badInput(_, let connection, _) = events.values.last else {
            Issue.record("no badInput event: \(events.values)")
            return
        }
        #expect(connection == EPMDConnectionID(2))
        #expect(registration.isActive)
        #expect(try await core.registeredNodes().get().map(\.record.name) == ["b"])
    }

    @Test func truncatedFrameThenEOFIsLogged() async throws {
        let channel = try await accept()
        try await send("0005 7a 62", on: channel)
        #expect(channel.isActive)
        _ = try await channel.finish()
        #expect(events.values.contains { if case .badInput(let error, _, _) = $0 { error.code == .connectionClosed } else { false } })
    }

    @Test func aFrameIsBufferedAtMostOnce() async throws {
        // A client announcing the largest frame and dribbling bytes is held to that frame: the
        // first byte past it closes the connection.
        let channel = try await accept()
        try await send("0bf1", on: channel)
        for _ in 0..<3 {
            try await send(String(repeating: "00", count: 1000), on: channel)
        }
        #expect(channel.isActive)
        try await send(String(repeating: "00", count: 58), on: channel)
        #expect(!channel.isActive)
    }

    @Test func idleConnectionsTimeOutButRegistrationsDoNot() async throws {
        let registration = try await accept()
        try await send(Self.alive2B, on: registration)
        let idle = try await accept()
        try await send("00", on: idle)
        await loop.advanceTime(by: .seconds(59))
        #expect(idle.isActive)
        await loop.advanceTime(by: .seconds(2))
        #expect(!idle.isActive)
        #expect(registration.isActive)
        #expect(events.values.last == .idleTimeout(connection: EPMDConnectionID(2), peer: "127.0.0.1:50000"))
    }

    @Test func connectionsPastTheLimitAreClosedAtOnce() async throws {
        let test = EPMDServerHandlerTests(relaxed: false, maximumConnections: 2)
        let first = try await test.accept()
        try await test.send(Self.alive2B, on: first)
        let second = try await test.accept()
        let third = try await test.accept()
        #expect(!third.isActive)
        #expect(second.isActive && first.isActive)
        #expect(test.events.values.last == .connectionLimitReached(peer: "127.0.0.1:50000", limit: 2))
        // A freed slot is reused, with the lowest number.
        _ = try await second.finish()
        let fourth = try await test.accept()
        try await test.send("0001 64", on: fourth)
        #expect(try await test.reply(on: fourth)?.contains(ByteBuffer(string: "fd = 1").hex) == true)
        #expect(try await test.core.connectionCount().get() == 1)
    }

    // MARK: KILL and STOP

    @Test func stopClosesTheRegistrationConnection() async throws {
        let test = EPMDServerHandlerTests(relaxed: true, maximumConnections: 8)
        let registration = try await test.accept()
        try await test.send("000f 78 2328 4d 00 0006 0005 0002 6e36 0000", on: registration)
        let stop = try await test.accept()
        try await test.send("0003 73 6e36", on: stop)
        #expect(try await test.reply(on: stop) == ByteBuffer(string: "STOPPED").hex)
        #expect(!registration.isActive)
        #expect(!stop.isActive)
        #expect(test.events.values.contains(.unregistered(name: "n6", connection: EPMDConnectionID(1), reason: .stopRequest)))
    }

    @Test func killStopsTheDaemonOnlyWhenAllowed() async throws {
        let registration = try await accept()
        try await send(Self.alive2B, on: registration)
        let refused = try await accept()
        try await send("0001 6b", on: refused)
        #expect(try await reply(on: refused) == "4e4f")
        _ = try await registration.finish()
        let accepted = try await accept()
        try await send("0001 6b", on: accepted)
        #expect(try await reply(on: accepted) == "4f4b")
        #expect(events.values.last == .killed)
    }
}
