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
        let header = try DistributionHeader.read(from: &body, flags: flags)
        let headerLength = body.readerIndex - frame.readerIndex
        switch header {
        case .passThrough:
            return try decodeMessage(&body, atoms: nil, offset: headerLength)
        case .normal(let references):
            let atoms = try resolve(references)
            return try decodeMessage(&body, atoms: atoms, offset: headerLength)
        case .fragmentStart(let sequenceID, let fragmentID, let references):
            let atoms = try resolve(references)
            return try startSequence(sequenceID, fragments: fragmentID, atoms: atoms, data: body, offset: headerLength)
        case .fragmentContinuation(let sequenceID, let fragmentID):
            return try continueSequence(sequenceID, fragment: fragmentID, data: body)
        }
    }

    private mutating func resolve(_ references: AtomCacheReferences) throws -> [Atom] {
        do {
            return try atomCache.resolve(references)
        } catch var error as DistributionError {
            error.offset = 2  // The references start after 131, 68 (or the fragment ids).
            throw error
        }
    }

    /// Decodes the control term and the payload after the header; `atoms` is nil in pass-through
    /// mode, where each term carries the version byte 131.
    func decodeMessage(_ body: inout ByteBuffer, atoms: [Atom]?, offset: Int) throws -> DistributionMessage {
        let start = body.readerIndex - offset
        guard body.readableBytes > 0 else {
            throw DistributionError(.truncatedFrame, at: offset, "no control message after the header")
        }
        let controlTerm = try decodeTerm(&body, atoms: atoms, start: start, what: "control message")
        let control = try ControlMessage(term: controlTerm)
        guard body.readableBytes > 0 else {
            if control.carriesPayload {
                throw DistributionError(
                    .missingPayload, at: body.readerIndex - start,
                    "\(control.opCode.otpName) carries a payload, the frame ends after the control message"
                )
            }
            return DistributionMessage(control: control)
        }
        guard control.carriesPayload else {
            throw DistributionError(
                .unexpectedPayload, at: body.readerIndex - start,
                "\(control.opCode.otpName) carries no payload, \(body.readableBytes) bytes follow it"
            )
        }
        let payload = try decodeTerm(&body, atoms: atoms, start: start, what: "payload")
        guard body.readableBytes == 0 else {
            throw DistributionError(
                .trailingBytes, at: body.readerIndex - start, "\(body.readableBytes) bytes follow the payload"
            )
        }
        return DistributionMessage(control: control, payload: payload)
    }

    private func decodeTerm(_ body: inout ByteBuffer, atoms: [Atom]?, start: Int, what: String) throws -> Term {
        let termOffset = body.readerIndex - start
        do {
            guard let atoms else { return try decoder.read(from: &body) }
            // external.c, erts_decode_dist_ext_size: after a header no term starts with 131.
            if body.getInteger(at: body.readerIndex, as: UInt8.self) == DistributionHeader.versionMagic {
                throw DistributionError(.invalidTerm, at: termOffset, "the \(what) after a distribution header starts with 131")
            }
            return try decoder.readUnversioned(from: &body, atomCache: atoms)
        } catch let error as ErlangTermError {
            let at = termOffset + (error.offset ?? 0)
            throw DistributionError(.invalidTerm, at: at, "the \(what) does not decode: \(error.detail)", termError: error)
        }
    }
}
