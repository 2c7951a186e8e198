/// The node type byte of ALIVE2_REQ and PORT2_RESP. EPMD stores and echoes it, never reads it.
public struct EPMDNodeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte on the wire.
    public var rawValue: UInt8

    /// Creates a node type from its wire byte.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// 77 `'M'`: a normal node. OTP's `erl_epmd` sends it for every node, hidden ones included.
    public static let normal = Self(rawValue: 77)
    /// 72 `'H'`: a hidden node.
    public static let hidden = Self(rawValue: 72)
    /// 104 `'h'`: what erl_interface C nodes send (`ei_epmd_r4_publish`).
    public static let eiHidden = Self(rawValue: 104)

    public var description: String {
        switch rawValue {
        case 0x20...0x7E: return "'\(Character(Unicode.Scalar(rawValue)))'"
        default: return "\(rawValue)"
        }
    }
}

/// The transport protocol byte of ALIVE2_REQ and PORT2_RESP.
public struct EPMDTransport: RawRepresentable, Hashable, Sendable {
    /// The byte on the wire.
    public var rawValue: UInt8

    /// Creates a transport from its wire byte.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// 0: TCP (OTP uses it for IPv4 and IPv6 alike; erl_interface rejects anything else).
    public static let tcp = Self(rawValue: 0)
}

/// What a node registers with EPMD and what PORT_PLEASE2 returns: the fields of ALIVE2_REQ,
/// which PORT2_RESP echoes in the same order.
public struct EPMDNodeRecord: Hashable, Sendable {
    /// The node's distribution listen port.
    public var port: UInt16
    /// The node type byte, echoed as registered.
    public var nodeType: EPMDNodeType
    /// The transport byte, echoed as registered.
    public var transport: EPMDTransport
    /// The highest distribution version the node speaks (6 for OTP 23 and later).
    public var highestVersion: UInt16
    /// The lowest distribution version the node speaks (OTP 25's `erl_epmd` sends 5).
    public var lowestVersion: UInt16
    /// The alive name (the part of the node name before `@`) as bytes; UTF-8 when it came from
    /// a well-behaved node, but kept as bytes so that a daemon can judge and echo them exactly.
    public var nameBytes: [UInt8]
    /// Opaque bytes stored and echoed by EPMD (OTP sends none).
    public var extra: [UInt8]

    /// Creates a record from the alive name's bytes.
    public init(
        nameBytes: [UInt8],
        port: UInt16,
        nodeType: EPMDNodeType = .normal,
        transport: EPMDTransport = .tcp,
        highestVersion: UInt16 = 6,
        lowestVersion: UInt16 = 5,
        extra: [UInt8] = []
    ) {
        self.nameBytes = nameBytes
        self.port = port
        self.nodeType = nodeType
        self.transport = transport
        self.highestVersion = highestVersion
        self.lowestVersion = lowestVersion
        self.extra = extra
    }

    /// Creates a record for an alive name. The defaults are what OTP 25's `erl_epmd` sends.
    public init(
        name: String,
        port: UInt16,
        nodeType: EPMDNodeType = .normal,
        transport: EPMDTransport = .tcp,
        highestVersion: UInt16 = 6,
        lowestVersion: UInt16 = 5,
        extra: [UInt8] = []
    ) {
        self.init(
            nameBytes: Array(name.utf8), port: port, nodeType: nodeType, transport: transport,
            highestVersion: highestVersion, lowestVersion: lowestVersion, extra: extra)
    }

    /// The alive name as text (invalid UTF-8 shows as U+FFFD).
    public var name: String {
        String(decoding: nameBytes, as: UTF8.self)
    }

    /// The distribution version both sides speak, as `erl_epmd:best_version/2` picks it: the
    /// smaller of the highest versions when the ranges overlap, else `nil`.
    public func bestVersion(lowest: UInt16 = 5, highest: UInt16 = 6) -> UInt16? {
        guard lowest <= highestVersion, lowestVersion <= highest else { return nil }
        return min(highest, highestVersion)
    }
}
