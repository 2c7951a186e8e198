import ErlangDistribution
import ErlangTerm
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import ErlangRuntime

/// A read's messages reach their mailboxes once the read's frames are cut (or the read completes),
/// in order, and none is lost when the connection ends first.
@Suite struct InboundBridgeTests {
    static let pid = PID(node: "a@h", id: 1, serial: 0, creation: 1)

    static func plain(_ number: Int) -> DistributionMessage {
        DistributionMessage(control: .send(to: pid), payload: .integer(number))
    }

    /// A channel with the bridge (after `handler`, when given), whose fast path records the plain
    /// messages it takes.
    static func channel(behind handler: DistributionChannelHandler? = nil) throws -> (EmbeddedChannel, NIOLockedValueBox<[Term]>) {
        let channel = EmbeddedChannel()
        if let handler { try channel.pipeline.syncOperations.addHandler(handler) }
        let fastPath = InboundFastPath()
        let taken = NIOLockedValueBox<[Term]>([])
        fastPath.install { message in
            guard case .send = message.control, let payload = message.payload else { return false }
            taken.withLockedValue { $0.append(payload) }
            return true
        }
        let (bridge, _) = DistributionInboundBridge.make(on: channel.eventLoop, fastPath: fastPath)
        try channel.pipeline.syncOperations.addHandler(bridge)
        return (channel, taken)
    }

    @Test func aReadsMessagesAreDeliveredWhenItCompletes() throws {
        let (channel, taken) = try Self.channel()
        // One read that brings three messages (EmbeddedChannel.writeInbound completes each read).
        for number in 1...3 { channel.pipeline.fireChannelRead(NIOAny(Self.plain(number))) }
        #expect(taken.withLockedValue { $0 }.isEmpty)
        channel.pipeline.fireChannelReadComplete()
        #expect(taken.withLockedValue { $0 } == [.integer(1), .integer(2), .integer(3)])
        try channel.writeInbound(Self.plain(4))
        #expect(taken.withLockedValue { $0 }.count == 4)
        _ = try channel.finish()
    }

    @Test func behindTheConnectionHandlerAReadsMessagesAreDeliveredWhenItsFramesAreCut() throws {
        let flags = DistributionFlags.swerlDefault
        let handler = DistributionChannelHandler(agreedFlags: flags, peerIsHidden: false, cutsFrames: true)
        let (channel, taken) = try Self.channel(behind: handler)
        // One read with three whole frames and the start of a fourth.
        var writer = DistributionMessageWriter(flags: flags)
        var bytes = ByteBuffer()
        for number in 1...4 {
            for frame in try writer.write(Self.plain(number)) {
                bytes.writeInteger(UInt32(frame.readableBytes))
                bytes.writeImmutableBuffer(frame)
            }
        }
        let cut = bytes.readableBytes - 3
        let read = try #require(bytes.getSlice(at: bytes.readerIndex, length: cut))
        bytes.moveReaderIndex(forwardBy: cut)
        channel.pipeline.fireChannelRead(NIOAny(read))
        // Before the pipeline's channelReadComplete: the handler's onReadEnd delivered them.
        #expect(taken.withLockedValue { $0 } == [.integer(1), .integer(2), .integer(3)])
        channel.pipeline.fireChannelRead(NIOAny(bytes))
        #expect(taken.withLockedValue { $0 }.count == 4)
        _ = try channel.finish()
    }

    /// Counts the reads that pass it towards the socket.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Never
        var reads = 0

        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test func afterAReadOfManyMessagesTheNextReadWaits() throws {
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        let fastPath = InboundFastPath()
        fastPath.install { _ in true }
        let pacing = DistributionConnectionConfiguration.ReadPacing(messages: 3, delay: .microseconds(30))
        // The sequence is kept: dropping it would resume reading at the loop's next turn.
        let (bridge, sequence) = DistributionInboundBridge.make(on: channel.eventLoop, fastPath: fastPath, pacing: pacing)
        try channel.pipeline.syncOperations.addHandler(bridge)
        defer { withExtendedLifetime(sequence) {} }

        // A read as NIO makes it: its messages, its completion, then the request for the next
        // read (autoRead), which passes the bridge at once or later.
        func read(messages: Int) {
            for number in 0..<messages { channel.pipeline.fireChannelRead(NIOAny(Self.plain(number))) }
            channel.pipeline.fireChannelReadComplete()
            channel.pipeline.read()
        }
        read(messages: 2)
        let reads = counter.reads
        read(messages: 3)
        #expect(counter.reads == reads)
        channel.embeddedEventLoop.advanceTime(by: .microseconds(29))
        #expect(counter.reads == reads)
        channel.embeddedEventLoop.advanceTime(by: .microseconds(1))
        #expect(counter.reads == reads + 1)
        read(messages: 1)
        #expect(counter.reads == reads + 2)
        _ = try channel.finish()
    }

    @Test func messagesOfAnUnfinishedReadAreDeliveredWhenTheConnectionEnds() throws {
        let (channel, taken) = try Self.channel()
        channel.pipeline.fireChannelRead(NIOAny(Self.plain(1)))
        channel.pipeline.fireChannelRead(NIOAny(Self.plain(2)))
        _ = try channel.finish()
        #expect(taken.withLockedValue { $0 } == [.integer(1), .integer(2)])
    }
}
