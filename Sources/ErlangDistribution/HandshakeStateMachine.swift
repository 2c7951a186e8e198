import NIOCore

/// The distribution handshake of one connection, in either role, as a pure state machine
/// (distribution.md §2; `dist_util:handshake_we_started/1` and `handshake_other_started/1`).
///
/// It takes bytes and answers and returns ``Action`` values; it opens no socket, reads no clock
/// and draws no random numbers (its own challenge is given to it). The driver writes what it is
/// told, calls ``timedOut()`` when `net_setuptime` passes without progress, and asks the node the
/// questions the machine asks (simultaneous connects, `alive`). After ``Action/completed(_:write:)``
/// the connection switches to 4-byte frames; ``HandshakeResult/leftover`` holds the bytes already
/// received behind the last handshake message.
public struct HandshakeStateMachine: Sendable {
    /// Which side of the connection this machine plays.
    public enum Role: Sendable, Hashable {
        /// We opened the connection (A, `handshake_we_started`).
        case initiator
        /// We accepted it (B, `handshake_other_started`).
        case acceptor
    }

    /// What the driver must do next.
    public enum Action: Sendable, Hashable {
        /// Send these bytes (whole 2-byte-framed handshake messages), then wait for the peer.
        case write(ByteBuffer)
        /// Nothing to do until more bytes arrive.
        case needMoreBytes
        /// Acceptor: ask the node what it has for this peer and answer with
        /// ``pendingResolved(_:)`` (`net_kernel`'s `accept_pending`; see ``AcceptDecision/rule(local:peer:existing:)``).
        case checkSimultaneous(PendingConnection)
        /// Initiator: the peer answered `alive`; ask the node whether this attempt is still the one
        /// it wants for that peer and answer with ``stillPendingAnswered(_:)`` (`net_kernel`'s `is_pending`).
        case checkStillPending(NodeName)
        /// Acceptor: the peer proved its cookie, but an old connection to it is still up; close that
        /// one, then call ``oldConnectionClosed()`` (`wait_pending`).
        case waitForOldConnection(NodeName)
        /// The handshake succeeded: send `write` if present (the acceptor's challenge ack), then
        /// switch to 4-byte frames.
        case completed(HandshakeResult, write: ByteBuffer?)
        /// The handshake failed: send `write` if present (a status such as `not_allowed`), then close.
        case failed(DistributionError, write: ByteBuffer?)
    }

    enum Phase: Sendable, Hashable, CustomStringConvertible {
        case initial
        case awaitingStatus
        case awaitingStillPending
        case awaitingChallenge
        case awaitingAck
        case awaitingName
        case awaitingDecision
        case awaitingStatusReply
        case awaitingComplement
        case awaitingReply
        case awaitingOldConnection
        case connected
        case failed

        var description: String {
            switch self {
            case .initial: return "before send_name"
            case .awaitingStatus: return "waiting for the status"
            case .awaitingStillPending: return "waiting for the node's answer to alive"
            case .awaitingChallenge: return "waiting for the challenge"
            case .awaitingAck: return "waiting for the challenge ack"
            case .awaitingName: return "waiting for send_name"
            case .awaitingDecision: return "waiting for the node's accept decision"
            case .awaitingStatusReply: return "waiting for the answer to alive"
            case .awaitingComplement: return "waiting for the complement"
            case .awaitingReply: return "waiting for the challenge reply"
            case .awaitingOldConnection: return "waiting for the old connection to close"
            case .connected: return "connected"
            case .failed: return "failed"
            }
        }

        /// Phases in which the machine waits for the node, not for the peer.
        var isWaitingForNode: Bool {
            self == .awaitingStillPending || self == .awaitingDecision || self == .awaitingOldConnection
        }
    }

    /// What has been learnt so far.
    struct Session: Sendable {
        var peer: PeerName?
        var peerFlags: DistributionFlags = []
        var peerCreation: UInt32 = 0
        var peerChallenge: UInt32 = 0
        var localName: NodeName?
        var localCreation: UInt32
        var peerNameVersion: HandshakeVersion = .v6
        var peerAskedForName = false
        var replacesUpConnection = false
    }

    /// The largest number of unread bytes kept while the node is being asked: two full frames.
    static let maximumBufferedBytes = 2 * (2 + Int(UInt16.max))

    /// Our side.
    public let role: Role
    let configuration: HandshakeConfiguration
    let ourChallenge: UInt32
    var phase: Phase
    var session: Session
    var buffer = ByteBuffer()

    /// A machine for a connection we open to `peer`.
    ///
    /// - Parameter challenge: our challenge for the peer, a random 32-bit number (`gen_challenge/0`).
    public init(connectingTo peer: NodeName, configuration: HandshakeConfiguration, challenge: UInt32) {
        self.role = .initiator
        self.configuration = configuration
        self.ourChallenge = challenge
        self.phase = .initial
        self.session = Session(peer: .name(peer), localCreation: configuration.creation)
        if case .name(let name) = configuration.name { session.localName = name }
    }

    /// A machine for a connection a peer opened to us.
    ///
    /// - Parameter challenge: our challenge for the peer, a random 32-bit number (`gen_challenge/0`).
    public init(acceptingWith configuration: HandshakeConfiguration, challenge: UInt32) {
        self.role = .acceptor
        self.configuration = configuration
        self.ourChallenge = challenge
        self.phase = .awaitingName
        self.session = Session(localCreation: configuration.creation)
        if case .name(let name) = configuration.name { session.localName = name }
    }

    /// Whether the handshake has ended, either way.
    public var isFinished: Bool { phase == .connected || phase == .failed }

    /// Starts the handshake: the initiator sends its name, the acceptor waits for one.
    public mutating func start() -> Action {
        switch (role, phase) {
        case (.initiator, .initial): return startInitiator()
        default: return .needMoreBytes
        }
    }

    /// Bytes arrived from the peer.
    public mutating func received(_ bytes: ByteBuffer) -> Action {
        guard !isFinished else { return .needMoreBytes }
        var bytes = bytes
        buffer.writeBuffer(&bytes)
        if phase.isWaitingForNode {
            guard buffer.readableBytes <= Self.maximumBufferedBytes else {
                return fail(HandshakeMessage.violation("the peer keeps sending while \(phase)"))
            }
            return .needMoreBytes
        }
        return processBuffer()
    }

    /// The connection closed before the handshake finished.
    public mutating func connectionClosed() -> Action {
        guard !isFinished else { return .needMoreBytes }
        let peer = session.peer?.description ?? "the peer"
        switch phase {
        case .awaitingStatus:
            // OTP closes without a status for a bad name and (25.0 to 25.2) for an 'n' send_name.
            return fail(DistributionError(.connectionClosed, "\(peer) closed the connection without a status: it refused our name or our send_name version"))
        case .awaitingAck:
            // dist_util:recv_challenge_reply/3 closes without an answer on a wrong digest.
            return fail(DistributionError(.badCookie, "\(peer) closed the connection after our challenge reply: it did not accept our cookie"))
        default:
            return fail(DistributionError(.connectionClosed, "\(peer) closed the connection while \(phase)"))
        }
    }

    /// `net_setuptime` passed since the last step (`dist_util:setup_timer/2`).
    public mutating func timedOut() -> Action {
        guard !isFinished else { return .needMoreBytes }
        let peer = session.peer?.description ?? "the peer"
        return fail(DistributionError(.handshakeTimeout, "no handshake progress with \(peer) within the setup time while \(phase)"))
    }

    // MARK: - Shared steps

    /// Reads whole frames and hands each message to the role's handler until one needs an action.
    mutating func processBuffer() -> Action {
        let direction: HandshakeMessage.Direction = role == .initiator ? .fromAcceptor : .fromInitiator
        while !isFinished, !phase.isWaitingForNode, let frame = HandshakeFraming.readFrame(from: &buffer) {
            let action: Action
            do {
                let message = try HandshakeMessage.read(body: frame, direction: direction)
                action = role == .initiator ? initiatorReceived(message) : acceptorReceived(message)
            } catch let error as DistributionError {
                return fail(error)
            } catch {
                return fail(HandshakeMessage.violation("\(error)"))
            }
            if case .needMoreBytes = action { continue }
            return action
        }
        return .needMoreBytes
    }

    /// `write`, followed by whatever the bytes already buffered lead to.
    mutating func writeThenProcess(_ write: ByteBuffer) -> Action {
        guard buffer.readableBytes > 0 else { return .write(write) }
        var combined = write
        switch processBuffer() {
        case .needMoreBytes:
            return .write(write)
        case .write(var more):
            combined.writeBuffer(&more)
            return .write(combined)
        case .completed(let result, let more):
            if var more { combined.writeBuffer(&more) }
            return .completed(result, write: combined)
        case .failed(let error, let more):
            if var more { combined.writeBuffer(&more) }
            return .failed(error, write: combined)
        case .checkSimultaneous, .checkStillPending, .waitForOldConnection:
            // Only a peer that sends ahead of the protocol gets here.
            return fail(HandshakeMessage.violation("the peer sent a handshake message before it was due"), write: write)
        }
    }

    mutating func fail(_ error: DistributionError, write: ByteBuffer? = nil) -> Action {
        phase = .failed
        return .failed(error, write: write)
    }

    mutating func unexpected(_ message: HandshakeMessage) -> Action {
        fail(HandshakeMessage.violation("unexpected \(Self.name(of: message)) while \(phase)"))
    }

    static func name(of message: HandshakeMessage) -> String {
        switch message {
        case .name: return "send_name"
        case .status(let status): return "status \(status)"
        case .challenge: return "challenge"
        case .complement: return "complement"
        case .reply: return "challenge reply"
        case .ack: return "challenge ack"
        }
    }

    static func frame(_ messages: HandshakeMessage...) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { HandshakeFraming.write(message, into: &buffer) }
        return buffer
    }

    /// The flags we send: the configured ones, plus `NAME_ME` when a name is asked for or given,
    /// else `PUBLISHED` unless hidden (`dist_util:publish_flag/3`).
    func advertisedFlags(nameMe: Bool) -> DistributionFlags {
        var flags = configuration.flags.subtracting([.published, .nameMe])
        if nameMe {
            flags.insert(.nameMe)
        } else if !configuration.hidden {
            flags.insert(.published)
        }
        return flags
    }

    /// The required flags the peer lacks, by OTP's names; with `lowWordOnly` only the bits a version 5
    /// `send_name` can carry are checked (OTP 25.3+ `check_dflags/2` before the complement).
    func missingFlags(lowWordOnly: Bool = false) -> DistributionFlags {
        var required = configuration.requiredFlags
        if lowWordOnly { required = required.intersection(DistributionFlags(rawValue: 0xFFFF_FFFF)) }
        return session.peerFlags.missingRequired(for: required)
    }

    func missingFlagsError(_ missing: DistributionFlags) -> DistributionError {
        let peer = session.peer?.description ?? "the peer"
        return DistributionError(.missingFlags, "\(peer) cannot handle [\(missing)] (its flags: \(session.peerFlags))")
    }

    func result(agreed: DistributionFlags) -> HandshakeResult {
        guard let localName = session.localName, case .name(let peer)? = session.peer else {
            preconditionFailure("a handshake completes only with both names known")
        }
        return HandshakeResult(
            role: role,
            localName: localName,
            localCreation: session.localCreation,
            peer: peer,
            peerCreation: session.peerCreation,
            peerFlags: session.peerFlags.expanded,
            agreedFlags: agreed,
            leftover: buffer
        )
    }
}
