import NIOCore

/// A status message, `'s'` followed by text (distribution.md §2.3; `dist_util:send_status/2`).
public enum HandshakeStatus: Sendable, Hashable {
    /// Go on.
    case ok
    /// Go on: the acceptor had its own attempt towards us pending and gave it up.
    case okSimultaneous
    /// The acceptor had its own attempt towards us pending and keeps it: this one ends.
    case nok
    /// The acceptor refuses us (missing flags, or a name it does not allow).
    case notAllowed
    /// The acceptor already has a connection to a node with our name; answer `true` or `false`.
    case alive
    /// The acceptor gives us a dynamic name and creation (``DistributionFlags/nameMe``).
    case named(name: String, creation: UInt32)
    /// The initiator's answer to `alive`: the old connection is dead, go on.
    case `true`
    /// The initiator's answer to `alive`: stop.
    case `false`
    /// A status OTP does not send.
    case unknown(String)

    private static let namedPrefix = Array("named:".utf8)

    static func read(_ body: inout ByteBuffer) throws -> HandshakeStatus {
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        if bytes.starts(with: namedPrefix) {
            return try readNamed(bytes.dropFirst(namedPrefix.count))
        }
        switch NodeName.fromLatin1(bytes) {
        case "ok": return .ok
        case "ok_simultaneous": return .okSimultaneous
        case "nok": return .nok
        case "not_allowed": return .notAllowed
        case "alive": return .alive
        case "true": return .true
        case "false": return .false
        case let other: return .unknown(other)
        }
    }

    private static func readNamed(_ rest: ArraySlice<UInt8>) throws -> HandshakeStatus {
        // dist_util:recv_status/1: <<NameLen:16, NodeName:NameLen/binary, Creation:32, _/binary>>.
        var buffer = ByteBuffer(bytes: rest)
        guard let length = buffer.readInteger(as: UInt16.self),
              let name = buffer.readBytes(length: Int(length)),
              let creation = buffer.readInteger(as: UInt32.self)
        else { throw HandshakeMessage.violation("truncated 'named:' status") }
        guard let text = String(validating: name, as: UTF8.self) else {
            throw HandshakeMessage.violation("'named:' status with a name that is not UTF-8")
        }
        return .named(name: text, creation: creation)
    }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "s"))
        switch self {
        case .ok: buffer.writeString("ok")
        case .okSimultaneous: buffer.writeString("ok_simultaneous")
        case .nok: buffer.writeString("nok")
        case .notAllowed: buffer.writeString("not_allowed")
        case .alive: buffer.writeString("alive")
        case .true: buffer.writeString("true")
        case .false: buffer.writeString("false")
        case .unknown(let text): buffer.writeBytes(SendName.latin1(text))
        case .named(let name, let creation):
            // send_status(_, named): the name as UTF-8 (atom_to_binary(Node, utf8)).
            let bytes = Array(name.utf8)
            buffer.writeString("named:")
            buffer.writeInteger(UInt16(truncatingIfNeeded: bytes.count))
            buffer.writeBytes(bytes)
            buffer.writeInteger(creation)
        }
    }
}

/// The 2-byte length framing of the handshake (`{packet,2}`).
public enum HandshakeFraming {
    /// Takes one complete frame's body off the front of `buffer`, or returns `nil` (leaving
    /// `buffer` untouched) when the frame is not complete yet.
    public static func readFrame(from buffer: inout ByteBuffer) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length)
        else { return nil }
        buffer.moveReaderIndex(forwardBy: 2)
        return buffer.readSlice(length: Int(length))
    }

    /// Appends `message` with its 2-byte length.
    public static func write(_ message: HandshakeMessage, into buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        message.write(into: &buffer)
        let length = buffer.writerIndex - lengthIndex - 2
        buffer.setInteger(UInt16(truncatingIfNeeded: length), at: lengthIndex)
    }
}
