import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// Fragmented messages (distribution.md §4.4): splitting on send, reassembly on receipt, and the
/// bounds that keep a peer from making a connection buffer without end.
@Suite struct FragmentTests {
    static let regSend = ControlMessage.regSend(from: Fixtures.dlpy1, to: "lab")

    private func message(bytes count: Int, seed: UInt8 = 1) -> DistributionMessage {
        var data = [UInt8](repeating: seed, count: count)
        for index in stride(from: 0, to: count, by: 997) { data[index] = UInt8(truncatingIfNeeded: index / 997) }
        return DistributionMessage(control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: .binary(data))
    }

    @Test func capturedForeignFragmentsReassemble() throws {
        // The shape OTP 25 accepted from the foreign node: sequence 0x1234 in three fragments.
        let control = hex("6804 6106 <dlpy.1> 7700 77036c6162")
        let payload = hex("6803 7703636d64 <dlpy.1> 77046563686f")
        let frames = [
            hex("83 45 0000000000001234 0000000000000003 00") + control + payload[0..<5],
            hex("83 46 0000000000001234 0000000000000002") + payload[5..<10],
            hex("83 46 0000000000001234 0000000000000001") + payload[10...],
        ]
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags)
        #expect(try reader.read(frame: buffer(frames[0])) == nil)
        #expect(try reader.read(frame: buffer(frames[1])) == nil)
        #expect(reader.pendingFragmentedMessages == 1)
        let message = try reader.read(frame: buffer(frames[2]))
        #expect(message == DistributionMessage(control: Self.regSend,
                                               payload: .tuple([.atom("cmd"), .pid(Fixtures.dlpy1), .atom("echo")])))
        #expect(reader.pendingFragmentedMessages == 0)
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func fragmentsFollowOTPsLayout() throws {
        // OBS in distribution.md §4.4: 64 KiB of data per fragment, ids counting down to 1.
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags)
        let message = message(bytes: 100_000)
        let frames = try writer.write(message)
        #expect(frames.count == 2)
        #expect(frames[0].readableBytes == 19 + 65_536)
        #expect(Array(bytes(frames[0]).prefix(19)) == hex("83 45 0000000000000001 0000000000000002 00"))
        #expect(Array(bytes(frames[1]).prefix(18)) == hex("83 46 0000000000000001 0000000000000001"))
        let data = 47 + 5 + 100_000  // SEND_SENDER control, BINARY_EXT header, the bytes
        #expect(frames[1].readableBytes == 18 + data - 65_536)
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags)
        #expect(try reader.read(frame: frames[0]) == nil)
        #expect(try reader.read(frame: frames[1]) == message)
        // The next fragmented message gets the next sequence id.
        #expect(Array(bytes(try writer.write(message)[0]).prefix(10)) == hex("83 45 0000000000000002"))
    }

    @Test func aMessageThatFitsOneFragmentIsNotFragmented() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags)
        let frames = try writer.write(message(bytes: 65_536 - 47 - 5))
        #expect(frames.count == 1)
        #expect(Array(bytes(frames[0]).prefix(3)) == [131, 68, 0])
        // Messages without a payload are never fragmented, as in OTP.
        let exit = DistributionMessage(control: .exit(from: Fixtures.dlpy1, to: Fixtures.dlb85, reason: .binary(.init(repeating: 0, count: 200_000))))
        #expect(try writer.write(exit).count == 1)
    }

    @Test func theControlMessageIsWholeInTheFirstFragment() throws {
        let limits = DistributionLimits(fragmentSize: 16)
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags, limits: limits)
        let message = DistributionMessage(control: .regSendTT(from: Fixtures.dlpy1, to: "a_registered_name", traceToken: .tuple([0, 17, 1, .pid(Fixtures.dlb85), 0])),
                                          payload: .utf8(String(repeating: "payload ", count: 20)))
        let frames = try writer.write(message)
        #expect(frames.count > 5)
        var control = frames[0]
        _ = try DistributionHeader.read(from: &control, flags: Fixtures.atomCacheFlags)
        let decoded = try ETFDecoder().readUnversioned(from: &control, atomCache: [Fixtures.dlpy, "", "a_registered_name", Fixtures.dlb])
        #expect(try ControlMessage(term: decoded) == message.control)
        for frame in frames.dropLast() { #expect(try reader.read(frame: frame) == nil) }
        #expect(try reader.read(frame: frames.last!) == message)
    }

    @Test func interleavedSequencesAndOtherTrafficReassemble() throws {
        let limits = DistributionLimits(fragmentSize: 1000)
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags, limits: limits)
        let first = message(bytes: 5_500, seed: 1)
        let second = message(bytes: 3_200, seed: 2)
        let small = DistributionMessage(control: .link(from: Fixtures.dlpy1, to: Fixtures.dlb85))
        var a = try writer.write(first)
        var b = try writer.write(second)
        let c = try writer.write(small)
        #expect(a.count == 6 && b.count == 4 && c.count == 1)
        // First frames in write order, then continuations interleaved with each other and a
        // single-frame message.
        var received: [DistributionMessage] = []
        for frame in [a.removeFirst(), b.removeFirst(), c[0], a.removeFirst(), b.removeFirst(), a.removeFirst()] + a + b {
            if let message = try reader.read(frame: frame) { received.append(message) }
            #expect(reader.pendingFragmentedMessages <= 2)
        }
        #expect(received == [small, first, second])
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func oneMessageOverTheBoundFails() throws {
        let limits = DistributionLimits(maxFragmentedMessageBytes: 10_000, fragmentSize: 4_096)
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags, limits: limits)
        let frames = try writer.write(message(bytes: 12_000))
        #expect(try reader.read(frame: frames[0]) == nil)
        #expect(try reader.read(frame: frames[1]) == nil)
        let error = try #require(distributionError { _ = try reader.read(frame: frames[2]) })
        #expect(error.code == .fragmentMemoryExceeded)
        #expect(error.detail.contains("10000"))
        #expect(reader.pendingFragmentedMessages == 0)
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func allMessagesTogetherOverTheBoundFail() throws {
        let limits = DistributionLimits(maxBufferedFragmentBytes: 20_000, fragmentSize: 4_096)
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags, limits: limits)
        let starts = try (0..<5).map { _ in try writer.write(message(bytes: 9_000))[0] }
        for frame in starts.prefix(4) { #expect(try reader.read(frame: frame) == nil) }
        #expect(reader.bufferedFragmentBytes == 4 * 4_096)
        let error = try #require(distributionError { _ = try reader.read(frame: starts[4]) })
        #expect(error.code == .fragmentMemoryExceeded)
        #expect(error.detail.contains("on this connection"))
    }

    @Test func tooManySequencesAtOnceFail() throws {
        let limits = DistributionLimits(maxConcurrentFragmentedMessages: 3, fragmentSize: 64)
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags, limits: limits)
        let starts = try (0..<4).map { _ in try writer.write(message(bytes: 500))[0] }
        for frame in starts.prefix(3) { #expect(try reader.read(frame: frame) == nil) }
        #expect(distributionError { _ = try reader.read(frame: starts[3]) }?.code == .tooManyFragmentedMessages)
    }

    @Test func aHundredMegabytePayloadIsSplitAndReassembled() throws {
        let count = 100_000_000
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        // Frame by frame, as a connection sends them: besides the message itself, the writer holds
        // its encoding and one fragment, the reader the data gathered so far.
        var frames = try writer.frames(for: message(bytes: count))
        #expect(frames.count == (47 + 5 + count + 65_535) / 65_536)
        var result: DistributionMessage?
        var sent = 0
        while let frame = frames.next() {
            #expect(result == nil)
            result = try reader.read(frame: frame)
            sent += 1
        }
        #expect(sent == frames.count)
        #expect(frames.next() == nil)
        let received = try #require(result)
        #expect(received == message(bytes: count))
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func framesOneAtATimeEqualFramesAllAtOnce() throws {
        let limits = DistributionLimits(fragmentSize: 100)
        var allAtOnce = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        var oneAtATime = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        for size in [10, 99, 1_000, 1_001] {
            let message = message(bytes: size)
            #expect(try allAtOnce.write(message) == Array(oneAtATime.frames(for: message)))
        }
    }
}
