import ErlangTerm
import NIOCore

/// The atom cache part of a distribution header: the atoms that the terms after it refer to with
/// `ATOM_CACHE_REF`, in order, each either new (slot and text) or already cached (slot only)
/// (distribution.md §4.3; `erl_ext_dist.md`, "Normal Distribution Header").
public struct AtomCacheReferences: Sendable, Hashable {
    /// One reference; the index of an entry in ``entries`` is what `ATOM_CACHE_REF` carries.
    public enum Entry: Sendable, Hashable {
        /// The atom is stored in `slot` (replacing what was there) and used by this message.
        case new(slot: Int, atom: Atom)
        /// The atom already stored in `slot` is used by this message.
        case cached(slot: Int)

        /// The cache slot: segment index times 256 plus the internal index.
        public var slot: Int {
            switch self {
            case .new(let slot, _), .cached(let slot): slot
            }
        }
    }

    /// The references, at most 255 (`ERTS_MAX_INTERNAL_ATOM_CACHE_ENTRIES`).
    public var entries: [Entry]
    /// Whether new atoms' lengths take 2 bytes instead of 1 (`ERTS_DIST_HDR_LONG_ATOMS_FLG`).
    public var longAtoms: Bool

    /// The slots of a connection's cache, per direction: 8 segments of 256 (`ERTS_ATOM_CACHE_SIZE`).
    public static let slotCount = 2048
    /// The most references one header holds.
    public static let maxEntries = 255

    /// Creates references; `longAtoms` defaults to whether a new atom needs more than 255 bytes.
    public init(entries: [Entry], longAtoms: Bool? = nil) {
        self.entries = entries
        self.longAtoms = longAtoms ?? entries.contains {
            if case .new(_, let atom) = $0 { return atom.name.utf8.count > 255 }
            return false
        }
    }

    /// No references: the header `131, 68, 0` used when only `FRAGMENTS` is agreed.
    public static let empty = AtomCacheReferences(entries: [])

    /// Appends the count, the flag nibbles and the references.
    func write(into buffer: inout ByteBuffer) throws {
        guard entries.count <= Self.maxEntries else {
            throw DistributionError(
                .invalidHeader, "\(entries.count) atom cache references, at most \(Self.maxEntries) fit a header"
            )
        }
        buffer.writeInteger(UInt8(entries.count))
        guard !entries.isEmpty else { return }
        // One nibble per reference, low nibble first, then one nibble of header flags; written a
        // byte at a time because an array of flag bytes cost an allocation per message.
        var pending: UInt8 = 0
        for (index, entry) in entries.enumerated() {
            guard (0..<Self.slotCount).contains(entry.slot) else {
                throw DistributionError(.invalidHeader, "atom cache slot \(entry.slot) is outside 0..<\(Self.slotCount)")
            }
            let isNew: UInt8 = if case .new = entry { 8 } else { 0 }
            pending = Self.appendNibble(isNew | UInt8(entry.slot >> 8), index: index, pending: pending, into: &buffer)
        }
        pending = Self.appendNibble(longAtoms ? 1 : 0, index: entries.count, pending: pending, into: &buffer)
        if entries.count % 2 == 0 { buffer.writeInteger(pending) }
        for entry in entries {
            buffer.writeInteger(UInt8(entry.slot & 0xFF))
            if case .new(_, let atom) = entry { try writeText(of: atom, into: &buffer) }
        }
    }

    /// Adds nibble `index` to the byte being filled and writes the byte once both its nibbles are
    /// in; returns the byte still being filled.
    private static func appendNibble(_ value: UInt8, index: Int, pending: UInt8, into buffer: inout ByteBuffer) -> UInt8 {
        guard index % 2 == 1 else { return value }
        buffer.writeInteger(pending | value << 4)
        return 0
    }

    /// The length of ``write(into:)``'s output when it does not throw: count, flag nibbles, and
    /// per reference the internal index and, for a new atom, its length and text.
    var encodedBytes: Int {
        guard !entries.isEmpty else { return 1 }
        var bytes = 1 + entries.count / 2 + 1
        for entry in entries {
            bytes += 1
            if case .new(_, let atom) = entry { bytes += (longAtoms ? 2 : 1) + atom.name.utf8.count }
        }
        return bytes
    }

    private func writeText(of atom: Atom, into buffer: inout ByteBuffer) throws {
        let length = atom.name.utf8.count
        guard atom.name.unicodeScalars.count <= Atom.maxCharacters, longAtoms || length <= 255 else {
            throw DistributionError(.invalidHeader, "atom of \(length) bytes does not fit this header's length width")
        }
        if longAtoms {
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(UInt8(length))
        }
        buffer.writeString(atom.name)
    }
}
