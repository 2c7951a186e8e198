/// Identifies one connection to the daemon; DUMP shows it where epmd shows the descriptor.
public struct EPMDConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The number.
    public var rawValue: Int32

    /// Creates an identifier.
    public init(_ rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "#\(rawValue)" }
}

/// The daemon's registry as a pure state machine: requests in, one action out, with epmd's
/// semantics (`epmd_srv.c` `do_request` and `node_reg2`, distribution.md 1.3–1.11, and what the
/// real daemon was seen to do). No sockets, no clock: the time comes in with each request.
public struct EPMDRegistry: Sendable {
    /// How the daemon behaves.
    public struct Configuration: Hashable, Sendable {
        /// The port the daemon listens on, sent at the start of NAMES and DUMP replies.
        public var epmdPort: UInt32
        /// epmd's `-relaxed_command_check`: KILL with nodes registered, and STOP, are obeyed.
        public var relaxedCommandCheck: Bool
        /// How many unregistered names are remembered for creation numbering (epmd: 1000).
        public var maximumRememberedNames: Int

        /// Creates a configuration.
        public init(epmdPort: UInt32, relaxedCommandCheck: Bool = false, maximumRememberedNames: Int = 1000) {
            self.epmdPort = epmdPort
            self.relaxedCommandCheck = relaxedCommandCheck
            self.maximumRememberedNames = maximumRememberedNames
        }
    }

    /// Who sent a request.
    public struct Peer: Hashable, Sendable {
        /// The connection it came on.
        public var connection: EPMDConnectionID
        /// Whether the peer is on this host (`conn_local_peer_check`: 127/8, ::1, or the peer's
        /// address equals the local one). Only local peers may register, dump, kill or stop.
        public var isLocal: Bool

        /// Creates a peer.
        public init(connection: EPMDConnectionID, isLocal: Bool) {
            self.connection = connection
            self.isLocal = isLocal
        }
    }

    /// What the daemon must do with the connection a request came on.
    public enum Action: Hashable, Sendable {
        /// Write the reply, then close the connection.
        case replyAndClose(EPMDResponse)
        /// Write the reply and keep the connection: it now holds the node's registration, and
        /// its end (or any byte on it) must be reported with ``EPMDRegistry/connectionClosed(_:)``.
        case replyAndKeepOpen(EPMDResponse)
        /// Write the reply and leave the connection open without a registration, as epmd does
        /// after a failed ALIVE2 (OBS: the connection stays until the peer closes it or sends
        /// anything).
        case replyAndHold(EPMDResponse)
        /// Close the connection without a word, as epmd does with requests it refuses.
        case close(Refusal)
        /// STOP of a registered name: close that node's registration connection (the node is
        /// already unregistered), write the reply, close this connection.
        case closeRegistrationAndReply(EPMDConnectionID, EPMDResponse)
        /// KILL accepted: write the reply, close, and stop the daemon.
        case replyAndStopDaemon(EPMDResponse)
    }

    /// Why a request got no reply.
    public enum Refusal: Hashable, Sendable {
        /// ALIVE2, DUMP, KILL or STOP from a peer on another host.
        case notLocalPeer
        /// A name with a NUL byte, or an empty, overlong or non-UTF-8 name in a lookup.
        case invalidName
        /// STOP without the relaxed command check.
        case commandNotAllowed
    }

    /// A registered node.
    public struct Node: Hashable, Sendable {
        /// What it registered.
        public var record: EPMDNodeRecord
        /// Its registration connection.
        public var connection: EPMDConnectionID
        /// The creation it was given (in the reply's format).
        public var creation: UInt32
        // The name slot's creation counter (epmd's cr_counter).
        var counter: UInt32
        // Registration order, for NAMES and DUMP (most recent first).
        var sequence: UInt64
    }

    // An unregistered name epmd remembers, so that its next registration gets counter + 1.
    struct RememberedName: Hashable, Sendable {
        var nameBytes: [UInt8]
        var port: UInt16
        var connection: EPMDConnectionID
        var counter: UInt32
        var sequence: UInt64
    }

    /// How the daemon behaves; `epmdPort` may be set once the listening port is known.
    public var configuration: Configuration
    private var active: [[UInt8]: Node] = [:]
    private var nameByConnection: [EPMDConnectionID: [UInt8]] = [:]
    private var remembered: [[UInt8]: RememberedName] = [:]
    private var nextSequence: UInt64 = 0

    /// Creates an empty registry.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The registered nodes, most recently registered first (NAMES order).
    public var registeredNodes: [Node] {
        active.values.sorted { $0.sequence > $1.sequence }
    }

    /// The number of registered nodes.
    public var registeredCount: Int { active.count }

    /// The number of remembered unregistered names.
    public var rememberedCount: Int { remembered.count }

    /// The registered node holding `connection`, if any.
    public func node(on connection: EPMDConnectionID) -> Node? {
        nameByConnection[connection].flatMap { active[$0] }
    }
}

// MARK: - Requests

extension EPMDRegistry {
    /// Handles one request. `now` is the Unix time in seconds, which seeds creations.
    public mutating func receive(_ request: EPMDRequest, from peer: Peer, now: UInt32) -> Action {
        switch request {
        case .alive2(let alive2): return register(alive2.node, from: peer, now: now)
        case .portPlease2(let lookup): return portPlease(lookup.nameBytes)
        case .names: return .replyAndClose(.names(namesReply()))
        case .dump: return peer.isLocal ? .replyAndClose(.dump(dumpReply())) : .close(.notLocalPeer)
        case .kill: return kill(from: peer)
        case .stop(let stop): return self.stop(stop.nameBytes, from: peer)
        }
    }

    /// Reports that a connection ended, or sent bytes after its request (epmd then
    /// unregisters and closes as well). Returns the node that was unregistered, if any.
    @discardableResult
    public mutating func connectionClosed(_ connection: EPMDConnectionID) -> Node? {
        guard let name = nameByConnection[connection] else { return nil }
        return unregister(name)
    }

    private mutating func register(_ record: EPMDNodeRecord, from peer: Peer, now: UInt32) -> Action {
        guard peer.isLocal else { return .close(.notLocalPeer) }
        guard !record.nameBytes.contains(0) else { return .close(.invalidName) }
        let format = EPMDResponse.Alive2.format(forHighestVersion: record.highestVersion)
        // node_reg2: name of at most 255 UTF-8 characters (an empty one passes, OBS), extra of
        // at most 1020 bytes, and no active node of that name; failures reply result 1, creation 99.
        guard let characters = Self.utf8CharacterCount(record.nameBytes[...]), characters <= 255,
            record.extra.count <= Self.maximumSymbolBytes,
            active[record.nameBytes] == nil,
            nameByConnection[peer.connection] == nil
        else {
            return .replyAndHold(.alive2(.init(format: format, result: 1, creation: 99)))
        }
        let counter = Self.bump(remembered.removeValue(forKey: record.nameBytes)?.counter ?? now)
        let creation = format == .extended ? counter : counter % 3 + 1
        let node = Node(record: record, connection: peer.connection, creation: creation, counter: counter, sequence: takeSequence())
        active[record.nameBytes] = node
        nameByConnection[peer.connection] = record.nameBytes
        return .replyAndKeepOpen(.alive2(.init(format: format, result: 0, creation: creation)))
    }

    private func portPlease(_ nameBytes: [UInt8]) -> Action {
        // do_request PORT2_REQ: one trailing NUL is dropped; the name must then be non-empty,
        // NUL-free and valid UTF-8 of at most 254 characters (epmd counts the terminator: OBS,
        // a 255-character lookup gets no reply).
        var name = nameBytes[...]
        if name.last == 0 { name = name.dropLast() }
        guard !name.isEmpty, !name.contains(0),
            let characters = Self.utf8CharacterCount(name), characters + 1 <= 255
        else { return .close(.invalidName) }
        guard let node = active[Array(name)] else { return .replyAndClose(.port2(.notFound(result: 1))) }
        return .replyAndClose(.port2(.found(node.record)))
    }

    private func kill(from peer: Peer) -> Action {
        guard peer.isLocal else { return .close(.notLocalPeer) }
        guard configuration.relaxedCommandCheck || active.isEmpty else {
            return .replyAndClose(.kill(.init(accepted: false)))
        }
        return .replyAndStopDaemon(.kill(.init(accepted: true)))
    }

    private mutating func stop(_ nameBytes: [UInt8], from peer: Peer) -> Action {
        guard peer.isLocal else { return .close(.notLocalPeer) }
        guard !nameBytes.isEmpty else { return .close(.invalidName) }
        guard configuration.relaxedCommandCheck else { return .close(.commandNotAllowed) }
        // The name is a C string: it ends at the first NUL.
        let name = Array(nameBytes.prefix { $0 != 0 })
        guard let node = unregister(name) else { return .replyAndClose(.stop(.init(nodeExisted: false))) }
        return .closeRegistrationAndReply(node.connection, .stop(.init(nodeExisted: true)))
    }
}

// MARK: - Bookkeeping

extension EPMDRegistry {
    // epmd's MAXSYMLEN: 255 characters of up to 4 UTF-8 bytes.
    static let maximumSymbolBytes = 255 * 4

    private mutating func unregister(_ name: [UInt8]) -> Node? {
        guard let node = active.removeValue(forKey: name) else { return nil }
        nameByConnection[node.connection] = nil
        remembered[name] = RememberedName(
            nameBytes: name, port: node.record.port, connection: node.connection,
            counter: node.counter, sequence: takeSequence())
        if remembered.count > configuration.maximumRememberedNames,
            let oldest = remembered.values.min(by: { $0.sequence < $1.sequence })
        {
            remembered[oldest.nameBytes] = nil
        }
        return node
    }

    private mutating func takeSequence() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    // The creation counter of a name slot: a new slot starts from the current time, and every
    // registration moves it on by one (OBS: a new name gets `date +%s` + 1, a returning one
    // its last creation + 1). Creations 0 to 3 belong to the old 2-bit scheme and are skipped.
    static func bump(_ counter: UInt32) -> UInt32 {
        let next = counter &+ 1
        return next < 4 ? 4 : next
    }

    /// The number of characters in `bytes`, or `nil` when they are not valid UTF-8 (overlong
    /// forms, surrogates and code points past U+10FFFF included).
    static func utf8CharacterCount(_ bytes: ArraySlice<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var count = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: count += 1
            case .emptyInput: return count
            case .error: return nil
            }
        }
    }

    func namesReply() -> EPMDResponse.Names {
        let nodes = registeredNodes.map { EPMDResponse.Names.Entry(name: $0.record.name, port: $0.record.port) }
        return EPMDResponse.Names(epmdPort: configuration.epmdPort, nodes: nodes)
    }

    func dumpReply() -> EPMDResponse.Dump {
        let active = registeredNodes.map {
            EPMDResponse.Dump.Entry(name: $0.record.name, port: $0.record.port, fd: $0.connection.rawValue)
        }
        let old = remembered.values.sorted { $0.sequence < $1.sequence }.map {
            EPMDResponse.Dump.Entry(name: String(decoding: $0.nameBytes, as: UTF8.self), port: $0.port, fd: $0.connection.rawValue)
        }
        return EPMDResponse.Dump(epmdPort: configuration.epmdPort, active: active, old: old)
    }
}
