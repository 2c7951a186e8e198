import ErlangTerm

/// The sending side of a connection's atom cache (the 2048 slots this node fills and later refers
/// to), and the atoms of the message being written: those of the control term and of the payload
/// (the node of every pid, port and reference included), as OTP's `ErtsAtomCacheMap` collects
/// them while `enc_term_int` writes the message (`external.c`, `insert_acache_map`,
/// `get_iix_acache_map`).
///
/// Up to 255 atoms are taken (`ERTS_MAX_INTERNAL_ATOM_CACHE_ENTRIES`), one per cache slot; an
/// atom whose slot another atom of the same message already took, any atom after the 255th, and
/// an atom of more than 255 characters are written in full. Each atom taken is new or cached as
/// `erts_encode_ext_dist_header_finalize` decides: cached when the slot already holds it.
///
/// One map serves every message of a ``DistributionMessageWriter``, which copies it before a write
/// when the writer itself was copied, so writers keep value semantics. It was a map per message
/// over the writer's table before; allocating it, building the header's references from its
/// atoms and committing them in separate passes took about half of a small reply's encoding.
final class AtomCacheMap: ETFAtomCacheMap, @unchecked Sendable {
    // The properties are unchecked for exclusive access: they are only touched by the one write
    // that runs at a time on a uniquely held map (see the type's note), and the dynamic checks of
    // a class's stored properties cost about 0.1 µs per message in a profile of a small reply.

    /// The atom in each slot, as the peer's receiving cache holds it once the messages written so
    /// far have arrived.
    @exclusivity(unchecked) private var table = [Atom?](repeating: nil, count: AtomCacheReferences.slotCount)
    /// The message's header references, in the order of first use.
    @exclusivity(unchecked) private(set) var references = AtomCacheReferences.empty
    /// The atom of each of ``references``, to tell an atom from another that hashes to its slot.
    @exclusivity(unchecked) private var atoms: [Atom] = []
    /// Per cache slot, 1 + the header index of the atom that took it; 0 for a free slot.
    @exclusivity(unchecked) private var indexBySlot = [UInt8](repeating: 0, count: AtomCacheReferences.slotCount)
    /// The last atom asked for and its answer: the pids of a list mostly share their node atom
    /// (a pg sync of 10,000 pids asks 10,000 times for one atom), and the answer for an atom does
    /// not change within a message.
    @exclusivity(unchecked) private var last: (atom: Atom, index: UInt8?)?
    /// How many of ``references`` are new: usually none once a connection is warm, and then the
    /// commit has nothing to store.
    @exclusivity(unchecked) private var newCount = 0

    init() {}

    private init(copying other: AtomCacheMap) {
        table = other.table
    }

    /// A map with this one's table and no message begun, for a writer that was copied.
    func copy() -> AtomCacheMap {
        AtomCacheMap(copying: self)
    }

    func cacheIndex(for atom: Atom) -> UInt8? {
        if let last, last.atom == atom { return last.index }
        let index = lookUp(atom)
        last = (atom, index)
        return index
    }

    private func lookUp(_ atom: Atom) -> UInt8? {
        let slot = AtomCacheTable.slot(for: atom)
        let taken = indexBySlot[slot]
        if taken != 0 {
            let index = Int(taken) - 1
            return atoms[index] == atom ? UInt8(index) : nil
        }
        guard atoms.count < AtomCacheReferences.maxEntries, Self.fitsHeader(atom) else { return nil }
        if table[slot] == atom {
            references.entries.append(.cached(slot: slot))
        } else {
            references.entries.append(.new(slot: slot, atom: atom))
            newCount += 1
            if atom.name.utf8.count > 255 { references.longAtoms = true }
        }
        atoms.append(atom)
        indexBySlot[slot] = UInt8(atoms.count)
        return UInt8(atoms.count - 1)
    }

    /// Records the new atoms of the message in the table, as its header is sent.
    func commit() {
        guard newCount > 0 else { return }
        for case .new(let slot, let atom) in references.entries {
            table[slot] = atom
        }
    }

    /// Forgets the message's atoms, leaving the table as it is: after every message, committed or
    /// not (one that could not be encoded is not).
    func clear() {
        for entry in references.entries { indexBySlot[entry.slot] = 0 }
        references.entries.empty()
        references.longAtoms = false
        atoms.empty()
        last = nil
        newCount = 0
    }

    // Only text of more than 255 bytes can exceed 255 characters; such an atom cannot be encoded.
    private static func fitsHeader(_ atom: Atom) -> Bool {
        atom.name.utf8.count <= Atom.maxCharacters || atom.name.unicodeScalars.count <= Atom.maxCharacters
    }
}
