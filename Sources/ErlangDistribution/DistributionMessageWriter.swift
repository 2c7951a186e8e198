import ErlangTerm
import NIOCore

/// Writes messages as frames (each without its 4-byte length); a large message becomes several
/// fragment frames when `FRAGMENTS` is agreed.
///
/// The writer keeps the connection's sending atom cache, so one writer serves one connection and
/// the frames must go out in the order of the ``write(_:)`` calls that made them, except that the
/// continuation fragments of a message (all its frames after the first) may be held back and
/// interleaved with ticks and with other messages' frames, as OTP interleaves fragments of
/// different senders. The receiver resolves a message's atoms from its first frame.
public struct DistributionMessageWriter: Sendable {
    /// The flags both nodes agreed on; they choose pass-through or header mode, the atom cache and
    /// fragments, and which control messages may be sent.
    public let flags: DistributionFlags
    /// The bounds in force; ``DistributionLimits/fragmentSize`` is the data per fragment.
    public let limits: DistributionLimits

    private let encoder = ETFEncoder()
    private var atomCache = AtomCacheTable()
    private var nextSequenceID: UInt64 = 1

    /// The largest frame a 4-byte length can announce.
    static let maxFrameBytes = Int(UInt32.max)

    /// Creates a writer for a connection with the agreed `flags`.
    public init(flags: DistributionFlags, limits: DistributionLimits = .default) {
        self.flags = flags
        self.limits = limits
    }

    /// Encodes `message` as one frame, or as its fragments in order.
    ///
    /// - Throws: ``DistributionError`` with ``DistributionError/Code/notAgreed`` when the control
    ///   message needs a flag the peer did not agree on, ``DistributionError/Code/missingPayload`` or
    ///   ``DistributionError/Code/unexpectedPayload`` when the payload does not fit the control
    ///   message, ``DistributionError/Code/invalidTerm`` when a term cannot be encoded, and
    ///   ``DistributionError/Code/frameTooLarge`` for a single frame over 4 GiB.
    public mutating func write(_ message: DistributionMessage) throws -> [ByteBuffer] {
        Array(try frames(for: message))
    }

    /// Encodes `message` and hands out its frames one at a time, so that a large message is held
    /// once plus the fragment being sent (``write(_:)`` makes all of them at once). The atom
    /// cache and the sequence id are settled by this call: the first frame must go out before the
    /// first frame of any later message.
    ///
    /// - Throws: as ``write(_:)``.
    public mutating func frames(for message: DistributionMessage) throws -> DistributionFrames {
        try check(message)
        guard DistributionHeader.usesHeader(flags) else {
            return DistributionFrames(single: try passThroughFrame(message))
        }
        return try headerFrames(message)
    }

    private func check(_ message: DistributionMessage) throws {
        let control = message.control
        let missing = control.requiredFlags.subtracting(flags)
        guard missing.isEmpty else {
            throw DistributionError(.notAgreed, "\(control.opCode.otpName) needs \(missing), which the peer did not agree on")
        }
        if control.carriesPayload, message.payload == nil {
            throw DistributionError(.missingPayload, "\(control.opCode.otpName) needs a payload")
        }
        if !control.carriesPayload, message.payload != nil {
            throw DistributionError(.unexpectedPayload, "\(control.opCode.otpName) carries no payload")
        }
    }

    // distribution.md §4.2: 'p', then each term with its own version byte.
    private func passThroughFrame(_ message: DistributionMessage) throws -> ByteBuffer {
        var frame = ByteBuffer()
        try DistributionHeader.passThrough.write(into: &frame)
        try encoding { try encoder.encode(message.control.term, into: &frame) }
        if let payload = message.payload {
            try encoding { try encoder.encode(payload, into: &frame) }
        }
        try checkSize(frame)
        return frame
    }

    private func checkSize(_ frame: ByteBuffer) throws {
        guard frame.readableBytes <= Self.maxFrameBytes else {
            throw DistributionError(
                .frameTooLarge, "a frame of \(frame.readableBytes) bytes does not fit a 4-byte length; agree on FRAGMENTS"
            )
        }
    }

    /// Runs an encoding step, turning a term error into a ``DistributionError``.
    func encoding(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ErlangTermError {
            throw DistributionError(.invalidTerm, "a term cannot be encoded: \(error.detail)", termError: error)
        }
    }

    // The header comes first on the wire but depends on the control message's atoms, and the atom
    // cache may only change once the whole message has encoded; so the control term is encoded
    // first, the frame then written with room for the longest header, and the cache committed last.
    private mutating func headerFrames(_ message: DistributionMessage) throws -> DistributionFrames {
        var control = ByteBuffer()
        let references: AtomCacheReferences
        if flags.contains(.distHeaderAtomCache) {
            var writer = CachingTermWriter()
            try encoding { try writer.write(message.control.term, into: &control) }
            references = atomCache.plannedEntries(for: writer.atoms)
        } else {
            try encoding { try encoder.writeUnversioned(message.control.term, into: &control) }
            references = .empty
        }
        let sequenceID = nextSequenceID
        var start = ByteBuffer()
        try DistributionHeader.fragmentStart(sequenceID: sequenceID, fragmentID: 0, atomCache: references).write(into: &start)
        var encoded = ByteBuffer()
        encoded.reserveCapacity(start.readableBytes + control.readableBytes)
        encoded.writeRepeatingByte(0, count: start.readableBytes)
        encoded.writeImmutableBuffer(control)
        if let payload = message.payload {
            try encoding { try encoder.writeUnversioned(payload, into: &encoded) }
        }
        let layout = FragmentLayout(
            headerSpace: start.readableBytes, controlBytes: control.readableBytes,
            dataBytes: encoded.readableBytes - start.readableBytes,
            fragmentSize: flags.contains(.fragments) && message.payload != nil ? limits.fragmentSize : nil)
        let frames: DistributionFrames
        if layout.count == 1 {
            frames = DistributionFrames(single: try single(encoded, references: references, headerSpace: start.readableBytes))
        } else {
            // The fragment count goes in the start header at bytes 10..<18.
            start.setInteger(UInt64(layout.count), at: start.readerIndex + 10)
            frames = DistributionFrames(fragmenting: encoded, layout: layout, startHeader: start, sequenceID: sequenceID)
            // dist.c treats sequence id 0 as "not fragmented", so it is never used.
            nextSequenceID = sequenceID == .max ? 1 : sequenceID + 1
        }
        atomCache.commit(references)
        return frames
    }

    // A message in one frame: the normal header written right before the data.
    private func single(_ frame: ByteBuffer, references: AtomCacheReferences, headerSpace: Int) throws -> ByteBuffer {
        var header = ByteBuffer()
        try DistributionHeader.normal(references).write(into: &header)
        var frame = frame
        frame.setBuffer(header, at: headerSpace - header.readableBytes)
        frame.moveReaderIndex(forwardBy: headerSpace - header.readableBytes)
        try checkSize(frame)
        return frame
    }
}
