import ErlangDistribution
import NIOCore
import Testing

/// Each handshake message written and read back, and malformed bodies refused with a typed error.
@Suite struct HandshakeMessageTests {
    static let messages: [(HandshakeMessage, HandshakeMessage.Direction)] = [
        (.name(SendName(version: .v6, flags: .swerlDefault, creation: 7, name: "a@b")), .fromInitiator),
        (.name(SendName(version: .v5, flags: DistributionFlags(rawValue: 0x0107_0F94), creation: 0, name: "a@b")), .fromInitiator),
        (.status(.ok), .fromAcceptor), (.status(.okSimultaneous), .fromAcceptor), (.status(.nok), .fromAcceptor),
        (.status(.notAllowed), .fromAcceptor), (.status(.alive), .fromAcceptor), (.status(.true), .fromInitiator),
        (.status(.false), .fromInitiator), (.status(.named(name: "x@b", creation: 9)), .fromAcceptor),
        (.status(.unknown("odd")), .fromAcceptor),
        (.challenge(Challenge(version: .v6, flags: .swerlDefault, challenge: 3, creation: 4, name: "c@d")), .fromAcceptor),
        (.challenge(Challenge(version: .v5, flags: DistributionFlags(rawValue: 0x7DF3FBC), challenge: 3, creation: 0, name: "c@d")), .fromAcceptor),
        (.complement(Complement(flagsHigh: 0xD, creation: 0x1234)), .fromInitiator),
        (.reply(ChallengeReply(challenge: 5, digest: HandshakeDigest(challenge: 1, cookie: "k"))), .fromInitiator),
        (.ack(ChallengeAck(digest: HandshakeDigest(challenge: 2, cookie: "k"))), .fromAcceptor),
    ]

    @Test(arguments: 0..<messages.count)
    func roundTrip(index: Int) throws {
        let (message, direction) = Self.messages[index]
        var framed = ByteBuffer()
        HandshakeFraming.write(message, into: &framed)
        let body = try #require(HandshakeFraming.readFrame(from: &framed))
        #expect(framed.readableBytes == 0)
        #expect(try HandshakeMessage.read(body: body, direction: direction) == message)
    }

    @Test func aFrameWaitsForAllItsBytes() {
        var partial = ByteBuffer(hex: "0005 73 6f")
        #expect(HandshakeFraming.readFrame(from: &partial) == nil)
        #expect(partial.readableBytes == 4)
    }

    @Test func trailingBytesAfterANameAreIgnored() throws {
        let body = ByteBuffer(hex: "4e 0000000d07df7fbd 6b081c89 0004 6140766d ffff")
        let message = try HandshakeMessage.read(body: body, direction: .fromInitiator)
        #expect(message == .name(SendName(version: .v6, flags: DistributionFlags(rawValue: 0xD_07DF_7FBD), creation: 0x6B08_1C89, name: "a@vm")))
    }

    @Test(arguments: [
        ("4e 0000000d07df7fbd 6b081c89 0009 6140766d", HandshakeMessage.Direction.fromInitiator),
        ("4e 0000", .fromAcceptor),
        ("72 00000001 0102", .fromInitiator),
        ("61 0102030405060708090a0b0c0d0e0f1011", .fromAcceptor),
        ("63 00000001", .fromInitiator),
        ("61 00", .fromInitiator),
        ("", .fromInitiator),
        ("73 6e616d65643a 0010 41", .fromAcceptor),
    ])
    func malformedBodiesAreProtocolViolations(hex: String, direction: HandshakeMessage.Direction) {
        #expect {
            try HandshakeMessage.read(body: ByteBuffer(hex: hex), direction: direction)
        } throws: { error in
            (error as? DistributionError)?.code == .handshakeProtocolViolation
        }
    }
}
