import ErlangTerm
import NIOCore

/// Reads connected-state frames: the bytes of one 4-byte-length frame, length excluded. Ticks
/// (empty frames) are the caller's business; an empty frame reads as nil.
///
/// The reader keeps the connection's receiving atom cache and the messages being reassembled from
/// fragments, so one reader serves one connection, in frame order. After it throws, close the
/// connection, as OTP does (`external.c`, `erts_prepare_dist_ext`; `dist.c`, `erts_net_message`).
public struct DistributionMessageReader: Sendable {
    /// The flags both nodes agreed on; they choose pass-through or header mode.
    public let flags: DistributionFlags
    /// The bounds in force.
    public let limits: DistributionLimits

    private let decoder: ETFDecoder
    private var atomCache = AtomCacheTable()
    /// The atoms of the last header's references, in order; kept to reuse its storage.
    private var atoms: [Atom] = []
    var pending: [UInt64: PendingMessage] = [:]
    var bufferedBytes = 0

    /// Creates a reader for a connection with the agreed `flags`.
    public init(flags: DistributionFlags, limits: DistributionLimits = .default) {
        self.flags = flags
        self.limits = limits
        self.decoder = ETFDecoder(limits: limits.terms)
    }

    /// The number of fragmented messages started and not yet complete.
    public var pendingFragmentedMessages: Int { pending.count }
    /// The bytes held for fragmented messages not yet complete.
    public var bufferedFragmentBytes: Int { bufferedBytes }

    /// Returns the message, or nil when the frame was a fragment of a message not yet complete.
    ///
    /// - Throws: ``DistributionError`` saying what is wrong and at which offset of the frame (or of
    ///   the reassembled message, for a message that came in fragments).
    public mutating func read(frame: ByteBuffer) throws -> DistributionMessage? {
        guard frame.readableBytes <= limits.maxFrameBytes else {
            throw DistributionError(.frameTooLarge, "frame of \(frame.readableBytes) bytes, the limit is \(limits.maxFrameBytes)")
        }
        guard frame.readableBytes > 0 else { return nil }
        var body = frame
        let shape = try readHeader(&body)
        let headerLength = body.readerIndex - frame.readerIndex
        switch shape {
        case .passThrough:
            return try decodeMessage(&body, atoms: nil, offset: headerLength)
        case .normal:
            return try decodeMessage(&body, atoms: atoms, offset: headerLength)
        case .fragmentStart(let sequenceID, let fragmentID, _):
            return try startSequence(sequenceID, fragments: fragmentID, atoms: atoms, data: body, offset: headerLength)
        case .fragmentContinuation(let sequenceID, let fragmentID):
            return try continueSequence(sequenceID, fragment: fragmentID, data: body)
        }
    }

    /// Reads the header and resolves its atom cache references into ``atoms`` as they are read
    /// (collecting them and then resolving them made two arrays per message; this took a ping's
    /// read from about 760 to 665 ns in a loop over one frame):
    /// new ones fill their slots, cached ones must be filled already (`erts_prepare_dist_ext`
    /// rejects a reference to an empty slot as a corrupted header). A miss is reported after the
    /// whole header has been read, so a header that is also malformed reports that first, as
    /// when the references were collected and then resolved.
    private mutating func readHeader(_ body: inout ByteBuffer) throws -> DistributionHeader.Shape {
        atoms.empty()
        var miss: (index: Int, slot: Int)?
        let shape = try DistributionHeader.read(from: &body, flags: flags) { index, slot, new in
            if let new {
                atomCache[slot] = new
                atoms.append(new)
            } else if let cached = atomCache[slot] {
                atoms.append(cached)
            } else if miss == nil {
                miss = (index, slot)
            }
        }
        if let miss {
            // The references start after 131, 68 (or the fragment ids).
            throw DistributionError(
                .atomCacheMiss, at: 2, "atom cache reference \(miss.index) names slot \(miss.slot), which the peer never filled")
        }
        return shape
    }

    /// Decodes the control term and the payload after the header; `atoms` is nil in pass-through
    /// mode, where each term carries the version byte 131. A reassembled message's `detached`
    /// binaries are missing from `body`; offsets in errors count their bytes as if they were there.
    func decodeMessage(
        _ body: inout ByteBuffer, atoms: [Atom]?, offset: Int, detached: [DetachedBinary] = []
    ) throws -> DistributionMessage {
        let terms = TermSource(decoder: decoder, atoms: atoms, detached: detached, start: body.readerIndex - offset)
        guard body.readableBytes > 0 else {
            throw DistributionError(.truncatedFrame, at: offset, "no control message after the header")
        }
        let control = try decodeControl(&body, terms)
        guard body.readableBytes > 0 else {
            if control.carriesPayload {
                throw DistributionError(
                    .missingPayload, at: terms.offset(of: body),
                    "\(control.opCode.otpName) carries a payload, the frame ends after the control message"
                )
            }
            return DistributionMessage(control: control)
        }
        guard control.carriesPayload else {
            throw DistributionError(
                .unexpectedPayload, at: terms.offset(of: body),
                "\(control.opCode.otpName) carries no payload, \(body.readableBytes) bytes follow it"
            )
        }
        let payload = try terms.decode(&body, what: "payload")
        guard body.readableBytes == 0 else {
            throw DistributionError(
                .trailingBytes, at: terms.offset(of: body), "\(body.readableBytes) bytes follow the payload"
            )
        }
        return DistributionMessage(control: control, payload: payload)
    }

    private func decodeControl(_ body: inout ByteBuffer, _ terms: TermSource) throws -> ControlMessage {
        if let atoms = terms.atoms,
            let (control, length) = body.withUnsafeReadableBytes({ ControlMessage.readPlain(from: $0, atoms: atoms) })
        {
            body.moveReaderIndex(forwardBy: length)
            return control
        }
        return try ControlMessage(term: terms.decode(&body, what: "control message"))
    }
}
