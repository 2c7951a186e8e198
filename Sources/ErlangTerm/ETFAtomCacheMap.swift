/// The atoms of one distribution message that go through the connection's atom cache.
///
/// An encoder given a map asks it about every atom it writes (elements, map keys, the node of
/// each pid, port and reference, a fun's module) and writes `ATOM_CACHE_REF` with the returned
/// index instead of the atom's text, as OTP's `enc_term_int` does when an `ErtsAtomCacheMap` is
/// present (`external.c`, `enc_atom`). The map decides which atoms it takes (the header holds at
/// most 255) and must answer the same atom with the same index for the whole message: the
/// encoder may write a term again from its start when its buffer was too small.
public protocol ETFAtomCacheMap: AnyObject {
    /// The index of `atom` in the message's header (0 to 254), or nil to write the atom in full.
    func cacheIndex(for atom: Atom) -> UInt8?
}

