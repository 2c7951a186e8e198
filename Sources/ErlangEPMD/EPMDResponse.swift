import NIOCore

/// A reply from EPMD. Replies carry no length prefix; their shape follows from the request
/// (distribution.md 1.4–1.10), so reading one needs the request's ``EPMDRequest/Kind``.
public enum EPMDResponse: Hashable, Sendable {
    /// ALIVE2_X_RESP (118 `'v'`) or ALIVE2_RESP (121 `'y'`).
    case alive2(Alive2)
    /// PORT2_RESP (119 `'w'`).
    case port2(Port2)
    /// The reply to NAMES_REQ: the daemon's port, then one text line per registered node.
    case names(Names)
    /// The reply to DUMP_REQ: the daemon's port, then NUL-terminated text lines.
    case dump(Dump)
    /// The reply to KILL_REQ: `OK` or `NO`.
    case kill(Kill)
    /// The reply to STOP_REQ: `STOPPED`, or `NOEXIST` followed by `STOPPED`.
    case stop(Stop)

    enum Code {
        static let alive2Extended: UInt8 = 118
        static let alive2Legacy: UInt8 = 121
        static let port2: UInt8 = 119
    }
}

// MARK: - Message structs

extension EPMDResponse {
    /// The reply to ALIVE2_REQ.
    public struct Alive2: Hashable, Sendable {
        /// Which of the two reply codes carries the result.
        public enum Format: Hashable, Sendable {
            /// ALIVE2_X_RESP (118 `'v'`): a 32-bit creation; epmd sends it when the request's
            /// highest version is 6 or more.
            case extended
            /// ALIVE2_RESP (121 `'y'`): a 16-bit creation, for highest versions below 6.
            case legacy
        }

        /// Which reply code.
        public var format: Format
        /// 0 on success; OTP reads anything else as `duplicate_name`.
        public var result: UInt8
        /// The creation the node must use (epmd sends 99 with a failure).
        public var creation: UInt32

        /// Creates the reply.
        public init(format: Format, result: UInt8, creation: UInt32) {
            self.format = format
            self.result = result
            self.creation = creation
        }

        /// Whether the node is now registered.
        public var isSuccess: Bool { result == 0 }

        /// The format epmd picks for a request's highest version.
        public static func format(forHighestVersion version: UInt16) -> Format {
            version >= 6 ? .extended : .legacy
        }
    }

    /// The reply to PORT_PLEASE2_REQ.
    public enum Port2: Hashable, Sendable {
        /// Result 0 and the node's record as registered.
        case found(EPMDNodeRecord)
        /// A non-zero result (epmd sends 1) and nothing else.
        case notFound(result: UInt8)
    }

    /// The reply to NAMES_REQ.
    public struct Names: Hashable, Sendable {
        /// One `name N at port P` line.
        public struct Entry: Hashable, Sendable {
            /// The alive name.
            public var name: String
            /// The node's distribution port.
            public var port: UInt16

            /// Creates an entry.
            public init(name: String, port: UInt16) {
                self.name = name
                self.port = port
            }
        }

        /// The port the daemon listens on (OTP's client checks it against the one it dialled).
        public var epmdPort: UInt32
        /// The registered nodes, most recently registered first.
        public var nodes: [Entry]

        /// Creates the reply.
        public init(epmdPort: UInt32, nodes: [Entry]) {
            self.epmdPort = epmdPort
            self.nodes = nodes
        }

        /// The text after the port, exactly as epmd writes it and `epmd -names` prints it.
        public var text: String {
            nodes.map { "name \($0.name) at port \($0.port)\n" }.joined()
        }
    }

    /// The reply to DUMP_REQ.
    public struct Dump: Hashable, Sendable {
        /// One line of the dump.
        public struct Entry: Hashable, Sendable {
            /// The alive name.
            public var name: String
            /// The node's distribution port.
            public var port: UInt16
            /// The daemon's descriptor of the registration connection (for a Swerl daemon, the
            /// connection's number).
            public var fd: Int32

            /// Creates an entry.
            public init(name: String, port: UInt16, fd: Int32) {
                self.name = name
                self.port = port
                self.fd = fd
            }
        }

        /// The port the daemon listens on.
        public var epmdPort: UInt32
        /// Registered nodes, most recently registered first.
        public var active: [Entry]
        /// Remembered, unregistered names, oldest first.
        public var old: [Entry]

        /// Creates the reply.
        public init(epmdPort: UInt32, active: [Entry], old: [Entry]) {
            self.epmdPort = epmdPort
            self.active = active
            self.old = old
        }
    }

    /// The reply to KILL_REQ.
    public struct Kill: Hashable, Sendable {
        /// `OK`: the daemon stops; `NO`: nodes are registered and the daemon was not started
        /// with a relaxed command check.
        public var accepted: Bool

        /// Creates the reply.
        public init(accepted: Bool) {
            self.accepted = accepted
        }
    }

    /// The reply to STOP_REQ.
    public struct Stop: Hashable, Sendable {
        /// Whether the name was registered. epmd answers an unknown name with `NOEXIST` and
        /// then `STOPPED` all the same.
        public var nodeExisted: Bool

        /// Creates the reply.
        public init(nodeExisted: Bool) {
            self.nodeExisted = nodeExisted
        }
    }
}

// MARK: - Writing

extension EPMDResponse {
    /// Writes the reply exactly as epmd does.
    public func write(into buffer: inout ByteBuffer) {
        switch self {
        case .alive2(let reply): reply.write(into: &buffer)
        case .port2(let reply): reply.write(into: &buffer)
        case .names(let reply): reply.write(into: &buffer)
        case .dump(let reply): reply.write(into: &buffer)
        case .kill(let reply): buffer.writeString(reply.accepted ? "OK" : "NO")
        case .stop(let reply): buffer.writeString(reply.nodeExisted ? "STOPPED" : "NOEXISTSTOPPED")
        }
    }
}

extension EPMDResponse.Alive2 {
    func write(into buffer: inout ByteBuffer) {
        switch format {
        case .extended:
            buffer.writeInteger(EPMDResponse.Code.alive2Extended)
            buffer.writeInteger(result)
            buffer.writeInteger(creation)
        case .legacy:
            buffer.writeInteger(EPMDResponse.Code.alive2Legacy)
            buffer.writeInteger(result)
            buffer.writeInteger(UInt16(truncatingIfNeeded: creation))
        }
    }
}

extension EPMDResponse.Port2 {
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(EPMDResponse.Code.port2)
        switch self {
        case .found(let node):
            buffer.writeInteger(UInt8(0))
            buffer.writeNodeRecord(node)
        case .notFound(let result):
            buffer.writeInteger(result)
        }
    }
}

extension EPMDResponse.Names {
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(epmdPort)
        for node in nodes {
            buffer.writeString("name ")
            buffer.writeString(node.name)
            buffer.writeString(" at port \(node.port)\n")
        }
    }
}

extension EPMDResponse.Dump {
    func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(epmdPort)
        // epmd_srv.c DUMP_REQ: each line is sent with its terminating NUL.
        for node in active {
            buffer.writeString("active name     <")
            buffer.writeString(node.name)
            buffer.writeString("> at port \(node.port), fd = \(node.fd)\n\0")
        }
        for node in old {
            buffer.writeString("old/unused name <")
            buffer.writeString(node.name)
            buffer.writeString(">, port = \(node.port), fd = \(node.fd) \n\0")
        }
    }
}
