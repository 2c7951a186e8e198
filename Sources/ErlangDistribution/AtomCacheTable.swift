import ErlangTerm

/// The receiving direction of a connection's atom cache: the 2048 slots the peer fills with new
/// entries and later refers to (distribution.md §4.3; `external.c`, `cache->in_arr` and `out_arr`).
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
}
