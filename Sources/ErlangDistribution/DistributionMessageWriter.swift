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
    /// The sending atom cache, copied on write like an array's storage.
    private var atomCache = AtomCacheMap()
    private var nextSequenceID: UInt64 = 1
    /// A written frame's buffer, handed back by ``recycle(_:)`` for the next message.
    private var spare: ByteBuffer?

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

    // The operation code is taken once and the control message is not bound to a copy of its
    // own: copying the enum and switching on it four times made this check take about 0.4 µs of
    // a reply's send, now 0.25 (clock marks in the ping-pong benchmark's peer).
    private func check(_ message: DistributionMessage) throws {
        let opCode = message.control.opCode
        let missing = message.control.requiredFlags.subtracting(flags)
        guard missing.isEmpty else {
            throw DistributionError(.notAgreed, "\(opCode.otpName) needs \(missing), which the peer did not agree on")
        }
        switch (opCode.carriesPayload, message.payload == nil) {
        case (true, true): throw DistributionError(.missingPayload, "\(opCode.otpName) needs a payload")
        case (false, false): throw DistributionError(.unexpectedPayload, "\(opCode.otpName) carries no payload")
        default: break
        }
    }

    // distribution.md §4.2: 'p', then each term with its own version byte.
    private func passThroughFrame(_ message: DistributionMessage) throws -> ByteBuffer {
        var frame = ByteBuffer()
        frame.reserveCapacity(Self.initialCapacity)
        // Room for the frame length, which the channel handler writes in front of the frame.
        frame.writeRepeatingByte(0, count: DistributionFrames.lengthRoom)
        frame.moveReaderIndex(forwardBy: DistributionFrames.lengthRoom)
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

    // The header comes first on the wire but depends on the atoms of the control term and the
    // payload, and the atom cache may only change once the whole message has encoded; so the terms
    // are encoded first, behind room for a usual header (moved when the header needs more), and
    // the cache is committed last. The header's length is computed rather than encoded, and a
    // message in one frame gets its normal header written in place: encoding a start header to
    // measure it and a normal header into a buffer of its own cost two allocations per message.
    private mutating func headerFrames(_ message: DistributionMessage) throws -> DistributionFrames {
        guard flags.contains(.distHeaderAtomCache) else { return try headerFrames(message, atomCache: nil) }
        if !isKnownUniquelyReferenced(&atomCache) { atomCache = atomCache.copy() }
        let map = atomCache
        // Committed once the message has encoded, cleared either way; the frames hold no
        // reference to the map's storage by then.
        defer { map.clear() }
        let frames = try headerFrames(message, atomCache: map)
        map.commit()
        return frames
    }

    private mutating func headerFrames(_ message: DistributionMessage, atomCache map: AtomCacheMap?) throws -> DistributionFrames {
        var encoded = takeBuffer()
        encoded.writeRepeatingByte(0, count: Self.headerRoom)
        let controlBytes = try encodeTerms(message, into: &encoded, atomCache: map)
        let references = map?.references ?? .empty
        let referenceBytes = references.encodedBytes
        let startBytes = DistributionHeader.fragmentStartBytes(referenceBytes: referenceBytes)
        if startBytes > Self.headerRoom {
            encoded = Self.moving(encoded, room: startBytes)
        }
        let headerSpace = max(Self.headerRoom, startBytes)
        let layout = FragmentLayout(
            headerSpace: headerSpace, controlBytes: controlBytes,
            dataBytes: encoded.readableBytes - headerSpace,
            fragmentSize: flags.contains(.fragments) && message.payload != nil ? limits.fragmentSize : nil)
        let frames: DistributionFrames
        if layout.count == 1 {
            try Self.prependNormalHeader(references, referenceBytes: referenceBytes, to: &encoded, headerSpace: headerSpace)
            try checkSize(encoded)
            frames = DistributionFrames(single: encoded)
        } else {
            let sequenceID = nextSequenceID
            var start = ByteBuffer()
            try DistributionHeader.fragmentStart(
                sequenceID: sequenceID, fragmentID: UInt64(layout.count), atomCache: references
            ).write(into: &start)
            frames = DistributionFrames(fragmenting: encoded, layout: layout, startHeader: start, sequenceID: sequenceID)
            // dist.c treats sequence id 0 as "not fragmented", so it is never used.
            nextSequenceID = sequenceID == .max ? 1 : sequenceID + 1
        }
        return frames
    }

    private static let allocator = ByteBufferAllocator()

    /// The most capacity a recycled buffer may have: a small message's, not a large one's.
    static let recycledCapacity = 4096

    /// Hands back a frame that this writer made and that the socket has taken, so that the next
    /// message is encoded into its storage instead of a new one. Once nothing else holds the
    /// storage it is reused; while something does (a write still waiting), the next message gets
    /// a new buffer as it would have anyway. Frames of more than ``recycledCapacity`` bytes are
    /// not kept.
    public mutating func recycle(_ frame: ByteBuffer) {
        guard frame.capacity <= Self.recycledCapacity else { return }
        spare = frame
    }

    // The spare buffer emptied, or a new one at the first capacity. From the allocator at its
    // size: `ByteBuffer()` shares an empty storage, so reserving capacity on it went through
    // NIO's copy-on-write path.
    private mutating func takeBuffer() -> ByteBuffer {
        guard var buffer = spare else { return Self.allocator.buffer(capacity: Self.initialCapacity) }
        spare = nil
        // Keeps the storage when this is the only reference; makes a new one otherwise.
        buffer.clear()
        return buffer
    }

    /// The bytes held before the terms for the header: a fragment start header (18 bytes) with a
    /// few dozen references to atoms already cached, the usual case once a connection is warm.
    /// The 4-byte frame length fits in front of any header that fits here (the fragment start
    /// header is 16 bytes longer than the normal one).
    static let headerRoom = 64

    /// The first capacity of a message's buffer, so that it is allocated once rather than grown
    /// from empty: the header room, then 256 bytes free for each of the two terms, as
    /// `ETFEncoder` asks for at least 256 free bytes before it writes a term (a control tuple
    /// with a pid or two and a short payload take well under 100 bytes each).
    static let initialCapacity = headerRoom + 512

    /// Writes the normal header of `references` (whose part takes `referenceBytes`) so that it
    /// ends where the terms begin, at `headerSpace`, and moves the reader index to its first byte.
    private static func prependNormalHeader(
        _ references: AtomCacheReferences, referenceBytes: Int, to frame: inout ByteBuffer, headerSpace: Int
    ) throws {
        let headerBytes = DistributionHeader.normalBytes(referenceBytes: referenceBytes)
        let end = frame.writerIndex
        let start = frame.readerIndex + headerSpace - headerBytes
        frame.moveWriterIndex(to: start)
        try DistributionHeader.writeNormal(references, referenceBytes: referenceBytes, into: &frame)
        frame.moveWriterIndex(to: end)
        frame.moveReaderIndex(to: start)
    }

    /// Appends the control term and the payload; returns the control term's length. With the
    /// atom cache agreed, atoms of both go through one ``AtomCacheMap`` (`dist.c`,
    /// `erts_dsig_send`: control and message are encoded with the same `acmp`).
    private func encodeTerms(
        _ message: DistributionMessage, into encoded: inout ByteBuffer, atomCache map: AtomCacheMap?
    ) throws -> Int {
        if let (opCode, first, second, third) = message.control.plainFields {
            var controlBytes = 0
            try encoding {
                controlBytes = try encoder.writeUnversionedControl(
                    opCode: opCode, first, second, third, payload: message.payload, into: &encoded, atomCache: map)
            }
            return controlBytes
        }
        let dataStart = encoded.writerIndex
        try encoding { try encoder.writeUnversioned(message.control.term, into: &encoded, atomCache: map) }
        let controlBytes = encoded.writerIndex - dataStart
        if let payload = message.payload {
            try encoding { try encoder.writeUnversioned(payload, into: &encoded, atomCache: map) }
        }
        return controlBytes
    }

    /// The terms of `encoded` (after ``headerRoom``) behind `room` bytes for a longer header.
    private static func moving(_ encoded: ByteBuffer, room: Int) -> ByteBuffer {
        let terms = encoded.getSlice(at: headerRoom, length: encoded.readableBytes - headerRoom) ?? ByteBuffer()
        var moved = ByteBuffer()
        moved.reserveCapacity(room + terms.readableBytes)
        moved.writeRepeatingByte(0, count: room)
        moved.writeImmutableBuffer(terms)
        return moved
    }
}
