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

        /// Whether the entry stores its atom.
        var isNew: Bool {
            if case .new = self { true } else { false }
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

    /// Appends the count, the flag nibbles and the references; `length` is ``encodedBytes`` when
    /// the caller has it already.
    func write(into buffer: inout ByteBuffer, encodedBytes length: Int? = nil) throws {
        try check()
        let length = length ?? encodedBytes
        // Stored through one pointer: a `writeInteger` per byte (each with its own capacity and
        // uniqueness checks) made this a tenth of a small reply's encoding.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { memory in
            var out = memory.baseAddress!
            out.storeBytes(of: UInt8(entries.count), as: UInt8.self)
            out += 1
            guard !entries.isEmpty else { return 1 }
            // One nibble per reference, low nibble first, then one nibble of header flags.
            var pending: UInt8 = 0
            for index in 0...entries.count {
                let nibble: UInt8
                if index == entries.count {
                    nibble = longAtoms ? 1 : 0
                } else {
                    let entry = entries[index]
                    nibble = (entry.isNew ? 8 : 0) | UInt8(entry.slot >> 8)
                }
                if index % 2 == 0 {
                    pending = nibble
                } else {
                    out.storeBytes(of: pending | nibble << 4, as: UInt8.self)
                    out += 1
                }
            }
            if entries.count % 2 == 0 {
                out.storeBytes(of: pending, as: UInt8.self)
                out += 1
            }
            for entry in entries {
                out.storeBytes(of: UInt8(entry.slot & 0xFF), as: UInt8.self)
                out += 1
                if case .new(_, let atom) = entry { out = Self.store(atom, at: out, longAtoms: longAtoms) }
            }
            return length
        }
    }

    /// Throws when ``write(into:)`` cannot write these references.
    private func check() throws {
        guard entries.count <= Self.maxEntries else {
            throw DistributionError(
                .invalidHeader, "\(entries.count) atom cache references, at most \(Self.maxEntries) fit a header"
            )
        }
        for entry in entries {
            guard (0..<Self.slotCount).contains(entry.slot) else {
                throw DistributionError(.invalidHeader, "atom cache slot \(entry.slot) is outside 0..<\(Self.slotCount)")
            }
            guard case .new(_, let atom) = entry else { continue }
            let length = atom.name.utf8.count
            guard atom.name.unicodeScalars.count <= Atom.maxCharacters, longAtoms || length <= 255 else {
                throw DistributionError(.invalidHeader, "atom of \(length) bytes does not fit this header's length width")
            }
        }
    }

    /// Stores a new atom's length (1 or 2 bytes) and text at `out`; returns the address after it.
    private static func store(_ atom: Atom, at out: UnsafeMutableRawPointer, longAtoms: Bool) -> UnsafeMutableRawPointer {
        var out = out
        var name = atom.name
        let length = name.utf8.count
        if longAtoms {
            out.storeBytes(of: UInt16(length).bigEndian, as: UInt16.self)
            out += 2
        } else {
            out.storeBytes(of: UInt8(length), as: UInt8.self)
            out += 1
        }
        if length > 0 {
            name.withUTF8 { text in out.copyMemory(from: text.baseAddress!, byteCount: length) }
        }
        return out + length
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
}
