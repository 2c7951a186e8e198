import ErlangTerm
import NIOCore

/// How a connected-state frame starts (distribution.md §4.2 to §4.4; `external.c`,
/// `erts_prepare_dist_ext` and `erts_encode_ext_dist_header_finalize`).
///
/// Read and written symmetrically by ``read(from:flags:)`` and ``write(into:)``. The terms that
/// follow are not part of it: in pass-through mode each carries its own version byte 131; after a
/// distribution header none does, and they may refer to the header's atoms with `ATOM_CACHE_REF`.
public enum DistributionHeader: Sendable, Hashable {
    /// `112` (`'p'`): used when neither `DIST_HDR_ATOM_CACHE` nor `FRAGMENTS` is agreed.
    case passThrough
    /// `131, 68`: a whole message with its atom cache references.
    case normal(AtomCacheReferences)
    /// `131, 69, SequenceId, FragmentId`: the first fragment of a message, with the atom cache
    /// references of the whole message; `fragmentID` is the number of fragments.
    case fragmentStart(sequenceID: UInt64, fragmentID: UInt64, atomCache: AtomCacheReferences)
    /// `131, 70, SequenceId, FragmentId`: a later fragment; the last one has `fragmentID` 1.
    case fragmentContinuation(sequenceID: UInt64, fragmentID: UInt64)

    /// The version byte that starts every distribution header.
    static let versionMagic: UInt8 = 131
    /// `PASS_THROUGH`.
    static let passThroughTag: UInt8 = 112
    /// `DIST_HEADER`.
    static let normalTag: UInt8 = 68
    /// `DIST_FRAG_HEADER`.
    static let fragmentStartTag: UInt8 = 69
    /// `DIST_FRAG_CONT`.
    static let fragmentContinuationTag: UInt8 = 70
    /// The bytes of a continuation header (`dist.h`, `ERTS_DIST_FRAGMENT_HEADER_SIZE`).
    static let fragmentHeaderSize = 18

    /// Whether these flags make every frame start with a distribution header rather than `'p'`
    /// (distribution.md §4.2: either `DIST_HDR_ATOM_CACHE` or `FRAGMENTS`).
    public static func usesHeader(_ flags: DistributionFlags) -> Bool {
        !flags.isDisjoint(with: [.distHeaderAtomCache, .fragments])
    }

    /// Reads the header at the start of `buffer` and moves its reader index past it; in
    /// pass-through mode only the `'p'` byte is consumed.
    ///
    /// - Throws: ``DistributionError`` with ``DistributionError/Code/invalidHeader`` when the frame
    ///   does not start as `flags` require, ``DistributionError/Code/truncatedFrame`` when it ends
    ///   inside the header, ``DistributionError/Code/invalidAtom`` for a bad atom text.
    public static func read(from buffer: inout ByteBuffer, flags: DistributionFlags) throws -> DistributionHeader {
        var entries: [AtomCacheReferences.Entry] = []
        let shape = try read(from: &buffer, flags: flags, expecting: { entries.reserveCapacity($0) }) { _, slot, atom in
            entries.append(atom.map { .new(slot: slot, atom: $0) } ?? .cached(slot: slot))
        }
        let references = { (longAtoms: Bool) in AtomCacheReferences(entries: entries, longAtoms: longAtoms) }
        switch shape {
        case .passThrough: return .passThrough
        case .normal(let longAtoms): return .normal(references(longAtoms))
        case .fragmentStart(let sequenceID, let fragmentID, let longAtoms):
            return .fragmentStart(sequenceID: sequenceID, fragmentID: fragmentID, atomCache: references(longAtoms))
        case .fragmentContinuation(let sequenceID, let fragmentID):
            return .fragmentContinuation(sequenceID: sequenceID, fragmentID: fragmentID)
        }
    }

    /// Like ``read(from:flags:)``, but hands each atom cache reference to `reference` (its index,
    /// slot, and text when new) as it is read instead of collecting them: the reader resolves them
    /// into a reused array, where two arrays per message were made before.
    static func read(
        from buffer: inout ByteBuffer, flags: DistributionFlags, expecting: (Int) -> Void = { _ in },
        reference: (Int, Int, Atom?) throws -> Void
    ) throws -> Shape {
        let (shape, length) = try buffer.withUnsafeReadableBytes { bytes in
            var reader = HeaderReader(bytes: bytes)
            let shape = try reader.readHeader(
                headerMode: usesHeader(flags), fragments: flags.contains(.fragments), expecting: expecting, reference: reference)
            return (shape, reader.position)
        }
        buffer.moveReaderIndex(forwardBy: length)
        return shape
    }

    /// A header without its atom cache references.
    enum Shape {
        case passThrough
        case normal(longAtoms: Bool)
        case fragmentStart(sequenceID: UInt64, fragmentID: UInt64, longAtoms: Bool)
        case fragmentContinuation(sequenceID: UInt64, fragmentID: UInt64)
    }

    /// Appends the header's bytes to `buffer`.
    ///
    /// - Throws: ``DistributionError`` with ``DistributionError/Code/invalidHeader`` when there are
    ///   more than 255 atom cache references, a slot outside 0..<2048, or an atom too long for the
    ///   chosen length width.
    public func write(into buffer: inout ByteBuffer) throws {
        switch self {
        case .passThrough:
            buffer.writeInteger(Self.passThroughTag)
        case .normal(let references):
            try Self.writeNormal(references, referenceBytes: references.encodedBytes, into: &buffer)
        case .fragmentStart(let sequenceID, let fragmentID, let references):
            buffer.writeMultipleIntegers(Self.versionMagic, Self.fragmentStartTag)
            buffer.writeInteger(sequenceID)
            buffer.writeInteger(fragmentID)
            try references.write(into: &buffer)
        case .fragmentContinuation(let sequenceID, let fragmentID):
            Self.writeContinuation(sequenceID: sequenceID, fragmentID: fragmentID, into: &buffer)
        }
    }

    /// Appends a continuation header, which cannot fail.
    static func writeContinuation(sequenceID: UInt64, fragmentID: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(versionMagic, fragmentContinuationTag, sequenceID, fragmentID)
    }

    /// The length of a normal header whose references take `referenceBytes`
    /// (``AtomCacheReferences/encodedBytes``), as ``write(into:)`` makes it when it does not throw;
    /// the writer sizes its room with it instead of encoding the header twice.
    static func normalBytes(referenceBytes: Int) -> Int {
        2 + referenceBytes
    }

    /// The length of a fragment start header whose references take `referenceBytes`: the normal
    /// one and two 8-byte ids.
    static func fragmentStartBytes(referenceBytes: Int) -> Int {
        normalBytes(referenceBytes: referenceBytes) + 16
    }

    /// Appends the normal header of `references`, as ``write(into:)`` does for ``normal(_:)``,
    /// with their length (``AtomCacheReferences/encodedBytes``) already known.
    static func writeNormal(_ references: AtomCacheReferences, referenceBytes: Int, into buffer: inout ByteBuffer) throws {
        buffer.writeMultipleIntegers(versionMagic, normalTag)
        try references.write(into: &buffer, encodedBytes: referenceBytes)
    }
}

/// Reads a header in place, from the first byte of a frame. The bytes are read through one
/// pointer: a `ByteBuffer` read per byte (each with NIO's exclusivity and bounds checks) made the
/// header a sixth of the receiving peer's time in the throughput benchmark, for three cached atoms
/// per message.
private struct HeaderReader {
    let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte, from the frame's start.
    var position = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - position }

    func error(_ code: DistributionError.Code, _ detail: String) -> DistributionError {
        DistributionError(code, at: position, detail)
    }

    // `what` is an autoclosure: the descriptions are interpolated, and building one per byte read
    // cost a String per atom cache reference of every message.
    mutating func byte(_ what: @autoclosure () -> String) throws -> UInt8 {
        guard remaining >= 1 else {
            throw error(.truncatedFrame, "the frame ends before the \(what())")
        }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 {
        guard remaining >= 8 else {
            throw error(.truncatedFrame, "the frame ends inside the \(what())")
        }
        defer { position += 8 }
        return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func readHeader(
        headerMode: Bool, fragments: Bool, expecting: (Int) -> Void, reference: (Int, Int, Atom?) throws -> Void
    ) throws -> DistributionHeader.Shape {
        let first = try byte("first byte")
        guard headerMode else {
            guard first == DistributionHeader.passThroughTag else {
                throw DistributionError(.invalidHeader, at: 0, "a pass-through frame starts with 112 ('p'), found \(first)")
            }
            return .passThrough
        }
        // external.c, erts_prepare_dist_ext: "Got message from incompatible erlang" without 131.
        guard first == DistributionHeader.versionMagic else {
            throw DistributionError(.invalidHeader, at: 0, "a distribution header starts with 131, found \(first)")
        }
        let tag = try byte("header tag")
        switch tag {
        case DistributionHeader.normalTag:
            return .normal(longAtoms: try readAtomCacheReferences(expecting: expecting, reference: reference))
        case DistributionHeader.fragmentStartTag where fragments:
            let sequenceID = try u64("sequence id")
            let fragmentID = try u64("fragment id")
            let longAtoms = try readAtomCacheReferences(expecting: expecting, reference: reference)
            return .fragmentStart(sequenceID: sequenceID, fragmentID: fragmentID, longAtoms: longAtoms)
        case DistributionHeader.fragmentContinuationTag where fragments:
            return .fragmentContinuation(sequenceID: try u64("sequence id"), fragmentID: try u64("fragment id"))
        case DistributionHeader.fragmentStartTag, DistributionHeader.fragmentContinuationTag:
            throw DistributionError(.invalidHeader, at: 1, "fragment header \(tag) but FRAGMENTS was not agreed")
        default:
            throw DistributionError(.invalidHeader, at: 1, "header tag \(tag) is none of 68, 69, 70")
        }
    }

    // erl_ext_dist.md, "Normal Distribution Header": count, flag nibbles, then the references.
    // Returns the long atoms flag.
    mutating func readAtomCacheReferences(expecting: (Int) -> Void, reference: (Int, Int, Atom?) throws -> Void) throws -> Bool {
        let count = Int(try byte("number of atom cache references"))
        guard count > 0 else { return false }
        guard remaining >= count / 2 + 1 else {
            throw error(.truncatedFrame, "the frame ends inside the flags of \(count) atom cache references")
        }
        let flagsStart = position
        let nibble = { [bytes] (index: Int) -> UInt8 in
            (bytes[flagsStart + index / 2] >> (index % 2 == 0 ? 0 : 4)) & 0x0F
        }
        position += count / 2 + 1
        let longAtoms = nibble(count) & 1 != 0
        expecting(count)
        for index in 0..<count {
            let flags = nibble(index)
            let slot = Int(flags & 7) << 8 | Int(try byte("internal index of atom cache reference \(index)"))
            let atom = flags & 8 == 0 ? nil : try readAtomText(index: index, longAtoms: longAtoms)
            try reference(index, slot, atom)
        }
        return longAtoms
    }

    mutating func readAtomText(index: Int, longAtoms: Bool) throws -> Atom {
        let length: Int
        if longAtoms {
            guard remaining >= 2 else {
                throw error(.truncatedFrame, "the frame ends inside the length of atom cache reference \(index)")
            }
            length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            position += 2
        } else {
            length = Int(try byte("length of atom cache reference \(index)"))
        }
        guard remaining >= length else {
            throw error(.truncatedFrame, "atom cache reference \(index) claims \(length) bytes, \(remaining) left")
        }
        let text = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        guard let name = String(validating: text.assumingMemoryBound(to: UInt8.self), as: UTF8.self),
            name.unicodeScalars.count <= Atom.maxCharacters
        else {
            throw DistributionError(
                .invalidAtom, at: position,
                "atom cache reference \(index) is not valid UTF-8 of at most \(Atom.maxCharacters) characters"
            )
        }
        position += length
        return Atom(name)
    }
}
