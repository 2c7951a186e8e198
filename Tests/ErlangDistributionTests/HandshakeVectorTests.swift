import ErlangDistribution
import NIOCore
import Testing

/// Replays of handshakes captured from OTP 25.2.3 (distribution.md §2.11): byte for byte, in both roles.
@Suite struct HandshakeVectorTests {
    /// OTP 25.2.3's default flags, without PUBLISHED (distribution.md §3.2).
    static let otpFlags = DistributionFlags(rawValue: 0xD_07DF_7FBC)

    // (a) a@vm (creation 0x6b081c89) connects to b@vm (creation 0x6b081c87), cookie democookie.
    static let aName = ByteBuffer(hex: "0013 4e 0000000d07df7fbd 6b081c89 0004 6140766d")
    static let bStatus = ByteBuffer(hex: "0003 73 6f6b")
    static let bChallenge = ByteBuffer(hex: "0017 4e 0000000d07df7fbd 8e051335 6b081c87 0004 6240766d")
    static let aReply = ByteBuffer(hex: "0015 72 9423616b 44b65c8baff31e9c68060bb90476cf04")
    static let bAck = ByteBuffer(hex: "0011 61 5ffe1ebd1282f1a7b7fb28dc0288d7c8")

    static func concat(_ buffers: ByteBuffer...) -> ByteBuffer {
        var result = ByteBuffer()
        for var buffer in buffers { result.writeBuffer(&buffer) }
        return result
    }

    @Test func theCapturedDigestIsMD5OfCookieAndDecimalChallenge() {
        #expect(HandshakeDigest(challenge: 0x8E05_1335, cookie: "democookie").description == "44b65c8baff31e9c68060bb90476cf04")
        #expect(HandshakeDigest(challenge: 0x9423_616B, cookie: "democookie").description == "5ffe1ebd1282f1a7b7fb28dc0288d7c8")
    }

    @Test func asInitiatorWeSendWhatOTPSent() throws {
        let configuration = HandshakeConfiguration(
            name: .name(try NodeName("a@vm")), creation: 0x6B08_1C89, cookie: "democookie", flags: Self.otpFlags)
        var machine = HandshakeStateMachine(connectingTo: try NodeName("b@vm"), configuration: configuration, challenge: 0x9423_616B)
        #expect(machine.start() == .write(Self.aName))
        #expect(machine.received(Self.concat(Self.bStatus, Self.bChallenge)) == .write(Self.aReply))
        guard case .completed(let result, nil) = machine.received(Self.bAck) else { Issue.record("not completed"); return }
        #expect(result.peer == (try NodeName("b@vm")))
        #expect(result.peerCreation == 0x6B08_1C87)
        #expect(result.agreedFlags.rawValue == 0xD_07DF_7FBD)
    }

    @Test func asAcceptorWeSendWhatOTPSent() throws {
        let configuration = HandshakeConfiguration(
            name: .name(try NodeName("b@vm")), creation: 0x6B08_1C87, cookie: "democookie", flags: Self.otpFlags)
        var machine = HandshakeStateMachine(acceptingWith: configuration, challenge: 0x8E05_1335)
        #expect(machine.start() == .needMoreBytes)
        let pending = PendingConnection(peer: .name(try NodeName("a@vm")), flags: DistributionFlags(rawValue: 0xD_07DF_7FBD))
        #expect(machine.received(Self.aName) == .checkSimultaneous(pending))
        #expect(machine.pendingResolved(.ok) == .write(Self.concat(Self.bStatus, Self.bChallenge)))
        guard case .completed(let result, let ack) = machine.received(Self.aReply) else { Issue.record("not completed"); return }
        #expect(ack == Self.bAck)
        #expect(result.peerCreation == 0x6B08_1C89)
        #expect(!result.isHidden)
    }

    /// (b) OTP's dlc@vm connects to a foreign acceptor dlpy@vm (creation 0x0badcafe) advertising the
    /// pass-through tier 0xd075f1fbd.
    @Test func asAcceptorForAnOTPInitiatorWeSendTheCapturedFrames() throws {
        let configuration = HandshakeConfiguration(
            name: .name(try NodeName("dlpy@vm")), creation: 0x0BAD_CAFE, cookie: "democookie",
            flags: DistributionFlags(rawValue: 0xD_075F_1FBC))
        var machine = HandshakeStateMachine(acceptingWith: configuration, challenge: 0x8C26_0F24)
        guard case .checkSimultaneous = machine.received(ByteBuffer(hex: "0015 4e 0000000d07df7fbd 6b081d6a 0006 646c6340766d")) else {
            Issue.record("no question"); return
        }
        #expect(machine.pendingResolved(.ok) == .write(ByteBuffer(hex: "0003 73 6f6b 001a 4e 0000000d075f1fbd 8c260f24 0badcafe 0007 646c707940766d")))
        guard case .completed(let result, let ack) = machine.received(ByteBuffer(hex: "0015 72 81e57d9b e43b4fdcf0904ff128c6c34c78302088")) else {
            Issue.record("not completed"); return
        }
        #expect(ack == ByteBuffer(hex: "0011 61 fccb26a7e078eed9555dd8127470d9cc"))
        #expect(result.peer == (try NodeName("dlc@vm")))
        #expect(result.agreedFlags.rawValue == 0xD_075F_1FBD)
    }

    /// (c) the failure cases a foreign initiator provoked in OTP 25.2.3, fed to our acceptor.
    @Test func aMissingMapTagIsAnsweredNotAllowedAsOTPDoes() throws {
        var machine = HandshakeStateMachine(acceptingWith: .init(name: .name(try NodeName("dlb@vm")), creation: 1, cookie: "c"), challenge: 1)
        let action = machine.received(ByteBuffer(hex: "0016 4e 0000000d035d1fbd 11111111 0007 646c707940766d"))
        guard case .failed(let error, let write) = action else { Issue.record("accepted"); return }
        #expect(write == ByteBuffer(hex: "000c 73 6e6f745f616c6c6f776564"))
        #expect(error.code == .missingFlags)
        #expect(error.detail.contains("MAP_TAG"))
    }

    @Test func aNameWithoutAtSignClosesWithoutAStatus() throws {
        var machine = HandshakeStateMachine(acceptingWith: .init(name: .name(try NodeName("dlb@vm")), creation: 1, cookie: "c"), challenge: 1)
        let action = machine.received(ByteBuffer(hex: "0017 4e 0000000d075f1fbd 11111111 0008 6e6f61747369676e"))
        guard case .failed(let error, nil) = action else { Issue.record("accepted"); return }
        #expect(error.code == .badNodeName)
    }

    /// OTP 25 accepts a peer that sends only MANDATORY_25_DIGEST|PUBLISHED; Swerl requires OTP 26's
    /// set (V4_NC and UNLINK_ID too), so it refuses that peer.
    @Test func aDigestOnlyPeerLacksTheOTP26Flags() throws {
        var machine = HandshakeStateMachine(acceptingWith: .init(name: .name(try NodeName("dlb@vm")), creation: 1, cookie: "c"), challenge: 1)
        let action = machine.received(ByteBuffer(hex: "0016 4e 0000000004000001 11111111 0007 646c707940766d"))
        guard case .failed(let error, .some) = action else { Issue.record("accepted"); return }
        #expect(error.detail.contains("UNLINK_ID|V4_NC"))
    }

    /// The old 'n' that OTP 25.0 to 25.2 refuse: Swerl accepts it as OTP 25.3+ does and answers 'N'.
    @Test func anOldNameIsAcceptedAndAnsweredWithAVersion6Challenge() throws {
        var machine = HandshakeStateMachine(acceptingWith: .init(name: .name(try NodeName("dlb@vm")), creation: 1, cookie: "c"), challenge: 1)
        let action = machine.received(ByteBuffer(hex: "000e 6e 0005 075f1fbd 646c707940766d"))
        #expect(action == .checkSimultaneous(PendingConnection(peer: .name(try NodeName("dlpy@vm")), flags: DistributionFlags(rawValue: 0x075F_1FBD))))
        guard case .write(let bytes) = machine.pendingResolved(.ok) else { Issue.record("no challenge"); return }
        #expect(bytes.getInteger(at: 7, as: UInt8.self) == UInt8(ascii: "N"))
    }

    /// distribution.md §2.9: the NAME_ME exchange captured with OTP as the acceptor.
    @Test func theCapturedNamedStatusReads() throws {
        var initiator = HandshakeStateMachine(
            connectingTo: try NodeName("dlb@vm"),
            configuration: .init(name: .dynamic(host: "vm"), creation: 0, cookie: "c", flags: DistributionFlags(rawValue: 0xD_075F_1FBC)),
            challenge: 1)
        // The probe that captured this also set PUBLISHED; OTP's initiator sets NAME_ME instead
        // (dist_util:publish_flag/3), and so does Swerl.
        #expect(initiator.start() == .write(ByteBuffer(hex: "0011 4e 0000000f075f1fbc 00000000 0002 766d")))
        let status = ByteBuffer(hex: "001d 73 6e616d65643a 0010 32354e37364a5858344a45534640766d 9bb973b9")
        #expect(initiator.received(status) == .needMoreBytes)
        var body = status
        body.moveReaderIndex(forwardBy: 2)
        #expect(try HandshakeMessage.read(body: body, direction: .fromAcceptor) == .status(.named(name: "25N76JXX4JESF@vm", creation: 0x9BB9_73B9)))
    }
}
