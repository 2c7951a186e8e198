import NIOCore

/// A request to EPMD: one per connection, framed by a `u16` length (distribution.md 1.1–1.2).
///
/// Reading is structural only, as epmd's `do_request` checks frames: whether a name is
/// acceptable (UTF-8, length, NUL bytes) is the registry's decision, because epmd answers
/// some bad names with a failure reply and others with a silent close.
public enum EPMDRequest: Hashable, Sendable {
    /// ALIVE2_REQ (120 `'x'`): register a node.
    case alive2(Alive2)
    /// PORT_PLEASE2_REQ (122 `'z'`): look a node up.
    case portPlease2(PortPlease2)
    /// NAMES_REQ (110 `'n'`): list registered nodes.
    case names
    /// DUMP_REQ (100 `'d'`): list registered and remembered nodes (local peers only).
    case dump
    /// KILL_REQ (107 `'k'`): stop the daemon (local peers only).
    case kill
    /// STOP_REQ (115 `'s'`): unregister a node by name (local peers, relaxed command check).
    case stop(Stop)

    /// The request codes, as `erl_epmd.hrl` and `ei_epmd.h` name them.
    enum Code {
        static let alive2: UInt8 = 120
        static let portPlease2: UInt8 = 122
        static let names: UInt8 = 110
        static let dump: UInt8 = 100
        static let kill: UInt8 = 107
        static let stop: UInt8 = 115
    }

    /// Which request this is, which decides the shape of its reply.
    public enum Kind: Hashable, Sendable {
        /// ALIVE2_REQ.
        case alive2
        /// PORT_PLEASE2_REQ.
        case portPlease2
        /// NAMES_REQ.
        case names
        /// DUMP_REQ.
        case dump
        /// KILL_REQ.
        case kill
        /// STOP_REQ.
        case stop
    }

    /// Which request this is.
    public var kind: Kind {
        switch self {
        case .alive2: return .alive2
        case .portPlease2: return .portPlease2
        case .names: return .names
        case .dump: return .dump
        case .kill: return .kill
        case .stop: return .stop
        }
    }

    /// The largest frame length epmd accepts: its 3060-byte buffer (`INBUF_SIZE`, 3 × 1020)
    /// must hold the 2-byte length, the request and one more byte (OBS: 3057 is answered,
    /// 3058 closes the connection).
    public static let maximumFrameLength = 3057
}

extension EPMDRequest {
    /// ALIVE2_REQ: the node's record (distribution.md 1.3).
    public struct Alive2: Hashable, Sendable {
        /// What the node registers.
        public var node: EPMDNodeRecord

        /// Creates the request.
        public init(node: EPMDNodeRecord) {
            self.node = node
        }

        // epmd_srv.c do_request: a frame of 13 bytes or fewer is refused ("at least one character
        // for the node name"), even though its fields would fit.
        static let minimumLength = 14
    }

    /// PORT_PLEASE2_REQ: the alive name to look up, as sent (a trailing NUL is the registry's
    /// concern, as are the other name rules).
    public struct PortPlease2: Hashable, Sendable {
        /// The bytes after the request code.
        public var nameBytes: [UInt8]

        /// Creates the request from raw name bytes.
        public init(nameBytes: [UInt8]) {
            self.nameBytes = nameBytes
        }

        /// Creates the request for an alive name.
        public init(name: String) {
            self.init(nameBytes: Array(name.utf8))
        }
    }

    /// STOP_REQ: the alive name to unregister, as sent.
    public struct Stop: Hashable, Sendable {
        /// The bytes after the request code.
        public var nameBytes: [UInt8]

        /// Creates the request from raw name bytes.
        public init(nameBytes: [UInt8]) {
            self.nameBytes = nameBytes
        }

        /// Creates the request for an alive name.
        public init(name: String) {
            self.init(nameBytes: Array(name.utf8))
        }
    }
}

// MARK: - Writing

extension EPMDRequest {
    /// Writes the request with its `u16` length prefix.
    public func write(into buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt16(0))
        let start = buffer.writerIndex
        writeBody(into: &buffer)
        let length = buffer.writerIndex - start
        precondition(length <= Int(UInt16.max), "an EPMD request longer than 65535 bytes cannot be framed")
        buffer.setInteger(UInt16(length), at: lengthIndex)
    }

    private func writeBody(into buffer: inout ByteBuffer) {
        switch self {
        case .alive2(let request):
            buffer.writeInteger(Code.alive2)
            request.writeFields(into: &buffer)
        case .portPlease2(let request):
            buffer.writeInteger(Code.portPlease2)
            buffer.writeBytes(request.nameBytes)
        case .names:
            buffer.writeInteger(Code.names)
        case .dump:
            buffer.writeInteger(Code.dump)
        case .kill:
            buffer.writeInteger(Code.kill)
        case .stop(let request):
            buffer.writeInteger(Code.stop)
            buffer.writeBytes(request.nameBytes)
        }
    }
}

extension EPMDRequest.Alive2 {
    func writeFields(into buffer: inout ByteBuffer) {
        buffer.writeNodeRecord(node)
    }
}

extension ByteBuffer {
    /// Writes the record fields shared by ALIVE2_REQ and PORT2_RESP: port, type, transport,
    /// versions, `u16`-prefixed name and `u16`-prefixed extra.
    mutating func writeNodeRecord(_ node: EPMDNodeRecord) {
        writeInteger(node.port)
        writeInteger(node.nodeType.rawValue)
        writeInteger(node.transport.rawValue)
        writeInteger(node.highestVersion)
        writeInteger(node.lowestVersion)
        writeInteger(UInt16(truncatingIfNeeded: node.nameBytes.count))
        writeBytes(node.nameBytes)
        writeInteger(UInt16(truncatingIfNeeded: node.extra.count))
        writeBytes(node.extra)
    }
}

// MARK: - Reading

extension EPMDRequest {
    /// Reads a request from one frame body (the bytes after the length); `body` holds exactly the
    /// frame. Offsets in errors count from the frame's length field.
    public static func read(body: ByteBuffer) throws -> EPMDRequest {
        var body = body
        guard let code = body.readInteger(as: UInt8.self) else {
            throw EPMDError(.invalidLength, "empty request", offset: 0)
        }
        switch code {
        case Code.alive2:
            return .alive2(try Alive2.read(fields: &body, frameLength: body.readableBytes + 1))
        case Code.portPlease2:
            return .portPlease2(PortPlease2(nameBytes: body.readBytes(length: body.readableBytes) ?? []))
        case Code.names:
            return .names
        case Code.dump:
            return .dump
        case Code.kill:
            return .kill
        case Code.stop:
            return .stop(Stop(nameBytes: body.readBytes(length: body.readableBytes) ?? []))
        default:
            throw EPMDError(.unknownRequest, "unknown request code \(code)", offset: 2)
        }
    }
}

extension EPMDRequest.Alive2 {
    // epmd_srv.c do_request checks, in order: at least 14 bytes, the name inside the frame, the
    // extra inside the frame. Bytes after the extra are tolerated (OBS).
    static func read(fields: inout ByteBuffer, frameLength: Int) throws -> Self {
        guard frameLength >= Self.minimumLength else {
            throw EPMDError(.malformedRequest, "ALIVE2_REQ of \(frameLength) bytes is too short", offset: 0)
        }
        guard let node = fields.readNodeRecord() else {
            throw EPMDError(.malformedRequest, "ALIVE2_REQ fields run past its frame", offset: 2)
        }
        return Self(node: node)
    }
}

extension ByteBuffer {
    /// Reads the record fields shared by ALIVE2_REQ and PORT2_RESP, or `nil` when the buffer
    /// ends first (the reader index is then unchanged).
    mutating func readNodeRecord() -> EPMDNodeRecord? {
        let start = readerIndex
        guard
            let port = readInteger(as: UInt16.self),
            let nodeType = readInteger(as: UInt8.self),
            let transport = readInteger(as: UInt8.self),
            let highest = readInteger(as: UInt16.self),
            let lowest = readInteger(as: UInt16.self),
            let nameLength = readInteger(as: UInt16.self),
            let name = readBytes(length: Int(nameLength)),
            let extraLength = readInteger(as: UInt16.self),
            let extra = readBytes(length: Int(extraLength))
        else {
            moveReaderIndex(to: start)
            return nil
        }
        return EPMDNodeRecord(
            nameBytes: name, port: port, nodeType: EPMDNodeType(rawValue: nodeType),
            transport: EPMDTransport(rawValue: transport), highestVersion: highest,
            lowestVersion: lowest, extra: extra)
    }
}
