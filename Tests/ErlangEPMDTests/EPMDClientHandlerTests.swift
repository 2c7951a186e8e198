import ErlangEPMD
import NIOCore
import NIOEmbedded
import Testing

/// The client's channel handler on a testing channel, with the daemon's bytes written by hand.
@Suite struct EPMDClientHandlerTests {
    let loop = NIOAsyncTestingEventLoop()

    func connect(_ request: EPMDRequest, timeout: TimeAmount = .seconds(10)) async throws -> (NIOAsyncTestingChannel, EventLoopFuture<EPMDResponse>) {
        let channel = NIOAsyncTestingChannel(loop: loop)
        let promise = loop.makePromise(of: EPMDResponse.self)
        try await loop.executeInContext {
            try EPMDClientHandler.addHandlers(to: channel.pipeline.syncOperations, request: request, replyTimeout: timeout, promise: promise)
        }
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 4369)).get()
        return (channel, promise.futureResult)
    }

    @Test func registrationSendsOTPsBytesAndKeepsTheConnection() async throws {
        let (channel, reply) = try await connect(.alive2(.init(node: EPMDNodeRecord(name: "b", port: 9102))))
        #expect(try await channel.readOutbound(as: ByteBuffer.self)?.hex == "000e78238e4d00000600050001620000")
        try await channel.writeInbound(ByteBuffer(hex: "76 00 6b08"))
        try await channel.writeInbound(ByteBuffer(hex: "1c87"))
        #expect(try await reply.get() == .alive2(.init(format: .extended, result: 0, creation: 1_795_693_703)))
        #expect(channel.isActive)
        _ = try await channel.finish()
    }

    @Test func refusedRegistrationClosesTheConnection() async throws {
        let (channel, reply) = try await connect(.alive2(.init(node: EPMDNodeRecord(name: "b", port: 9102))))
        try await channel.writeInbound(ByteBuffer(hex: "79 01 0063"))
        #expect(try await reply.get() == .alive2(.init(format: .legacy, result: 1, creation: 99)))
        #expect(!channel.isActive)
    }

    @Test func lookupReadsTheRecord() async throws {
        let (channel, reply) = try await connect(.portPlease2(.init(name: "b")))
        #expect(try await channel.readOutbound(as: ByteBuffer.self)?.hex == "00027a62")
        try await channel.writeInbound(ByteBuffer(hex: "77 00 238e 4d 00 0006 0005 0001"))
        try await channel.writeInbound(ByteBuffer(hex: "62 0000"))
        #expect(try await reply.get() == .port2(.found(EPMDNodeRecord(name: "b", port: 9102))))
        #expect(!channel.isActive)
    }

    @Test func namesEndAtEOF() async throws {
        let (channel, reply) = try await connect(.names)
        try await channel.writeInbound(ByteBuffer(hex: "00001111"))
        try await channel.writeInbound(ByteBuffer(string: "name b at port 9102\n"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        _ = try? await channel.finish()
        #expect(try await reply.get() == .names(.init(epmdPort: 4369, nodes: [.init(name: "b", port: 9102)])))
    }

    @Test func noReplyInTimeIsATimeout() async throws {
        let (channel, reply) = try await connect(.portPlease2(.init(name: "b")), timeout: .seconds(3))
        await loop.advanceTime(by: .seconds(2))
        #expect(channel.isActive)
        await loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
        await #expect(throws: EPMDError.self) { try await reply.get() }
        do {
            _ = try await reply.get()
        } catch let error as EPMDError {
            #expect(error.code == .timeout)
        }
    }

    @Test func closeWithoutReplyIsConnectionClosed() async throws {
        let (channel, reply) = try await connect(.portPlease2(.init(name: String(repeating: "x", count: 255))))
        _ = try await channel.finish()
        do {
            _ = try await reply.get()
            Issue.record("expected an error")
        } catch let error as EPMDError {
            #expect(error.code == .connectionClosed)
        }
    }

    @Test func garbageReplyIsMalformed() async throws {
        let (channel, reply) = try await connect(.alive2(.init(node: EPMDNodeRecord(name: "b", port: 9102))))
        try await channel.writeInbound(ByteBuffer(string: "HTTP/1.1 400"))
        do {
            _ = try await reply.get()
            Issue.record("expected an error")
        } catch let error as EPMDError {
            #expect(error.code == .malformedResponse)
        }
        #expect(!channel.isActive)
    }
}
