import ErlangDistribution
import ErlangTerm
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// The connected-state handler on an `NIOAsyncTestingChannel`; the peer is a reader and a writer.
@Suite struct DistributionChannelHandlerTests {
    /// Pass-through flags (neither DIST_HDR_ATOM_CACHE nor FRAGMENTS), understood by every reader.
    static let flags = DistributionFlags.swerlDefault.subtracting([.fragments, .distHeaderAtomCache]).union(.published)
    static let node = Atom("peer@host")
    static let pid = PID(node: "swift@host", id: 7, serial: 0, creation: 1)

    static func message(_ text: String) -> DistributionMessage {
        DistributionMessage(control: .regSend(from: PID(node: node, id: 1, serial: 0, creation: 2), to: "server"), payload: .binary(Array(text.utf8)))
    }

    final class Closes: Sendable {
        let errors = NIOLockedValueBox<[DistributionError?]>([])
    }

    /// A channel whose handler cuts the frames itself, as ``addDistributionConnectionHandlers``
    /// sets it up, or, with `decoderInFront`, gets them from a ``DistributionFrameDecoder``.
    static func makeChannel(
        closes: Closes = Closes(), tickTime: Duration = .seconds(4), decoderInFront: Bool = false
    ) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            let configuration = DistributionConnectionConfiguration(netTickTime: tickTime, limits: DistributionLimits(maxFrameBytes: 1 << 20))
            if decoderInFront {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(DistributionFrameDecoder(maximumFrameBytes: 1 << 20)))
            }
            try channel.pipeline.syncOperations.addHandler(DistributionChannelHandler(
                agreedFlags: flags, peerIsHidden: false, configuration: configuration, cutsFrames: !decoderInFront,
                onClose: { error in closes.errors.withLockedValue { $0.append(error) } }))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4370)).get()
        return channel
    }

    static func framed(_ messages: DistributionMessage...) throws -> ByteBuffer {
        try framed(messages, flags: flags)
    }

    /// The frames `messages` make with `flags`, each behind its length.
    static func framed(_ messages: [DistributionMessage], flags: DistributionFlags) throws -> ByteBuffer {
        var writer = DistributionMessageWriter(flags: flags)
        var bytes = ByteBuffer()
        for message in messages {
            for var frame in try writer.write(message) {
                bytes.writeInteger(UInt32(frame.readableBytes))
                bytes.writeBuffer(&frame)
            }
        }
        return bytes
    }

    /// Writes without waiting, returning the write's future.
    static func write(_ message: DistributionMessage, to channel: NIOAsyncTestingChannel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.pipeline.writeAndFlush(message, promise: promise)
        return promise.futureResult
    }

    /// Everything written so far, as one buffer.
    static func written(_ channel: NIOAsyncTestingChannel) async throws -> ByteBuffer {
        var all = ByteBuffer()
        while var part = try await channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
        return all
    }

    static func messages(in bytes: ByteBuffer) throws -> [DistributionMessage] {
        var bytes = bytes
        var reader = DistributionMessageReader(flags: flags)
        var result: [DistributionMessage] = []
        while let frame = try DistributionFrameDecoder.readFrame(from: &bytes, maximumFrameBytes: 1 << 20) {
            if let message = try reader.read(frame: frame) { result.append(message) }
        }
        return result
    }

    @Test(arguments: [false, true]) func framesBecomeMessagesWhateverTheirSplit(decoderInFront: Bool) async throws {
        let channel = try await Self.makeChannel(decoderInFront: decoderInFront)
        var bytes = try Self.framed(Self.message("one"), Self.message("two"))
        while let byte = bytes.readSlice(length: 1) { try await channel.writeInbound(byte) }
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("one"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("two"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
    }

    @Test func severalFramesInOneReadAndAFrameAcrossReads() async throws {
        let channel = try await Self.makeChannel()
        var bytes = try Self.framed(Self.message("one"), Self.message("two"), Self.message("three"))
        try await channel.writeInbound(bytes.readSlice(length: bytes.readableBytes - 3)!)
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("one"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("two"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
        try await channel.writeInbound(bytes)
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("three"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
    }

    /// A large frame across several reads is finished with only the bytes it lacks; the frames
    /// behind it in the same read are then cut from that read in place.
    @Test func aLargeFrameAcrossReadsThenFramesBehindItInTheLastRead() async throws {
        let channel = try await Self.makeChannel()
        let large = DistributionMessage(control: Self.message("x").control, payload: .binary(Array(repeating: 7, count: 100_000)))
        var bytes = try Self.framed(large, Self.message("after"), Self.message("last"))
        for length in [3, 2, 40_000, 50_000] {
            try await channel.writeInbound(bytes.readSlice(length: length)!)
            #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
        }
        try await channel.writeInbound(bytes)
        #expect(try await channel.readInbound(as: DistributionMessage.self) == large)
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("after"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("last"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
    }

    /// A channel whose handler agreed on fragments and the atom cache, as with OTP 25.
    static func makeFragmentingChannel(closes: Closes = Closes()) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(DistributionChannelHandler(
                agreedFlags: .swerlDefault, peerIsHidden: false, cutsFrames: true,
                onClose: { error in closes.errors.withLockedValue { $0.append(error) } }))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4370)).get()
        return channel
    }

    @Test func fragmentsAcrossUnevenReadsMakeTheirMessage() async throws {
        let channel = try await Self.makeFragmentingChannel()
        let large = DistributionMessage(control: Self.message("x").control, payload: .binary((0..<300_000).map { UInt8($0 % 251) }))
        var bytes = try Self.framed([large, Self.message("after")], flags: .swerlDefault)
        // Cuts inside a length, inside a continuation header, just after one, and across fragments.
        for length in [3, 2, 65_540, 10, 1, 20, 70_000, 1, 100_000] {
            try await channel.writeInbound(bytes.readSlice(length: length)!)
            #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
        }
        try await channel.writeInbound(bytes)
        #expect(try await channel.readInbound(as: DistributionMessage.self) == large)
        #expect(try await channel.readInbound(as: DistributionMessage.self) == Self.message("after"))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
    }

    @Test func aContinuationWithoutItsStartAcrossReadsStillFails() async throws {
        let closes = Closes()
        let channel = try await Self.makeFragmentingChannel(closes: closes)
        let large = DistributionMessage(control: Self.message("x").control, payload: .binary(Array(repeating: 1, count: 200_000)))
        var bytes = try Self.framed([large], flags: .swerlDefault)
        // Drop the first fragment: the next frame continues a sequence that never started.
        let firstLength = Int(bytes.getInteger(at: bytes.readerIndex, as: UInt32.self)!)
        bytes.moveReaderIndex(forwardBy: 4 + firstLength)
        try await channel.writeInbound(bytes.readSlice(length: 1000)!)
        _ = try? await channel.writeInbound(bytes)
        #expect(closes.errors.withLockedValue { $0 }.first??.code == .fragmentWithoutStart)
    }

    @Test func ticksAreNotMessages() async throws {
        let channel = try await Self.makeChannel()
        try await channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(try await channel.readInbound(as: DistributionMessage.self) == nil)
        #expect(channel.isActive)
    }

    @Test func messagesGoOutWithTheirLength() async throws {
        let channel = try await Self.makeChannel()
        try await channel.writeOutbound(Self.message("out"))
        let bytes = try await Self.written(channel)
        #expect(bytes == (try Self.framed(Self.message("out"))))
        #expect(try Self.messages(in: bytes) == [Self.message("out")])
    }

    @Test func anIdleConnectionTicksEveryQuarterOfTheTickTime() async throws {
        let channel = try await Self.makeChannel()
        // The handshake was the first period's traffic: no tick at the first firing.
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(try await Self.written(channel).readableBytes == 0)
        await channel.testingEventLoop.advanceTime(by: .milliseconds(999))
        #expect(try await Self.written(channel).readableBytes == 0)
        try await channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
        await channel.testingEventLoop.advanceTime(by: .milliseconds(1))
        #expect(try await Self.written(channel) == ByteBuffer(bytes: [0, 0, 0, 0]))
        // Having written a message in the period, no tick is due.
        await channel.testingEventLoop.advanceTime(by: .milliseconds(10))
        try await channel.writeOutbound(Self.message("busy"))
        _ = try await Self.written(channel)
        try await channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
        await channel.testingEventLoop.advanceTime(by: .milliseconds(990))
        #expect(try await Self.written(channel).readableBytes == 0)
        // An idle period again: a tick.
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(try await Self.written(channel) == ByteBuffer(bytes: [0, 0, 0, 0]))
    }

    @Test func aSilentPeerIsDroppedAfterTheTickTime() async throws {
        let closes = Closes()
        let channel = try await Self.makeChannel(closes: closes)
        // The first firing (1 s) counts the handshake; four silent ones follow.
        await channel.testingEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(closes.errors.withLockedValue { $0 }.map { $0?.code } == [.peerUnresponsive])
        await #expect(throws: DistributionError.self) { try await channel.throwIfErrorCaught() }
    }

    @Test func ticksFromThePeerKeepTheConnection() async throws {
        let channel = try await Self.makeChannel()
        for _ in 0..<20 {
            try await channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
            await channel.testingEventLoop.advanceTime(by: .seconds(1))
        }
        #expect(channel.isActive)
    }

    @Test func aBadFrameClosesTheConnectionWithATypedError() async throws {
        let closes = Closes()
        let channel = try await Self.makeChannel(closes: closes)
        _ = try? await channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 3, 0x78, 0, 0]))
        #expect(!channel.isActive)
        #expect(closes.errors.withLockedValue { $0 }.first??.code == .invalidHeader)
    }

    @Test func anOversizedFrameIsRefusedBeforeItArrives() async throws {
        let closes = Closes()
        let channel = try await Self.makeChannel(closes: closes)
        _ = try? await channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 1]))
        #expect(!channel.isActive)
        #expect(closes.errors.withLockedValue { $0 }.first??.code == .frameTooLarge)
    }

    @Test func writesWaitWhileTheSocketIsNotWritable() async throws {
        let channel = try await Self.makeChannel()
        channel.isWritable = false
        let written = Self.write(Self.message("held"), to: channel)
        let completed = NIOLockedValueBox(false)
        written.whenSuccess { completed.withLockedValue { $0 = true } }
        await channel.testingEventLoop.run()
        #expect(try await Self.written(channel).readableBytes == 0)
        #expect(!completed.withLockedValue { $0 })
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        try await written.get()
        #expect(try Self.messages(in: try await Self.written(channel)) == [Self.message("held")])
    }

    @Test func waitingWritesFailWhenTheConnectionCloses() async throws {
        let closes = Closes()
        let channel = try await Self.makeChannel(closes: closes)
        channel.isWritable = false
        let written = Self.write(Self.message("lost"), to: channel)
        try await channel.close()
        await #expect(throws: DistributionError.self) { try await written.get() }
        #expect(closes.errors.withLockedValue { $0 }.count == 1)
        #expect(closes.errors.withLockedValue { $0 }.first! == nil)
    }
}
