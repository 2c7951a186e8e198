extension ETFReader {
    mutating func readPidBody(tag: UInt8) throws -> PID {
        let node = try readAtom("a pid's node")
        let id = try u32()
        let serial = try u32()
        let creation = tag == ETFTag.newPid ? try u32() : UInt32(try u8())
        return PID(node: node, id: id, serial: serial, creation: creation)
    }

    /// Reads a term that must be a pid (a fun's creator).
    mutating func readPid() throws -> PID {
        let start = offset
        let tag = try u8()
        guard tag == ETFTag.newPid || tag == ETFTag.pid else {
            throw error(.unexpectedTerm, "expected a pid, found tag \(tag)", at: start)
        }
        return try readPidBody(tag: tag)
    }

    mutating func readPortBody(tag: UInt8) throws -> Port {
        let node = try readAtom("a port's node")
        switch tag {
        case ETFTag.v4Port: return Port(node: node, id: try u64(), creation: try u32())
        case ETFTag.newPort: return Port(node: node, id: UInt64(try u32()), creation: try u32())
        default: return Port(node: node, id: UInt64(try u32()), creation: UInt32(try u8()))
        }
    }

    mutating func readReferenceBody(tag: UInt8, start: Int) throws -> Reference {
        if tag == ETFTag.reference {
            let node = try readAtom("a reference's node")
            let id = try u32()
            return Reference(node: node, ids: [id], creation: UInt32(try u8()))
        }
        let count = Int(try u16())
        guard (1...Reference.maxIDs).contains(count) else {
            throw error(.invalidReference, "a reference of \(count) words; 1 to \(Reference.maxIDs) are allowed", at: start)
        }
        let node = try readAtom("a reference's node")
        let creation = tag == ETFTag.newerReference ? try u32() : UInt32(try u8())
        var ids: [UInt32] = []
        ids.reserveCapacity(count)
        for _ in 0..<count { ids.append(try u32()) }
        return Reference(node: node, ids: ids, creation: creation)
    }

    mutating func readExport(start: Int) throws -> Fun {
        let module = try readAtom("an export's module")
        let function = try readAtom("an export's function")
        let arityStart = offset
        guard case .integer(let arity) = try readTerm(depth: 0), (0...255).contains(arity) else {
            throw error(.unexpectedTerm, "an export's arity must be an integer from 0 to 255", at: arityStart)
        }
        return .export(module: module, function: function, arity: UInt8(arity))
    }

    mutating func readClosure(depth: Int, start: Int) throws -> Fun {
        guard depth < limits.maxDepth else {
            throw error(.depthLimitExceeded, "nesting deeper than \(limits.maxDepth)")
        }
        _ = try u32()  // Size: derived again when encoding.
        let arity = try u8()
        let uniq = try byteArray(16)
        let index = try u32()
        let freeCount = Int(try u32())
        try plausible(freeCount, bytesEach: 1, what: "a fun's free variables")
        let module = try readAtom("a fun's module")
        let oldIndex = try readSmallInteger("a fun's old index", depth: depth)
        let oldUniq = try readSmallInteger("a fun's old uniq", depth: depth)
        let pid = try readPid()
        var free: [Term] = []
        free.reserveCapacity(freeCount)
        for _ in 0..<freeCount { free.append(try readTerm(depth: depth + 1)) }
        return .closure(Fun.Closure(
            arity: arity, uniq: uniq, index: index, module: module,
            oldIndex: oldIndex, oldUniq: oldUniq, pid: pid, freeVariables: free
        ))
    }

    private mutating func readSmallInteger(_ what: String, depth: Int) throws -> Int {
        let start = offset
        guard case .integer(let value) = try readTerm(depth: depth + 1) else {
            throw error(.unexpectedTerm, "\(what) must be an integer", at: start)
        }
        return value
    }
}
