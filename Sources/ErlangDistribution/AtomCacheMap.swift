import ErlangTerm

/// The atoms one message sends through the connection's atom cache: those of the control term
/// and of the payload (the node of every pid, port and reference included), as OTP's
/// `ErtsAtomCacheMap` collects them while `enc_term_int` writes the message (`external.c`,
/// `insert_acache_map`, `get_iix_acache_map`).
///
/// Up to 255 atoms are taken (`ERTS_MAX_INTERNAL_ATOM_CACHE_ENTRIES`), one per cache slot; an
/// atom whose slot another atom of the same message already took, any atom after the 255th, and
/// an atom of more than 255 characters are written in full.
final class AtomCacheMap: ETFAtomCacheMap {
    /// The taken atoms and their slots in the order of first use: the header's references.
    private(set) var entries: [(atom: Atom, slot: Int)] = []
    /// Per cache slot, 1 + the header index of the atom that took it; 0 for a free slot.
    private var indexBySlot: [UInt8]
    /// The last atom asked for and its answer: the pids of a list mostly share their node atom
    /// (a pg sync of 10,000 pids asks 10,000 times for one atom), and the answer for an atom does
    /// not change within a message.
    private var last: (atom: Atom, index: UInt8?)?

    /// Creates an empty map over `slots`, a table of ``AtomCacheReferences/slotCount`` zeros (or
    /// an empty array, replaced by one); ``releaseSlots()`` hands it back cleared for reuse.
    /// `entries` lends its capacity for the taken atoms; its elements are dropped.
    init(slots: [UInt8], entries: [(atom: Atom, slot: Int)] = []) {
        indexBySlot = slots.count == AtomCacheReferences.slotCount
            ? slots : [UInt8](repeating: 0, count: AtomCacheReferences.slotCount)
        self.entries = entries
        self.entries.removeAll(keepingCapacity: true)
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
            return entries[index].atom == atom ? UInt8(index) : nil
        }
        guard entries.count < AtomCacheReferences.maxEntries, Self.fitsHeader(atom) else { return nil }
        entries.append((atom, slot))
        indexBySlot[slot] = UInt8(entries.count)
        return UInt8(entries.count - 1)
    }

    /// Clears the slots this message took and hands the table and the entries' storage out for
    /// the next message (an allocation per message spared), leaving this map empty.
    func release() -> (slots: [UInt8], entries: [(atom: Atom, slot: Int)]) {
        for entry in entries { indexBySlot[entry.slot] = 0 }
        last = nil
        var slots: [UInt8] = []
        swap(&slots, &indexBySlot)
        var taken: [(atom: Atom, slot: Int)] = []
        swap(&taken, &entries)
        return (slots, taken)
    }

    // Only text of more than 255 bytes can exceed 255 characters; such an atom cannot be encoded.
    private static func fitsHeader(_ atom: Atom) -> Bool {
        atom.name.utf8.count <= Atom.maxCharacters || atom.name.unicodeScalars.count <= Atom.maxCharacters
    }
}
