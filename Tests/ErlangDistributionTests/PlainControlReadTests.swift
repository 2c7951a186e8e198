import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// The control tuples of plain sends are read straight from the bytes when every atom in them is
/// an atom cache reference; any other shape goes the general way, with the same result or error.
@Suite struct PlainControlReadTests {
    /// A normal header with two new atoms: reference 0 is `dlb@vm`, reference 1 is `dlpy@vm`.
    static let header = "83 44 02 88 00 05 06 646c6240766d 07 07 646c707940766d"
    /// `<dlpy.1>` and `<dlb.85>` with their nodes as atom cache references.
    static let dlpy1 = "58 52 01 00000001 00000000 12345678"
    static let dlb85 = "58 52 00 00000055 00000000 6b081d3d"

    private func read(_ control: String, payload: String = "6a") throws -> DistributionMessage? {
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        return try reader.read(frame: buffer(hex(Self.header + " " + control + " " + payload)))
    }

    @Test(arguments: [
        ("68 03 61 16 \(dlpy1) \(dlb85)", ControlMessage.sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), "SEND_SENDER"),
        ("68 03 61 16 \(dlpy1) <dlb.85>", .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), "SEND_SENDER, a node in full"),
        ("68 03 61 02 52 00 \(dlb85)", .send(to: Fixtures.dlb85), "SEND"),
        ("68 03 61 02 77 00 \(dlb85)", .send(to: Fixtures.dlb85), "SEND, unused atom in full"),
        ("68 04 61 06 \(dlpy1) 52 00 52 01", .regSend(from: Fixtures.dlpy1, to: Fixtures.dlpy), "REG_SEND"),
        ("68 04 61 06 \(dlpy1) 77 00 77 03 666f6f", .regSend(from: Fixtures.dlpy1, to: "foo"), "REG_SEND, atoms in full"),
    ] as [(String, ControlMessage, String)])
    func plainSendsReadAsTheGeneralPathReadsThem(_ control: String, _ expected: ControlMessage, _ name: String) throws {
        #expect(try read(control) == DistributionMessage(control: expected, payload: .list([])), "\(name)")
    }

    @Test(arguments: [
        // (control, code, words)
        ("68 03 61 16 \(dlpy1) 58 52 00 00000055", DistributionError.Code.invalidTerm, "control message does not decode"),
        ("68 03 61 16 \(dlpy1) 58 52 02 00000055 00000000 6b081d3d", .invalidTerm, "atom cache reference 2"),
        ("68 04 61 16 \(dlpy1) \(dlb85) 6a", .malformedControlMessage, "SEND_SENDER"),
        ("68 03 61 16 \(dlpy1) 52 00", .malformedControlMessage, "pid"),
    ] as [(String, DistributionError.Code, String)])
    func brokenPlainSendsFailAsBefore(_ control: String, _ code: DistributionError.Code, _ words: String) throws {
        let error = try #require(distributionError { _ = try read(control) })
        #expect(error.code == code, "\(error)")
        #expect(error.detail.contains(words), "\(error)")
    }

    @Test func aPassThroughFrameStillReadsItsSend() throws {
        var reader = DistributionMessageReader(flags: Fixtures.passThroughFlags)
        let frame = "70 83 68 03 61 16 <dlpy.1> <dlb.85> 83 6a"
        #expect(try reader.read(frame: buffer(hex(frame))) == DistributionMessage(
            control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: .list([])))
    }
}

/// A writer reuses the buffer of a frame handed back to it only once nothing else holds it.
@Suite struct RecycledFrameTests {
    static func reply(_ number: Int) -> DistributionMessage {
        DistributionMessage(control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: .tuple([.atom("pong"), .integer(number)]))
    }

    @Test func aFrameStillHeldElsewhereIsNotWrittenOver() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        var frames: [ByteBuffer] = []
        var copies: [[UInt8]] = []
        for number in 1...4 {
            let frame = try #require(try writer.write(Self.reply(number)).first)
            copies.append(Array(frame.readableBytesView))
            // The odd frames stay held, as a write still waiting would hold them; the even ones
            // are dropped, so the next message reuses their storage.
            if number % 2 == 1 { frames.append(frame) }
            writer.recycle(frame)
        }
        for (index, frame) in frames.enumerated() {
            #expect(Array(frame.readableBytesView) == copies[index * 2])
        }
        for (index, bytes) in copies.enumerated() {
            var buffer = ByteBuffer()
            buffer.writeBytes(bytes)
            #expect(try reader.read(frame: buffer) == Self.reply(index + 1))
        }
    }
}
