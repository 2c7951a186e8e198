import NIOCore

extension HandshakeStateMachine {
    /// The initiator's flags: `NAME_ME` instead of `PUBLISHED` when asking for a name.
    var initiatorFlags: DistributionFlags {
        if case .dynamic = configuration.name { return advertisedFlags(nameMe: true) }
        return advertisedFlags(nameMe: false)
    }

    /// `send_name`: the full name with our creation, or only the host with creation 0 when asking
    /// for a name (`handshake_we_started/1`, `send_name/1`).
    mutating func startInitiator() -> Action {
        let message: SendName
        switch configuration.name {
        case .name(let name):
            message = SendName(version: configuration.nameVersion, flags: initiatorFlags, creation: configuration.creation, name: name.description)
        case .dynamic(let host):
            // NAME_ME lives in the high word, which only version 6 carries.
            message = SendName(version: .v6, flags: initiatorFlags, creation: 0, name: host)
        }
        phase = .awaitingStatus
        return .write(Self.frame(.name(message)))
    }

    /// The node's answer to ``Action/checkStillPending(_:)``: whether this attempt is still the one
    /// it wants (`dist_util:recv_status/1` after `alive`).
    public mutating func stillPendingAnswered(_ stillPending: Bool) -> Action {
        guard role == .initiator, phase == .awaitingStillPending else { return .needMoreBytes }
        guard stillPending else {
            let peer = session.peer?.description ?? "the peer"
            return fail(DistributionError(.duplicateConnection, "\(peer) still has a connection to our name and this attempt is no longer wanted"), write: Self.frame(.status(.false)))
        }
        phase = .awaitingChallenge
        return writeThenProcess(Self.frame(.status(.true)))
    }

    mutating func initiatorReceived(_ message: HandshakeMessage) -> Action {
        switch (phase, message) {
        case (.awaitingStatus, .status(let status)):
            if case .dynamic(let host) = configuration.name { return receivedStatusAskingForName(status, host: host) }
            return receivedStatus(status)
        case (.awaitingChallenge, .challenge(let challenge)):
            return receivedChallenge(challenge)
        case (.awaitingAck, .ack(let ack)):
            return receivedAck(ack)
        default:
            return unexpected(message)
        }
    }

    private mutating func receivedStatus(_ status: HandshakeStatus) -> Action {
        let peer = session.peer?.description ?? "the peer"
        switch status {
        case .ok, .okSimultaneous:
            phase = .awaitingChallenge
            return .needMoreBytes
        case .nok:
            // OTP's initiator waits to be killed: the peer's own attempt towards us is the one that wins.
            return fail(DistributionError(.simultaneousConnect, "\(peer) keeps its own connection attempt to us (status nok)"))
        case .notAllowed:
            return fail(DistributionError(.notAllowed, "\(peer) refused us (status not_allowed): we lack flags it requires or our name is not allowed"))
        case .alive:
            guard case .name(let name)? = session.peer else { return unexpected(.status(status)) }
            phase = .awaitingStillPending
            return .checkStillPending(name)
        case .named, .true, .false, .unknown:
            return fail(HandshakeMessage.violation("unexpected status \(status) from \(peer)"))
        }
    }

    /// `recv_status/1` with a dynamic name: only `named:` (or `not_allowed`) is acceptable.
    private mutating func receivedStatusAskingForName(_ status: HandshakeStatus, host: String) -> Action {
        let peer = session.peer?.description ?? "the peer"
        switch status {
        case .named(let text, let creation):
            guard let name = try? NodeName(text) else {
                return fail(DistributionError(.badNodeName, "\(peer) named us '\(text)', which is not a node name"))
            }
            guard name.host == host else {
                return fail(DistributionError(.unexpectedNodeName, "\(peer) named us \(name), not a name on our host \(host)"))
            }
            session.localName = name
            session.localCreation = creation
            phase = .awaitingChallenge
            return .needMoreBytes
        case .notAllowed:
            return fail(DistributionError(.notAllowed, "\(peer) refused to name us (status not_allowed)"))
        default:
            return fail(HandshakeMessage.violation("status \(status) from \(peer) while asking for a name"))
        }
    }

    /// `recv_challenge/1`, `check_dflags/2`, then the complement (version 5 only) and the reply.
    private mutating func receivedChallenge(_ challenge: Challenge) -> Action {
        guard case .name(let peer)? = session.peer, challenge.name == peer.description else {
            let expected = session.peer?.description ?? "?"
            return fail(DistributionError(.unexpectedNodeName, "the challenge comes from '\(challenge.name)', not from \(expected)"))
        }
        if case .dynamic = configuration.name, !challenge.flags.contains(.nameMe) {
            // dist_util:do_setnode/1 requires NAME_ME in the agreed flags of a named connection.
            return fail(HandshakeMessage.violation("\(peer) named us but its challenge lacks NAME_ME"))
        }
        session.peerFlags = challenge.flags
        session.peerCreation = challenge.creation
        let missing = missingFlags()
        guard missing.isEmpty else { return fail(missingFlagsError(missing)) }
        let reply = ChallengeReply(challenge: ourChallenge, digest: HandshakeDigest(challenge: challenge.challenge, cookie: configuration.cookie))
        phase = .awaitingAck
        if sentVersion5, challenge.version == .v6 {
            // OTP 23/24 send_complement/2: what 'n' could not carry.
            let complement = Complement(flagsHigh: UInt32(truncatingIfNeeded: initiatorFlags.rawValue >> 32), creation: configuration.creation)
            return .write(Self.frame(.complement(complement), .reply(reply)))
        }
        return .write(Self.frame(.reply(reply)))
    }

    private var sentVersion5: Bool {
        if case .name = configuration.name { return configuration.nameVersion == .v5 }
        return false
    }

    /// `recv_challenge_ack/3`.
    private mutating func receivedAck(_ ack: ChallengeAck) -> Action {
        guard ack.digest == HandshakeDigest(challenge: ourChallenge, cookie: configuration.cookie) else {
            let peer = session.peer?.description ?? "the peer"
            return fail(DistributionError(.badCookie, "the challenge ack from \(peer) has a wrong digest: its cookie differs from ours"))
        }
        phase = .connected
        return .completed(result(agreed: initiatorFlags.agreed(with: session.peerFlags)), write: nil)
    }
}
