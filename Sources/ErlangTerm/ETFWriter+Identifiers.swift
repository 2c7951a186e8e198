extension ETFWriter {
    mutating func writeAtom(_ atom: Atom) throws {
        if atomCache != nil, try writeCachedAtom(atom) { return }
        // The usual case, a UTF-8 atom of up to 255 bytes, straight from the string's storage.
        if !latin1Atoms, let written = try atom.name.utf8.withContiguousStorageIfAvailable({ try writeShortUTF8Atom($0) }),
           written {
            return
        }
        // O(1) for native strings, which keep their UTF-8 length.
        let byteCount = atom.name.utf8.count
        // Only atoms above 255 bytes can have too many characters; count those.
        if byteCount > Atom.maxCharacters, atom.name.unicodeScalars.count > Atom.maxCharacters {
            throw ErlangTermError(.unencodable, "atom of more than \(Atom.maxCharacters) characters")
        }
        if latin1Atoms, try writeLatin1Atom(atom.name, byteCount: byteCount) { return }
        if byteCount <= 255 {
            try put(ETFTag.smallAtomUTF8, shortText: atom.name.utf8)
        } else {
            try put(ETFTag.atomUTF8, UInt16(byteCount))
            var name = atom.name
            try name.withUTF8 { try put(UnsafeRawBufferPointer($0)) }
        }
    }

    /// `ATOM_CACHE_REF` for an atom in the message's cache map (`external.c`, `enc_atom`), or
    /// false. Out of line, so that writing without a map costs one test per atom.
    @inline(never)
    private mutating func writeCachedAtom(_ atom: Atom) throws -> Bool {
        guard let index = atomCache?.cacheIndex(for: atom) else { return false }
        try put(ETFTag.atomCacheRef, index)
        return true
    }

    /// `SMALL_ATOM_UTF8_EXT` with one bounds check, or false for text over 255 bytes.
    private mutating func writeShortUTF8Atom(_ text: UnsafeBufferPointer<UInt8>) throws -> Bool {
        guard text.count <= 255 else { return false }
        try put(ETFTag.smallAtomUTF8, text: UnsafeRawBufferPointer(text))
        return true
    }

    /// OTP 25's term_to_binary/1 writes ATOM_EXT with a 16-bit length, never SMALL_ATOM_EXT;
    /// returns false for a name with characters beyond Latin-1, which goes out as UTF-8.
    private mutating func writeLatin1Atom(_ name: String, byteCount: Int) throws -> Bool {
        var name = name
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            try put(ETFTag.atom, UInt16(byteCount))
            try name.withUTF8 { try put(UnsafeRawBufferPointer($0)) }
            return true
        }
        guard name.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) else { return false }
        try put(ETFTag.atom, UInt16(name.unicodeScalars.count))
        for scalar in name.unicodeScalars { try put(UInt8(scalar.value)) }
        return true
    }

    mutating func writePid(_ pid: PID) throws {
        try put(ETFTag.newPid)
        try writeAtom(pid.node)
        try put(pid.id, pid.serial, pid.creation)
    }

    // ei's encode_port.c: NEW_PORT_EXT while the number fits 28 bits, V4_PORT_EXT beyond.
    mutating func writePort(_ port: Port) throws {
        let fits28 = port.id <= 0x0FFF_FFFF
        try put(fits28 ? ETFTag.newPort : ETFTag.v4Port)
        try writeAtom(port.node)
        if fits28 {
            try put(UInt32(port.id))
        } else {
            try put(port.id)
        }
        try put(port.creation)
    }

    mutating func writeReference(_ reference: Reference) throws {
        guard (1...Reference.maxIDs).contains(reference.ids.count) else {
            throw ErlangTermError(.unencodable, "a reference needs 1 to \(Reference.maxIDs) words, has \(reference.ids.count)")
        }
        try put(ETFTag.newerReference, UInt16(reference.ids.count))
        try writeAtom(reference.node)
        try put(reference.creation)
        for id in reference.ids { try put(id) }
    }

    mutating func writeFun(_ fun: Fun) throws {
        switch fun {
        case .export(let module, let function, let arity):
            try put(ETFTag.export)
            try writeAtom(module)
            try writeAtom(function)
            try writeInteger(Int(arity))
        case .closure(let closure):
            try writeClosure(closure)
        }
    }

    // NEW_FUN_EXT: Size counts from its own first byte to the end of the fun (distribution.md §5.3).
    private mutating func writeClosure(_ closure: Fun.Closure) throws {
        guard closure.uniq.count == 16 else {
            throw ErlangTermError(.unencodable, "a fun's uniq must be 16 bytes, has \(closure.uniq.count)")
        }
        try put(ETFTag.newFun)
        let sizeIndex = count
        try put(UInt32(0))
        try put(closure.arity)
        try put(closure.uniq)
        try put(closure.index)
        try put(UInt32(closure.freeVariables.count))
        try writeAtom(closure.module)
        try writeInteger(closure.oldIndex)
        try writeInteger(closure.oldUniq)
        try writePid(closure.pid)
        for variable in closure.freeVariables { try write(variable) }
        patch(UInt32(count - sizeIndex), at: sizeIndex)
    }
}
