extension ETFReader {
    /// Reads an atom's body after its tag.
    mutating func readAtomBody(tag: UInt8, start: Int) throws -> Atom {
        switch tag {
        case ETFTag.smallAtomUTF8: return try atom(length: Int(try u8()), latin1: false, start: start)
        case ETFTag.atomUTF8: return try atom(length: Int(try u16()), latin1: false, start: start)
        case ETFTag.atom: return try atom(length: Int(try u16()), latin1: true, start: start)
        case ETFTag.smallAtom: return try atom(length: Int(try u8()), latin1: true, start: start)
        default:
            let index = Int(try u8())
            guard index < atomCache.count else {
                throw error(.atomCacheMiss, "atom cache reference \(index) with \(atomCache.count) atoms in the header", at: start)
            }
            return atomCache[index]
        }
    }

    /// Reads a term that must be an atom (a node name, a module).
    mutating func readAtom(_ what: @autoclosure () -> String) throws -> Atom {
        let start = offset
        let tag = try u8()
        switch tag {
        case ETFTag.smallAtomUTF8, ETFTag.atomUTF8, ETFTag.atom, ETFTag.smallAtom, ETFTag.atomCacheRef:
            return try readAtomBody(tag: tag, start: start)
        default:
            throw error(.unexpectedTerm, "\(what()) must be an atom, found tag \(tag)", at: start)
        }
    }

    /// ASCII text is the same in both encodings and always valid, so it takes the short path and,
    /// when long enough to cost an allocation, is looked up among the atoms this decode already made.
    private mutating func atom(length: Int, latin1: Bool, start: Int) throws -> Atom {
        if latin1, length > Atom.maxCharacters {
            throw error(.invalidAtom, "atom of \(length) characters, over \(Atom.maxCharacters)", at: start)
        }
        let text = try slice(length)
        let worthRemembering = length > AtomText.inlineLength
        // Only ASCII text is remembered, so a remembered spelling is valid in either encoding.
        if worthRemembering, let known = memos.pointee.atoms.value(spelled: text) { return known }
        guard AtomText.isASCII(text) else {
            return latin1 ? latin1Atom(text) : try utf8Atom(text, start: start)
        }
        guard length <= Atom.maxCharacters else {
            throw error(.invalidAtom, "atom of \(length) characters, over \(Atom.maxCharacters)", at: start)
        }
        let atom = Atom(AtomText.string(ascii: text))
        if worthRemembering { memos.pointee.atoms.remember(atom, spelled: text) }
        return atom
    }

    private func utf8Atom(_ text: UnsafeRawBufferPointer, start: Int) throws -> Atom {
        let validated = text.withMemoryRebound(to: UInt8.self) { String(validating: $0, as: UTF8.self) }
        guard let name = validated else {
            throw error(.invalidAtom, "atom text is not valid UTF-8", at: start)
        }
        // A UTF-8 atom of up to 255 bytes has at most 255 characters; only longer ones need counting.
        guard text.count <= Atom.maxCharacters || name.unicodeScalars.count <= Atom.maxCharacters else {
            throw error(.invalidAtom, "atom of more than \(Atom.maxCharacters) characters", at: start)
        }
        return Atom(name)
    }

    private func latin1Atom(_ text: UnsafeRawBufferPointer) -> Atom {
        var name = ""
        name.unicodeScalars.append(contentsOf: text.map { Unicode.Scalar($0) })
        return Atom(name)
    }
}

/// Short paths for atom text.
enum AtomText {
    /// Atoms of up to this many UTF-8 bytes are stored inside `String` without an allocation;
    /// remembering them would cost more than making them.
    static let inlineLength = 15

    /// Whether every byte is below 0x80, checked eight bytes at a time.
    static func isASCII(_ text: UnsafeRawBufferPointer) -> Bool {
        var highBits: UInt64 = 0
        var index = 0
        while index + 8 <= text.count {
            highBits |= text.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        if index < text.count, text.count >= 8 {
            // The last eight bytes, overlapping some already checked.
            highBits |= text.loadUnaligned(fromByteOffset: text.count - 8, as: UInt64.self)
            index = text.count
        }
        while index < text.count {
            highBits |= UInt64(text[index])
            index += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0
    }

    /// A string from bytes already known to be ASCII.
    static func string(ascii text: UnsafeRawBufferPointer) -> String {
        text.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
    }
}
