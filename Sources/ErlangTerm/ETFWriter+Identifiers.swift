extension ETFWriter {
    mutating func writeAtom(_ atom: Atom) throws {
        var name = atom.name
        let byteCount = name.utf8.count
        // Only atoms above 255 bytes can have too many characters; count those.
        if byteCount > Atom.maxCharacters, name.unicodeScalars.count > Atom.maxCharacters {
            throw ErlangTermError(.unencodable, "atom of more than \(Atom.maxCharacters) characters")
        }
        if latin1Atoms, let latin1 = Self.latin1Bytes(name, byteCount: byteCount) {
            // OTP 25's term_to_binary/1 writes ATOM_EXT with a 16-bit length, never SMALL_ATOM_EXT.
            buffer.writeInteger(ETFTag.atom)
            buffer.writeInteger(UInt16(latin1.count))
            buffer.writeBytes(latin1)
            return
        }
        if byteCount <= 255 {
            buffer.writeInteger(ETFTag.smallAtomUTF8)
            buffer.writeInteger(UInt8(byteCount))
        } else {
            buffer.writeInteger(ETFTag.atomUTF8)
            buffer.writeInteger(UInt16(byteCount))
        }
        name.withUTF8 { _ = buffer.writeBytes($0) }
    }

    private static func latin1Bytes(_ name: String, byteCount: Int) -> [UInt8]? {
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return Array(name.utf8) }
        var bytes: [UInt8] = []
        for scalar in name.unicodeScalars {
            guard scalar.value <= 0xFF else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    mutating func writePid(_ pid: PID) throws {
        buffer.writeInteger(ETFTag.newPid)
        try writeAtom(pid.node)
        buffer.writeInteger(pid.id)
        buffer.writeInteger(pid.serial)
        buffer.writeInteger(pid.creation)
    }

    // ei's encode_port.c: NEW_PORT_EXT while the number fits 28 bits, V4_PORT_EXT beyond.
    mutating func writePort(_ port: Port) throws {
        let fits28 = port.id <= 0x0FFF_FFFF
        buffer.writeInteger(fits28 ? ETFTag.newPort : ETFTag.v4Port)
        try writeAtom(port.node)
        if fits28 {
            buffer.writeInteger(UInt32(port.id))
        } else {
            buffer.writeInteger(port.id)
        }
        buffer.writeInteger(port.creation)
    }

    mutating func writeReference(_ reference: Reference) throws {
        guard (1...Reference.maxIDs).contains(reference.ids.count) else {
            throw ErlangTermError(.unencodable, "a reference needs 1 to \(Reference.maxIDs) words, has \(reference.ids.count)")
        }
        buffer.writeInteger(ETFTag.newerReference)
        buffer.writeInteger(UInt16(reference.ids.count))
        try writeAtom(reference.node)
        buffer.writeInteger(reference.creation)
        for id in reference.ids { buffer.writeInteger(id) }
    }

    mutating func writeFun(_ fun: Fun) throws {
        switch fun {
        case .export(let module, let function, let arity):
            buffer.writeInteger(ETFTag.export)
            try writeAtom(module)
            try writeAtom(function)
            writeInteger(Int(arity))
        case .closure(let closure):
            try writeClosure(closure)
        }
    }

    // NEW_FUN_EXT: Size counts from its own first byte to the end of the fun (distribution.md §5.3).
    private mutating func writeClosure(_ closure: Fun.Closure) throws {
        guard closure.uniq.count == 16 else {
            throw ErlangTermError(.unencodable, "a fun's uniq must be 16 bytes, has \(closure.uniq.count)")
        }
        buffer.writeInteger(ETFTag.newFun)
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(closure.arity)
        buffer.writeBytes(closure.uniq)
        buffer.writeInteger(closure.index)
        buffer.writeInteger(UInt32(closure.freeVariables.count))
        try writeAtom(closure.module)
        writeInteger(closure.oldIndex)
        writeInteger(closure.oldUniq)
        try writePid(closure.pid)
        for variable in closure.freeVariables { try write(variable) }
        buffer.setInteger(UInt32(buffer.writerIndex - sizeIndex), at: sizeIndex)
    }
}
