import NIOCore

extension HandshakeStateMachine {
    /// The acceptor's flags: `NAME_ME` instead of `PUBLISHED` for a peer that asks for a name
    /// (`publish_flag/3`), so such connections are always hidden.
    var acceptorFlags: DistributionFlags {
        advertisedFlags(nameMe: session.peerAskedForName)
    }

    /// The node's answer to ``Action/checkSimultaneous(_:)`` (`dist_util:mark_pending/1`).
    public mutating func pendingResolved(_ decision: AcceptDecision) -> Action {
        guard role == .acceptor, phase == .awaitingDecision, let peer = session.peer else { return .needMoreBytes }
        switch (decision, peer) {
        case (.ok, .name), (.okSimultaneous, .name):
            return sendChallenge(after: decision == .ok ? .ok : .okSimultaneous)
        case (.named(let name, let creation), .dynamic(let host)):
            guard name.host == host else {
                return fail(DistributionError(.unexpectedNodeName, "the node named a peer on \(host) \(name)"))
            }
            session.peer = .name(name)
            session.peerCreation = creation
            return sendChallenge(after: .named(name: name.description, creation: creation))
        case (.nok, _):
            return fail(DistributionError(.simultaneousConnect, "we keep our own connection attempt to \(peer) (status nok)"), write: Self.frame(.status(.nok)))
        case (.notAllowed, _):
            return fail(DistributionError(.notAllowed, "\(peer) is not allowed to connect"), write: Self.frame(.status(.notAllowed)))
        case (.alive, .name):
            session.replacesUpConnection = true
            phase = .awaitingStatusReply
            return writeThenProcess(Self.frame(.status(.alive)))
        case (.alreadyPending, _):
            return fail(DistributionError(.duplicateConnection, "a replacement of the connection to \(peer) is already under way"))
        default:
            return fail(DistributionError(.handshakeProtocolViolation, "the node answered \(decision) for \(peer)"))
        }
    }

    /// The node closed the old connection the peer replaces: send the ack (`wait_pending/1`).
    public mutating func oldConnectionClosed() -> Action {
        guard role == .acceptor, phase == .awaitingOldConnection else { return .needMoreBytes }
        return completeAsAcceptor()
    }

    mutating func acceptorReceived(_ message: HandshakeMessage) -> Action {
        switch (phase, message) {
        case (.awaitingName, .name(let name)):
            return receivedName(name)
        case (.awaitingStatusReply, .status(.true)):
            return sendChallenge(after: nil)
        case (.awaitingStatusReply, .status(.false)):
            let peer = session.peer?.description ?? "the peer"
            return fail(DistributionError(.duplicateConnection, "\(peer) answered false to alive: its old connection to us is still its own"))
        case (.awaitingComplement, .complement(let complement)):
            return receivedComplement(complement)
        case (.awaitingReply, .reply(let reply)):
            return receivedReply(reply)
        default:
            return unexpected(message)
        }
    }

    /// `recv_name/1`, `is_name_ok/2`, `check_dflags/2`, then `mark_pending/1` (asking the node).
    private mutating func receivedName(_ message: SendName) -> Action {
        guard case .name = configuration.name else {
            return fail(DistributionError(.badNodeName, "a node without a name cannot accept connections"))
        }
        if message.version == .v6, message.flags.contains(.nameMe) {
            // is_name_ok/2 for a dynamic name: a host without '@'.
            guard !message.name.isEmpty, !message.name.contains("@") else {
                return fail(DistributionError(.badNodeName, "'\(message.name)' is not a host to name a node on"))
            }
            session.peer = .dynamic(host: message.name)
            session.peerAskedForName = true
        } else {
            guard let name = try? NodeName(message.name) else {
                // OTP closes without a status.
                return fail(DistributionError(.badNodeName, "'\(message.name)' is not a node name"))
            }
            session.peer = .name(name)
        }
        session.peerFlags = message.flags
        session.peerCreation = message.creation
        session.peerNameVersion = message.version
        let missing = missingFlags(lowWordOnly: message.version == .v5)
        guard missing.isEmpty else {
            return fail(missingFlagsError(missing), write: Self.frame(.status(.notAllowed)))
        }
        phase = .awaitingDecision
        return .checkSimultaneous(PendingConnection(peer: session.peer!, flags: message.flags))
    }

    /// The status (unless it was sent already) and our challenge, always version 6 (OTP 25.3+ answers
    /// an `'n'` send_name with `'N'` too; a peer without `HANDSHAKE_23` was refused above).
    private mutating func sendChallenge(after status: HandshakeStatus?) -> Action {
        guard case .name(let localName) = configuration.name else { preconditionFailure("checked in receivedName") }
        let challenge = Challenge(version: .v6, flags: acceptorFlags, challenge: ourChallenge, creation: configuration.creation, name: localName.description)
        phase = session.peerNameVersion == .v5 ? .awaitingComplement : .awaitingReply
        if let status {
            return writeThenProcess(Self.frame(.status(status), .challenge(challenge)))
        }
        return writeThenProcess(Self.frame(.challenge(challenge)))
    }

    /// `recv_complement/1` (OTP 25.3+): the high flag word and the creation, then the full flag check.
    private mutating func receivedComplement(_ complement: Complement) -> Action {
        session.peerFlags.formUnion(DistributionFlags(rawValue: UInt64(complement.flagsHigh) << 32))
        session.peerCreation = complement.creation
        let missing = missingFlags()
        guard missing.isEmpty else {
            return fail(missingFlagsError(missing), write: Self.frame(.status(.notAllowed)))
        }
        phase = .awaitingReply
        return .needMoreBytes
    }

    /// `recv_challenge_reply/3`: the digest must match our challenge and our cookie.
    private mutating func receivedReply(_ reply: ChallengeReply) -> Action {
        guard reply.digest == HandshakeDigest(challenge: ourChallenge, cookie: configuration.cookie) else {
            let peer = session.peer?.description ?? "the peer"
            return fail(DistributionError(.badCookie, "invalid challenge reply from \(peer): its cookie differs from ours"))
        }
        session.peerChallenge = reply.challenge
        guard !session.replacesUpConnection else {
            guard case .name(let peer)? = session.peer else { preconditionFailure("alive is only answered for named peers") }
            phase = .awaitingOldConnection
            return .waitForOldConnection(peer)
        }
        return completeAsAcceptor()
    }

    private mutating func completeAsAcceptor() -> Action {
        let ack = ChallengeAck(digest: HandshakeDigest(challenge: session.peerChallenge, cookie: configuration.cookie))
        phase = .connected
        return .completed(result(agreed: acceptorFlags.agreed(with: session.peerFlags)), write: Self.frame(.ack(ack)))
    }
}
