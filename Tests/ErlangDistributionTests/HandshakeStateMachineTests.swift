import ErlangDistribution
import NIOCore
import Testing

/// The initiator machine against the acceptor machine, in memory.
@Suite struct HandshakeStateMachineTests {
    static let a = try! NodeName("alpha@host")
    static let b = try! NodeName("beta@host")

    static func configuration(_ name: NodeName, creation: UInt32, cookie: String = "secret", hidden: Bool = false,
                              flags: DistributionFlags = .swerlDefault, version: HandshakeVersion = .v6) -> HandshakeConfiguration {
        HandshakeConfiguration(name: .name(name), creation: creation, cookie: cookie, flags: flags, hidden: hidden, nameVersion: version)
    }

    static func simulation(
        initiator: HandshakeConfiguration = configuration(a, creation: 0x1111),
        acceptor: HandshakeConfiguration = configuration(b, creation: 0x2222),
        connectingTo peer: NodeName = b
    ) -> HandshakeSimulation {
        HandshakeSimulation(
            initiator: HandshakeStateMachine(connectingTo: peer, configuration: initiator, challenge: 0xDEAD_BEEF),
            acceptor: HandshakeStateMachine(acceptingWith: acceptor, challenge: 0x0102_0304))
    }

    @Test func version6VisibleHandshakeCompletesOnBothSides() throws {
        var simulation = Self.simulation()
        simulation.run()
        let initiator = try #require(simulation.initiatorResult)
        let acceptor = try #require(simulation.acceptorResult)
        let agreed = DistributionFlags.swerlDefault.union(.published)
        #expect(initiator == HandshakeResult(
            role: .initiator, localName: Self.a, localCreation: 0x1111, peer: Self.b, peerCreation: 0x2222,
            peerFlags: agreed.expanded, agreedFlags: agreed, leftover: ByteBuffer()))
        #expect(acceptor == HandshakeResult(
            role: .acceptor, localName: Self.b, localCreation: 0x2222, peer: Self.a, peerCreation: 0x1111,
            peerFlags: agreed.expanded, agreedFlags: agreed, leftover: ByteBuffer()))
        #expect(!initiator.isHidden)
        #expect(simulation.actions[1].contains(.checkSimultaneous(PendingConnection(peer: .name(Self.a), flags: agreed))))
    }

    @Test(arguments: [1, 2, 3, 7])
    func bytesDeliveredInSmallPiecesGiveTheSameResult(chunk: Int) throws {
        var whole = Self.simulation()
        whole.run()
        var pieces = Self.simulation()
        pieces.chunkSize = chunk
        pieces.run()
        #expect(pieces.initiatorOutcome == whole.initiatorOutcome)
        #expect(pieces.acceptorOutcome == whole.acceptorOutcome)
        #expect(pieces.written == whole.written)
    }

    @Test func aHiddenSideMakesTheConnectionHidden() throws {
        var simulation = Self.simulation(initiator: Self.configuration(Self.a, creation: 1, hidden: true))
        simulation.run()
        #expect(try #require(simulation.initiatorResult).isHidden)
        #expect(try #require(simulation.acceptorResult).isHidden)
        #expect(simulation.actions[1].contains(.checkSimultaneous(PendingConnection(peer: .name(Self.a), flags: .swerlDefault))))
    }

    @Test func bytesBehindTheAckAreHandedOverAsLeftover() throws {
        var simulation = Self.simulation()
        simulation.acceptorTrailer = ByteBuffer(hex: "00000000 00000003 700102")
        simulation.run()
        #expect(try #require(simulation.initiatorResult).leftover == ByteBuffer(hex: "00000000 00000003 700102"))
    }

    @Test func version5NameWithComplementCompletes() throws {
        var simulation = Self.simulation(initiator: Self.configuration(Self.a, creation: 0xABCD, version: .v5))
        simulation.run()
        let acceptor = try #require(simulation.acceptorResult)
        #expect(acceptor.peerCreation == 0xABCD)
        // The high word (SPAWN, V4_NC, ALIAS) arrived in the complement.
        #expect(acceptor.agreedFlags.isSuperset(of: [.spawn, .v4NC, .alias, .published]))
        #expect(try #require(simulation.initiatorResult).agreedFlags == acceptor.agreedFlags)
        // 'n', then (after the 'N' challenge) 'c' and 'r' together.
        let written = simulation.written[0]
        #expect(written.getInteger(at: 2, as: UInt8.self) == UInt8(ascii: "n"))
        let nameLength = Int(written.getInteger(at: 0, as: UInt16.self)!)
        #expect(written.getInteger(at: 2 + nameLength + 2, as: UInt8.self) == UInt8(ascii: "c"))
        #expect(written.getInteger(at: 2 + nameLength + 2 + 9 + 2, as: UInt8.self) == UInt8(ascii: "r"))
    }

    @Test func version5NameWithoutHandshake23IsRefused() throws {
        var flags = DistributionFlags.swerlDefault
        flags.remove([.handshake23, .mandatory25Digest])
        var simulation = Self.simulation(initiator: Self.configuration(Self.a, creation: 1, flags: flags, version: .v5))
        simulation.run()
        #expect(simulation.error(.acceptor)?.code == .missingFlags)
        #expect(simulation.error(.acceptor)?.detail.contains("HANDSHAKE_23") == true)
        #expect(simulation.error(.initiator)?.code == .notAllowed)
    }

    @Test func wrongCookieFailsBothSides() {
        var simulation = Self.simulation(initiator: Self.configuration(Self.a, creation: 1, cookie: "wrong"))
        simulation.run()
        #expect(simulation.error(.acceptor)?.code == .badCookie)
        #expect(simulation.error(.initiator)?.code == .badCookie)
        // The acceptor closes without an answer, as OTP does.
        #expect(!simulation.actions[1].contains { if case .failed(_, .some) = $0 { return true } else { return false } })
    }

    @Test func aWrongAckDigestFailsTheInitiator() throws {
        var initiator = HandshakeStateMachine(connectingTo: Self.b, configuration: Self.configuration(Self.a, creation: 1), challenge: 7)
        _ = initiator.start()
        var acceptorBytes = ByteBuffer()
        HandshakeFraming.write(.status(.ok), into: &acceptorBytes)
        let challenge = Challenge(version: .v6, flags: DistributionFlags.swerlDefault, challenge: 9, creation: 2, name: Self.b.description)
        HandshakeFraming.write(.challenge(challenge), into: &acceptorBytes)
        guard case .write = initiator.received(acceptorBytes) else { Issue.record("no reply"); return }
        var ack = ByteBuffer()
        HandshakeFraming.write(.ack(ChallengeAck(digest: HandshakeDigest(challenge: 7, cookie: "other"))), into: &ack)
        guard case .failed(let error, nil) = initiator.received(ack) else { Issue.record("accepted a wrong ack"); return }
        #expect(error.code == .badCookie)
    }

    @Test func aPeerLackingRequiredFlagsGetsNotAllowed() {
        var flags = DistributionFlags.swerlDefault
        flags.remove([.mapTag, .mandatory25Digest, .v4NC])
        var simulation = Self.simulation(initiator: Self.configuration(Self.a, creation: 1, flags: flags))
        simulation.run()
        let error = simulation.error(.acceptor)
        #expect(error?.code == .missingFlags)
        #expect(error?.detail.contains("MAP_TAG") == true)
        #expect(error?.detail.contains("V4_NC") == true)
        #expect(simulation.error(.initiator)?.code == .notAllowed)
        #expect(simulation.written[1] == ByteBuffer(hex: "000c 73 6e6f745f616c6c6f776564"))
    }

    @Test func anInitiatorRefusesAnAcceptorLackingRequiredFlags() {
        var flags = DistributionFlags.swerlDefault
        flags.remove(.unlinkID)
        var simulation = Self.simulation(acceptor: Self.configuration(Self.b, creation: 2, flags: flags))
        simulation.run()
        #expect(simulation.error(.initiator)?.code == .missingFlags)
        #expect(simulation.error(.initiator)?.detail.contains("UNLINK_ID") == true)
        #expect(simulation.error(.acceptor)?.code == .connectionClosed)
    }

    @Test func theDigestBitStandsForTheOTP25MandatoryFlags() throws {
        var flags = DistributionFlags.swerlDefault.subtracting(.mandatory25)
        flags.insert(.mandatory25Digest)
        var simulation = Self.simulation(initiator: Self.configuration(Self.a, creation: 1, flags: flags))
        simulation.run()
        #expect(try #require(simulation.acceptorResult).agreedFlags.isSuperset(of: .mandatory25))
    }

    @Test func okSimultaneousContinues() throws {
        var simulation = Self.simulation()
        simulation.decision = .okSimultaneous
        simulation.run()
        #expect(simulation.initiatorResult != nil)
        #expect(simulation.acceptorResult != nil)
        #expect(simulation.written[1].getSlice(at: 0, length: 18) == ByteBuffer(hex: "0010 73 6f6b5f73696d756c74616e656f7573"))
    }

    @Test func nokEndsThisAttemptOnBothSides() {
        var simulation = Self.simulation()
        simulation.decision = .nok
        simulation.run()
        #expect(simulation.error(.acceptor)?.code == .simultaneousConnect)
        #expect(simulation.error(.initiator)?.code == .simultaneousConnect)
        #expect(simulation.written[1] == ByteBuffer(hex: "0004 73 6e6f6b"))
    }

    @Test func notAllowedByTheNode() {
        var simulation = Self.simulation()
        simulation.decision = .notAllowed
        simulation.run()
        #expect(simulation.error(.acceptor)?.code == .notAllowed)
        #expect(simulation.error(.initiator)?.code == .notAllowed)
    }

    @Test func aliveAnsweredTrueReplacesTheOldConnection() throws {
        var simulation = Self.simulation()
        simulation.decision = .alive
        simulation.stillPending = true
        simulation.run()
        #expect(simulation.actions[0].contains(.checkStillPending(Self.b)))
        #expect(simulation.actions[1].contains(.waitForOldConnection(Self.a)))
        #expect(simulation.initiatorResult != nil)
        #expect(simulation.acceptorResult != nil)
        #expect(simulation.written[1].getSlice(at: 0, length: 8) == ByteBuffer(hex: "0006 73 616c697665"))
        #expect(simulation.written[0].hex.contains("00057374727565"))
    }

    @Test func aliveAnsweredFalseEndsBothSides() {
        var simulation = Self.simulation()
        simulation.decision = .alive
        simulation.stillPending = false
        simulation.run()
        #expect(simulation.error(.initiator)?.code == .duplicateConnection)
        #expect(simulation.error(.acceptor)?.code == .duplicateConnection)
        #expect(simulation.written[0].hex.hasSuffix("00067366616c7365"))
    }

    @Test func alreadyPendingClosesWithoutAStatus() {
        var simulation = Self.simulation()
        simulation.decision = .alreadyPending
        simulation.run()
        #expect(simulation.error(.acceptor)?.code == .duplicateConnection)
        #expect(simulation.error(.initiator)?.code == .connectionClosed)
        #expect(simulation.written[1].readableBytes == 0)
    }

    @Test func dynamicNameIsAssignedByTheAcceptor() throws {
        let initiator = HandshakeConfiguration(name: .dynamic(host: "host"), creation: 0, cookie: "secret")
        var simulation = Self.simulation(initiator: initiator)
        let assigned = try NodeName("GEN123@host")
        simulation.decision = .named(assigned, creation: 0x7777)
        simulation.run()
        #expect(simulation.actions[1].contains(.checkSimultaneous(PendingConnection(
            peer: .dynamic(host: "host"), flags: DistributionFlags.swerlDefault.union(.nameMe)))))
        let result = try #require(simulation.initiatorResult)
        #expect(result.localName == assigned)
        #expect(result.localCreation == 0x7777)
        #expect(result.isHidden)
        // OTP's do_setnode/1 insists on NAME_ME in the agreed flags of a named connection.
        #expect(result.agreedFlags.contains(.nameMe))
        let acceptor = try #require(simulation.acceptorResult)
        #expect(acceptor.peer == assigned)
        #expect(acceptor.peerCreation == 0x7777)
        #expect(acceptor.isHidden)
        #expect(acceptor.agreedFlags.contains(.nameMe))
        // The challenge carries NAME_ME instead of PUBLISHED (publish_flag/3).
        #expect(simulation.written[1].hex.contains("4e0000000f07df3fbc"))
        // send_name: NAME_ME, creation 0, the host only.
        #expect(simulation.written[0].getSlice(at: 0, length: 21) == ByteBuffer(hex: "0013 4e 0000000f07df3fbc 00000000 0004 686f7374"))
    }

    @Test func aDynamicNameForAnotherHostIsRefused() throws {
        let initiator = HandshakeConfiguration(name: .dynamic(host: "host"), creation: 0, cookie: "secret")
        var machine = HandshakeStateMachine(connectingTo: Self.b, configuration: initiator, challenge: 1)
        _ = machine.start()
        var status = ByteBuffer()
        HandshakeFraming.write(.status(.named(name: "x@elsewhere", creation: 5)), into: &status)
        guard case .failed(let error, nil) = machine.received(status) else { Issue.record("accepted"); return }
        #expect(error.code == .unexpectedNodeName)
    }

    @Test func aChallengeWithoutNameMeAfterNamedIsRefused() throws {
        let initiator = HandshakeConfiguration(name: .dynamic(host: "host"), creation: 0, cookie: "secret")
        var machine = HandshakeStateMachine(connectingTo: Self.b, configuration: initiator, challenge: 1)
        _ = machine.start()
        var bytes = ByteBuffer()
        HandshakeFraming.write(.status(.named(name: "x@host", creation: 5)), into: &bytes)
        HandshakeFraming.write(.challenge(Challenge(version: .v6, flags: DistributionFlags.swerlDefault.union(.published), challenge: 2, creation: 3, name: Self.b.description)), into: &bytes)
        guard case .failed(let error, nil) = machine.received(bytes) else { Issue.record("accepted"); return }
        #expect(error.code == .handshakeProtocolViolation)
    }

    @Test func aPlainStatusIsRefusedWhenAskingForAName() {
        let initiator = HandshakeConfiguration(name: .dynamic(host: "host"), creation: 0, cookie: "secret")
        var machine = HandshakeStateMachine(connectingTo: Self.b, configuration: initiator, challenge: 1)
        _ = machine.start()
        var status = ByteBuffer()
        HandshakeFraming.write(.status(.ok), into: &status)
        guard case .failed(let error, nil) = machine.received(status) else { Issue.record("accepted"); return }
        #expect(error.code == .handshakeProtocolViolation)
    }

    @Test func theNodeMustNameAPeerThatAsksForAName() {
        let initiator = HandshakeConfiguration(name: .dynamic(host: "host"), creation: 0, cookie: "secret")
        var simulation = Self.simulation(initiator: initiator)
        simulation.decision = .ok
        simulation.run()
        #expect(simulation.error(.acceptor)?.code == .handshakeProtocolViolation)
        #expect(simulation.error(.initiator)?.code == .connectionClosed)
    }

    @Test func theChallengeMustComeFromTheNodeWeConnectedTo() {
        var simulation = Self.simulation(connectingTo: try! NodeName("gamma@host"))
        simulation.run()
        #expect(simulation.error(.initiator)?.code == .unexpectedNodeName)
    }

    @Test(arguments: ["noatsign", "@host", "alive@", "a@b@c", ""])
    func badNamesCloseWithoutAStatus(name: String) {
        var acceptor = HandshakeStateMachine(acceptingWith: Self.configuration(Self.b, creation: 2), challenge: 1)
        var bytes = ByteBuffer()
        HandshakeFraming.write(.name(SendName(version: .v6, flags: .swerlDefault, creation: 1, name: name)), into: &bytes)
        guard case .failed(let error, nil) = acceptor.received(bytes) else { Issue.record("accepted \(name)"); return }
        #expect(error.code == .badNodeName)
    }

    @Test func anUnknownStatusIsAProtocolViolation() {
        var initiator = HandshakeStateMachine(connectingTo: Self.b, configuration: Self.configuration(Self.a, creation: 1), challenge: 1)
        _ = initiator.start()
        var status = ByteBuffer()
        HandshakeFraming.write(.status(.unknown("maybe")), into: &status)
        guard case .failed(let error, nil) = initiator.received(status) else { Issue.record("accepted"); return }
        #expect(error.code == .handshakeProtocolViolation)
    }

    @Test func aPeerFloodingWhileTheNodeIsAskedIsCutOff() {
        var acceptor = HandshakeStateMachine(acceptingWith: Self.configuration(Self.b, creation: 2), challenge: 1)
        var bytes = ByteBuffer()
        HandshakeFraming.write(.name(SendName(version: .v6, flags: .swerlDefault, creation: 1, name: "x@y")), into: &bytes)
        guard case .checkSimultaneous = acceptor.received(bytes) else { Issue.record("no question"); return }
        let junk = ByteBuffer(repeating: 0x41, count: 70_000)
        #expect(acceptor.received(junk) == .needMoreBytes)
        guard case .failed(let error, nil) = acceptor.received(junk) else { Issue.record("kept buffering"); return }
        #expect(error.code == .handshakeProtocolViolation)
    }

    @Test func aStalledPeerTimesOutInEveryPhase() {
        var initiator = HandshakeStateMachine(connectingTo: Self.b, configuration: Self.configuration(Self.a, creation: 1), challenge: 1)
        _ = initiator.start()
        guard case .failed(let error, nil) = initiator.timedOut() else { Issue.record("no timeout"); return }
        #expect(error.code == .handshakeTimeout)
        #expect(error.detail.contains("waiting for the status"))
        #expect(initiator.isFinished)

        var acceptor = HandshakeStateMachine(acceptingWith: Self.configuration(Self.b, creation: 2), challenge: 1)
        _ = acceptor.start()
        guard case .failed(let acceptorError, nil) = acceptor.timedOut() else { Issue.record("no timeout"); return }
        #expect(acceptorError.code == .handshakeTimeout)
    }

    @Test func aCloseAfterTheReplyMeansAWrongCookie() throws {
        var initiator = HandshakeStateMachine(connectingTo: Self.b, configuration: Self.configuration(Self.a, creation: 1), challenge: 1)
        _ = initiator.start()
        var bytes = ByteBuffer()
        HandshakeFraming.write(.status(.ok), into: &bytes)
        HandshakeFraming.write(.challenge(Challenge(version: .v6, flags: .swerlDefault, challenge: 3, creation: 2, name: Self.b.description)), into: &bytes)
        _ = initiator.received(bytes)
        guard case .failed(let error, nil) = initiator.connectionClosed() else { Issue.record("no failure"); return }
        #expect(error.code == .badCookie)
    }

    @Test func theSimultaneousConnectRuleLetsTheLargerNameWin() throws {
        let small = try NodeName("aaa@host")
        let large = try NodeName("zzz@host")
        #expect(AcceptDecision.rule(local: large, peer: small, existing: .pending) == .nok)
        #expect(AcceptDecision.rule(local: small, peer: large, existing: .pending) == .okSimultaneous)
        #expect(AcceptDecision.rule(local: small, peer: large, existing: .none) == .ok)
        #expect(AcceptDecision.rule(local: small, peer: large, existing: .up) == .alive)
        #expect(AcceptDecision.rule(local: small, peer: large, existing: .upPending) == .alreadyPending)
    }
}
