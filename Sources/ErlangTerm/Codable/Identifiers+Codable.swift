// Pids, ports and references are themselves through the bridge. Other coders get their wire fields
// as a keyed value, so a struct holding a pid can still be logged as JSON, say.

extension PID: Codable {
    /// A pid through ``TermEncoder``; `{node, id, serial, creation}` fields through other encoders.
    public func encode(to encoder: any Encoder) throws {
        guard try encodeBridged(to: encoder) else {
            try PIDFields(node: node.name, id: id, serial: serial, creation: creation).encode(to: encoder)
            return
        }
    }

    /// A pid through ``TermDecoder``; its fields through other decoders.
    public init(from decoder: any Decoder) throws {
        if let pid = try Self.decodeBridged(from: decoder) {
            self = pid
            return
        }
        let fields = try PIDFields(from: decoder)
        self.init(node: Atom(fields.node), id: fields.id, serial: fields.serial, creation: fields.creation)
    }
}

extension Port: Codable {
    /// A port through ``TermEncoder``; `{node, id, creation}` fields through other encoders.
    public func encode(to encoder: any Encoder) throws {
        guard try encodeBridged(to: encoder) else {
            try PortFields(node: node.name, id: id, creation: creation).encode(to: encoder)
            return
        }
    }

    /// A port through ``TermDecoder``; its fields through other decoders.
    public init(from decoder: any Decoder) throws {
        if let port = try Self.decodeBridged(from: decoder) {
            self = port
            return
        }
        let fields = try PortFields(from: decoder)
        self.init(node: Atom(fields.node), id: fields.id, creation: fields.creation)
    }
}

extension Reference: Codable {
    /// A reference through ``TermEncoder``; `{node, ids, creation}` fields through other encoders.
    public func encode(to encoder: any Encoder) throws {
        guard try encodeBridged(to: encoder) else {
            try ReferenceFields(node: node.name, ids: ids, creation: creation).encode(to: encoder)
            return
        }
    }

    /// A reference through ``TermDecoder``; its fields through other decoders.
    public init(from decoder: any Decoder) throws {
        if let reference = try Self.decodeBridged(from: decoder) {
            self = reference
            return
        }
        let fields = try ReferenceFields(from: decoder)
        self.init(node: Atom(fields.node), ids: fields.ids, creation: fields.creation)
    }
}

private struct PIDFields: Codable {
    var node: String
    var id: UInt32
    var serial: UInt32
    var creation: UInt32
}

private struct PortFields: Codable {
    var node: String
    var id: UInt64
    var creation: UInt32
}

private struct ReferenceFields: Codable {
    var node: String
    var ids: [UInt32]
    var creation: UInt32
}
