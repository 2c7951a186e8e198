extension ETFReader {
    /// Reads one term at the cursor (no version byte).
    ///
    /// The terms that nest, and the leaves that fill most messages, are read here; the rest in
    /// ``readRareTerm(tag:start:depth:)``, out of line, so that this function's stack frame (one
    /// per level of nesting, up to the depth limit) stays small.
    mutating func readTerm(depth: Int) throws -> Term {
        let start = offset
        let tag = try u8()
        switch tag {
        case ETFTag.smallInteger: return .integer(Int(try u8()))
        case ETFTag.integer: return .integer(Int(Int32(bitPattern: try u32())))
        case ETFTag.smallAtomUTF8, ETFTag.atomUTF8, ETFTag.atom, ETFTag.smallAtom, ETFTag.atomCacheRef:
            return .atom(try readAtomBody(tag: tag, start: start))
        case ETFTag.smallTuple: return try readTuple(arity: Int(try u8()), depth: depth)
        case ETFTag.largeTuple: return try readTuple(arity: Int(try u32()), depth: depth)
        case ETFTag.nil: return .list([])
        case ETFTag.list: return try readList(depth: depth)
        case ETFTag.binary: return .binary(try readBinary(start: start))
        case ETFTag.map: return try readMap(depth: depth)
        case ETFTag.newFloat: return try readNewFloat(start: start)
        case ETFTag.newPid, ETFTag.pid: return .pid(try readPidBody(tag: tag))
        case ETFTag.newerReference, ETFTag.newReference, ETFTag.reference:
            return .reference(try readReferenceBody(tag: tag, start: start))
        default: return try readRareTerm(tag: tag, start: start, depth: depth)
        }
    }

    /// A `BINARY_EXT`'s bytes: from the input, or the detached array for this position.
    @inline(__always)
    private mutating func readBinary(start: Int) throws -> [UInt8] {
        let count = Int(try u32())
        guard let detached = memos.pointee.detached.take(at: start) else { return try byteArray(count) }
        guard detached.count == count else {
            throw error(.truncated, "binary of \(count) bytes, the input ended after \(detached.count)", at: start)
        }
        return detached
    }

    @inline(never)
    private mutating func readRareTerm(tag: UInt8, start: Int, depth: Int) throws -> Term {
        switch tag {
        case ETFTag.string: return try readString()
        case ETFTag.float: return try readOldFloat(start: start)
        case ETFTag.smallBig: return try readBig(count: Int(try u8()), start: start)
        case ETFTag.largeBig: return try readBig(count: Int(try u32()), start: start)
        case ETFTag.bitBinary: return try readBitBinary(start: start)
        case ETFTag.newPort, ETFTag.v4Port, ETFTag.port: return .port(try readPortBody(tag: tag))
        case ETFTag.export: return .fun(try readExport(start: start))
        case ETFTag.newFun: return .fun(try readClosure(depth: depth, start: start))
        case ETFTag.local:
            throw error(.unknownTag, "LOCAL_EXT (121) can only stand at the top of a term", at: start)
        case ETFTag.fun:
            throw error(.unknownTag, "FUN_EXT (117) was removed in OTP 23 and is refused", at: start)
        default:
            throw error(.unknownTag, "unknown tag \(tag)", at: start)
        }
    }

    @inline(__always)
    private func deeper(_ depth: Int) throws -> Int {
        guard depth < limits.maxDepth else {
            try Self.throwTooDeep(limit: limits.maxDepth, at: offsetBase + offset)
        }
        return depth + 1
    }

    @inline(never)
    private static func throwTooDeep(limit: Int, at position: Int) throws -> Never {
        throw ErlangTermError(.depthLimitExceeded, at: position, "nesting deeper than \(limit)")
    }

    private mutating func readTuple(arity: Int, depth: Int) throws -> Term {
        try plausible(arity, bytesEach: 1, what: "a tuple")
        let inner = try deeper(depth)
        if arity == 2 { return .tuple(try readPair(depth: inner)) }
        if arity == 3 { return .tuple(try readTriple(depth: inner)) }
        var elements: [Term] = []
        elements.reserveCapacity(arity)
        for _ in 0..<arity { elements.append(try readTerm(depth: inner)) }
        return .tuple(elements)
    }

    /// Two terms in an array made by a literal, which allocates it at its size directly;
    /// `reserveCapacity` goes through the general path for growing an array. Pairs are the
    /// commonest tuples (`{Key, Value}`, `{ok, Result}`).
    private mutating func readPair(depth: Int) throws -> [Term] {
        let first = try readTerm(depth: depth)
        return [first, try readTerm(depth: depth)]
    }

    /// Three terms, made as ``readPair(depth:)`` makes two: the control messages of plain sends
    /// (`{22, From, To}`) and many messages (`{tag, From, Ref}`) are 3-tuples.
    private mutating func readTriple(depth: Int) throws -> [Term] {
        let first = try readTerm(depth: depth)
        let second = try readTerm(depth: depth)
        return [first, second, try readTerm(depth: depth)]
    }

    private mutating func readString() throws -> Term {
        let count = Int(try u16())
        if count == 0 { return .list([]) }
        return .string(try byteArray(count))
    }

    private mutating func readList(depth: Int) throws -> Term {
        let count = Int(try u32())
        // Each element takes a byte at least, and so does the tail.
        try plausible(count + 1, bytesEach: 1, what: "a list")
        let inner = try deeper(depth)
        var elements: [Term] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            // Small integers, the commonest list elements, are read here without a call.
            if remaining >= 2, bytes[offset] == ETFTag.smallInteger {
                elements.append(.integer(Int(bytes[offset &+ 1])))
                offset &+= 2
            } else {
                elements.append(try readTerm(depth: inner))
            }
        }
        if remaining > 0, bytes[offset] == ETFTag.nil {
            offset += 1
            return .list(elements)
        }
        return .list(elements, tail: try readTerm(depth: inner))
    }

    private mutating func readMap(depth: Int) throws -> Term {
        let start = offset - 1
        let count = Int(try u32())
        try plausible(count, bytesEach: 2, what: "a map")
        let inner = try deeper(depth)
        var entries: [TermMap.Entry] = []
        entries.reserveCapacity(count)
        var order = KeyOrder()
        for _ in 0..<count {
            let key = try readMapKey(depth: inner, order: &order)
            entries.append(TermMap.Entry(key: key, value: try readTerm(depth: inner)))
        }
        if order.isProvenAscending { return .map(TermMap(sortedUniqueEntries: entries)) }
        return .map(try sortedUnique(entries, start: start))
    }

    /// OTP writes small maps sorted, so one pass usually proves order and uniqueness together.
    private func sortedUnique(_ entries: [TermMap.Entry], start: Int) throws -> TermMap {
        var sorted = entries
        if !Self.strictlyAscending(sorted) {
            sorted.sort { Term.exactOrder($0.key, $1.key) < 0 }
            for index in sorted.indices.dropFirst() where sorted[index - 1].key == sorted[index].key {
                throw error(.duplicateMapKey, "key \(sorted[index].key) appears twice", at: start)
            }
        }
        return TermMap(sortedUniqueEntries: sorted)
    }

    private static func strictlyAscending(_ entries: [TermMap.Entry]) -> Bool {
        for index in entries.indices.dropFirst() where !precedes(entries[index - 1].key, entries[index].key) {
            return false
        }
        return true
    }

    /// Whether `lhs` comes strictly before `rhs` in map-key order, with short paths for the keys
    /// that JSON-like and record-like maps use.
    private static func precedes(_ lhs: Term, _ rhs: Term) -> Bool {
        switch (lhs, rhs) {
        case (.binary(let a), .binary(let b)): return Term.orderBytes(a, b) < 0
        case (.atom(let a), .atom(let b)): return a < b
        case (.integer(let a), .integer(let b)): return a < b
        default: return Term.exactOrder(lhs, rhs) < 0
        }
    }

    private mutating func readNewFloat(start: Int) throws -> Term {
        let value = Double(bitPattern: try u64())
        guard value.isFinite else { throw error(.invalidFloat, "NaN or infinity", at: start) }
        return .float(value)
    }

    private mutating func readOldFloat(start: Int) throws -> Term {
        let text = try slice(31)
        let digits = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
        guard let value = Double(digits.trimmingSpaces), value.isFinite else {
            throw error(.invalidFloat, "FLOAT_EXT text is not a finite number", at: start)
        }
        return .float(value)
    }

    private mutating func readBig(count: Int, start: Int) throws -> Term {
        guard count <= limits.maxBigIntegerBytes else {
            throw error(.bigIntegerTooLarge, "\(count) bytes is over the limit of \(limits.maxBigIntegerBytes)", at: start)
        }
        let negative = try u8() != 0
        let digits = try slice(count)
        if count <= 8 {
            var magnitude: UInt64 = 0
            for byte in digits.reversed() { magnitude = magnitude << 8 | UInt64(byte) }
            if !negative, magnitude <= UInt64(Int.max) { return .integer(Int(magnitude)) }
            if negative, magnitude <= UInt64(Int.max) + 1 { return .integer(Int(truncatingIfNeeded: 0 &- magnitude)) }
        }
        return Term(BigInteger(isNegative: negative, magnitude: Array(digits)))
    }

    private mutating func readBitBinary(start: Int) throws -> Term {
        let count = Int(try u32())
        let bits = try u8()
        switch (count, bits) {
        case (0, 0): return .binary([])
        case (1..., 8): return .binary(try byteArray(count))
        case (1..., 1...7):
            var data = try byteArray(count)
            // OTP writes the unused low bits as zero; clear them so equal values compare equal.
            data[count - 1] &= UInt8(0xFF) << (8 - bits)
            return .bitstring(data, bits: bits)
        default:
            throw error(.invalidBitstring, "\(count) bytes with \(bits) bits used in the last", at: start)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
