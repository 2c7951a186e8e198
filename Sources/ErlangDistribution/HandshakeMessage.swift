import Crypto
import NIOCore

/// A message of the distribution handshake (distribution.md §2; `dist_util.erl`).
///
/// During the handshake every message travels in a frame with a 2-byte length (OTP's `{packet,2}`),
/// which ``HandshakeFraming`` reads and writes. The tag byte `'N'` (and `'n'`) means a name from the
/// initiator but a challenge from the acceptor, so reading needs the ``Direction``.
public enum HandshakeMessage: Sendable, Hashable {
    /// `send_name`, initiator to acceptor: `'N'` (version 6) or `'n'` (version 5).
    case name(SendName)
    /// A status (`'s'`): the acceptor's verdict, or the initiator's `true`/`false` after `alive`.
    case status(HandshakeStatus)
    /// The acceptor's challenge: `'N'` (version 6) or `'n'` (version 5).
    case challenge(Challenge)
    /// `'c'`: the flags' high word and the creation a version 5 initiator could not send in `'n'`.
    case complement(Complement)
    /// `'r'`: the initiator's own challenge and its digest of the acceptor's challenge.
    case reply(ChallengeReply)
    /// `'a'`: the acceptor's digest of the initiator's challenge.
    case ack(ChallengeAck)

    /// Which side sent a message.
    public enum Direction: Sendable, Hashable {
        /// Sent by the node that opened the connection (A).
        case fromInitiator
        /// Sent by the node that accepted it (B).
        case fromAcceptor
    }

    /// Reads one message from the body of a frame (without its 2-byte length).
    ///
    /// Trailing bytes after a name are ignored, as OTP ignores them; messages of fixed size must
    /// have exactly that size (`dist_util` matches them exactly).
    public static func read(body: ByteBuffer, direction: Direction) throws -> HandshakeMessage {
        var body = body
        guard let tag = body.readInteger(as: UInt8.self) else {
            throw violation("empty handshake message")
        }
        switch (tag, direction) {
        case (UInt8(ascii: "N"), .fromInitiator): return .name(try SendName.readVersion6(&body))
        case (UInt8(ascii: "n"), .fromInitiator): return .name(try SendName.readVersion5(&body))
        case (UInt8(ascii: "N"), .fromAcceptor): return .challenge(try Challenge.readVersion6(&body))
        case (UInt8(ascii: "n"), .fromAcceptor): return .challenge(try Challenge.readVersion5(&body))
        case (UInt8(ascii: "s"), _): return .status(try HandshakeStatus.read(&body))
        case (UInt8(ascii: "c"), .fromInitiator): return .complement(try Complement.read(&body))
        case (UInt8(ascii: "r"), .fromInitiator): return .reply(try ChallengeReply.read(&body))
        case (UInt8(ascii: "a"), .fromAcceptor): return .ack(try ChallengeAck.read(&body))
        default:
            throw violation("unexpected handshake tag \(tag) from the \(direction == .fromInitiator ? "initiator" : "acceptor")")
        }
    }

    /// Writes the message's body (tag and fields, without the frame length).
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .name(let message): message.write(into: &buffer)
        case .status(let status): status.write(into: &buffer)
        case .challenge(let message): message.write(into: &buffer)
        case .complement(let message): message.write(into: &buffer)
        case .reply(let message): message.write(into: &buffer)
        case .ack(let message): message.write(into: &buffer)
        }
    }

    static func violation(_ detail: String) -> DistributionError {
        DistributionError(.handshakeProtocolViolation, detail)
    }
}

/// The handshake protocol version of `send_name` and the challenge.
public enum HandshakeVersion: Sendable, Hashable {
    /// `'n'`: 32-bit flags, no creation (OTP up to 22; OTP 23 and 24 without EPMD's version).
    case v5
    /// `'N'`: 64-bit flags and the creation (OTP 23 and later).
    case v6
}

/// `send_name` (distribution.md §2.2).
public struct SendName: Sendable, Hashable {
    /// `'N'` or `'n'`.
    public var version: HandshakeVersion
    /// The initiator's capability flags (only the low 32 bits travel in version 5).
    public var flags: DistributionFlags
    /// The initiator's creation (version 6; 0 when asking for a dynamic name).
    public var creation: UInt32
    /// The full node name, or only the host when ``DistributionFlags/nameMe`` is set.
    public var name: String

    /// Creates the message.
    public init(version: HandshakeVersion, flags: DistributionFlags, creation: UInt32, name: String) {
        self.version = version
        self.flags = flags
        self.creation = creation
        self.name = name
    }

    static func readVersion6(_ body: inout ByteBuffer) throws -> SendName {
        guard let (flags, creation, length) = body.readMultipleIntegers(as: (UInt64, UInt32, UInt16).self),
              let name = body.readBytes(length: Int(length))
        else { throw HandshakeMessage.violation("truncated 'N' send_name") }
        return SendName(version: .v6, flags: DistributionFlags(rawValue: flags), creation: creation, name: NodeName.fromLatin1(name))
    }

    static func readVersion5(_ body: inout ByteBuffer) throws -> SendName {
        guard let (_, flags) = body.readMultipleIntegers(as: (UInt16, UInt32).self) else {
            throw HandshakeMessage.violation("truncated 'n' send_name")
        }
        let name = body.readBytes(length: body.readableBytes) ?? []
        return SendName(version: .v5, flags: DistributionFlags(rawValue: UInt64(flags)), creation: 0, name: NodeName.fromLatin1(name))
    }

    func write(into buffer: inout ByteBuffer) {
        let name = Self.latin1(name)
        switch version {
        case .v6:
            buffer.writeInteger(UInt8(ascii: "N"))
            buffer.writeMultipleIntegers(flags.rawValue, creation, UInt16(truncatingIfNeeded: name.count))
        case .v5:
            buffer.writeInteger(UInt8(ascii: "n"))
            buffer.writeMultipleIntegers(UInt16(5), UInt32(truncatingIfNeeded: flags.rawValue))
        }
        buffer.writeBytes(name)
    }

    static func latin1(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }
}

/// The acceptor's challenge (distribution.md §2.4).
public struct Challenge: Sendable, Hashable {
    /// `'N'` or `'n'`.
    public var version: HandshakeVersion
    /// The acceptor's full capability flags (not the intersection).
    public var flags: DistributionFlags
    /// The number the initiator must digest with the cookie.
    public var challenge: UInt32
    /// The acceptor's creation (0 in version 5, which has none).
    public var creation: UInt32
    /// The acceptor's full node name.
    public var name: String

    /// Creates the message.
    public init(version: HandshakeVersion, flags: DistributionFlags, challenge: UInt32, creation: UInt32, name: String) {
        self.version = version
        self.flags = flags
        self.challenge = challenge
        self.creation = creation
        self.name = name
    }

    static func readVersion6(_ body: inout ByteBuffer) throws -> Challenge {
        guard let (flags, challenge, creation, length) = body.readMultipleIntegers(as: (UInt64, UInt32, UInt32, UInt16).self),
              let name = body.readBytes(length: Int(length))
        else { throw HandshakeMessage.violation("truncated 'N' challenge") }
        return Challenge(version: .v6, flags: DistributionFlags(rawValue: flags), challenge: challenge, creation: creation, name: NodeName.fromLatin1(name))
    }

    static func readVersion5(_ body: inout ByteBuffer) throws -> Challenge {
        guard let (_, flags, challenge) = body.readMultipleIntegers(as: (UInt16, UInt32, UInt32).self) else {
            throw HandshakeMessage.violation("truncated 'n' challenge")
        }
        let name = body.readBytes(length: body.readableBytes) ?? []
        return Challenge(version: .v5, flags: DistributionFlags(rawValue: UInt64(flags)), challenge: challenge, creation: 0, name: NodeName.fromLatin1(name))
    }

    func write(into buffer: inout ByteBuffer) {
        let name = SendName.latin1(name)
        switch version {
        case .v6:
            buffer.writeInteger(UInt8(ascii: "N"))
            buffer.writeMultipleIntegers(flags.rawValue, challenge, creation, UInt16(truncatingIfNeeded: name.count))
        case .v5:
            buffer.writeInteger(UInt8(ascii: "n"))
            buffer.writeMultipleIntegers(UInt16(5), UInt32(truncatingIfNeeded: flags.rawValue), challenge)
        }
        buffer.writeBytes(name)
    }
}

/// `'c'`, the complement of a version 5 `send_name` (distribution.md §2.5).
public struct Complement: Sendable, Hashable {
    /// The initiator's flags shifted right by 32.
    public var flagsHigh: UInt32
    /// The initiator's creation.
    public var creation: UInt32

    /// Creates the message.
    public init(flagsHigh: UInt32, creation: UInt32) {
        self.flagsHigh = flagsHigh
        self.creation = creation
    }

    static func read(_ body: inout ByteBuffer) throws -> Complement {
        guard body.readableBytes == 8, let (high, creation) = body.readMultipleIntegers(as: (UInt32, UInt32).self) else {
            throw HandshakeMessage.violation("'c' complement must be 9 bytes")
        }
        return Complement(flagsHigh: high, creation: creation)
    }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "c"))
        buffer.writeMultipleIntegers(flagsHigh, creation)
    }
}

/// `'r'`, the initiator's challenge reply (distribution.md §2.6).
public struct ChallengeReply: Sendable, Hashable {
    /// The initiator's own challenge for the acceptor.
    public var challenge: UInt32
    /// The digest of the acceptor's challenge.
    public var digest: HandshakeDigest

    /// Creates the message.
    public init(challenge: UInt32, digest: HandshakeDigest) {
        self.challenge = challenge
        self.digest = digest
    }

    static func read(_ body: inout ByteBuffer) throws -> ChallengeReply {
        guard body.readableBytes == 20, let challenge = body.readInteger(as: UInt32.self), let digest = body.readBytes(length: 16) else {
            throw HandshakeMessage.violation("'r' challenge reply must be 21 bytes")
        }
        return ChallengeReply(challenge: challenge, digest: HandshakeDigest(bytes: digest))
    }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "r"))
        buffer.writeInteger(challenge)
        buffer.writeBytes(digest.bytes)
    }
}

/// `'a'`, the acceptor's challenge ack (distribution.md §2.6).
public struct ChallengeAck: Sendable, Hashable {
    /// The digest of the initiator's challenge.
    public var digest: HandshakeDigest

    /// Creates the message.
    public init(digest: HandshakeDigest) {
        self.digest = digest
    }

    static func read(_ body: inout ByteBuffer) throws -> ChallengeAck {
        guard body.readableBytes == 16, let digest = body.readBytes(length: 16) else {
            throw HandshakeMessage.violation("'a' challenge ack must be 17 bytes")
        }
        return ChallengeAck(digest: HandshakeDigest(bytes: digest))
    }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "a"))
        buffer.writeBytes(digest.bytes)
    }
}

/// The 16-byte answer to a challenge: MD5 of the cookie followed by the challenge in decimal
/// (`dist_util:gen_digest/2`, distribution.md §2.7).
public struct HandshakeDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes.
    public var bytes: [UInt8]

    /// Wraps received bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Computes `MD5(cookie ++ integer_to_list(challenge))`; the challenge prints unsigned.
    public init(challenge: UInt32, cookie: String) {
        // atom_to_list(Cookie) gives one character per code point; erlang:md5 takes them as bytes.
        var input = cookie.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        input.append(contentsOf: Array(String(challenge).utf8))
        self.bytes = Array(Insecure.MD5.hash(data: input))
    }

    /// The digest in hex.
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
