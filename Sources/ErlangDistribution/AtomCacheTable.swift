import ErlangTerm

/// One direction of a connection's atom cache: the 2048 slots the sender fills with new entries
/// and later refers to (distribution.md §4.3; `external.c`, `cache->in_arr` and `out_arr`).
struct AtomCacheTable: Sendable {
    private var slots = [Atom?](repeating: nil, count: AtomCacheReferences.slotCount)

    subscript(slot: Int) -> Atom? {
        get { slots[slot] }
        set { slots[slot] = newValue }
    }

    /// The slot the sender uses for `atom`: a fixed hash of its text modulo 2039, the range OTP's
    /// sender uses (`external.c`, `atom2cix`: the atom's index modulo `ERTS_USE_ATOM_CACHE_SIZE`).
    static func slot(for atom: Atom) -> Int {
        let utf8 = atom.name.utf8
        return utf8.withContiguousStorageIfAvailable(fnv1a) ?? Array(utf8).withUnsafeBufferPointer(fnv1a)
    }

    // FNV-1a over the UTF-8 text: stable across runs, unlike Hasher. Over the string's own bytes,
    // not its UTF8View's iterator, which cost several times more per pid in a profile.
    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return Int(hash % 2039)
    }

    /// The header entries for atoms a message uses (with their slots), in order: cached when this table already holds
    /// the atom in its slot, new otherwise, as `erts_encode_ext_dist_header_finalize` decides.
    /// The table does not change until ``commit(_:)``.
    func plannedEntries(for atoms: [(atom: Atom, slot: Int)]) -> AtomCacheReferences {
        AtomCacheReferences(entries: atoms.map { atom, slot in
            slots[slot] == atom ? .cached(slot: slot) : .new(slot: slot, atom: atom)
        })
    }

    /// Records the new entries of a header that is being sent.
    mutating func commit(_ references: AtomCacheReferences) {
        for case .new(let slot, let atom) in references.entries {
            slots[slot] = atom
        }
    }
}
