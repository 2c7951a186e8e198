import ErlangTerm

/// Builds random terms of every kind a peer can send (closures aside: only their creator can make them).
struct RandomTerms {
    var random: SeededRandom

    // No `nonode@nohost`: the non-distributed `erl` of the live test takes identifiers of that
    // name as its own, and OTP 25 then fails `=:=` on large maps that hold them with a foreign creation.
    static let nodes: [Atom] = ["swerl@127.0.0.1", "a@host", "日本@host"]

    mutating func term(depth: Int) -> Term {
        guard depth > 0, Int.random(in: 0..<3, using: &random) == 0 else { return leaf() }
        let count = Int.random(in: 0..<5, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return .tuple((0..<count).map { _ in term(depth: depth - 1) })
        case 1: return .list((0..<count).map { _ in term(depth: depth - 1) })
        case 2: return .list((0...count).map { _ in term(depth: depth - 1) }, tail: leaf())
        case 3: return largeOrSmallMap(depth: depth)
        default: return .tuple([.atom("nested"), term(depth: depth - 1)])
        }
    }

    private mutating func largeOrSmallMap(depth: Int) -> Term {
        let count = Int.random(in: 0..<8, using: &random) == 0 ? Int.random(in: 33..<60, using: &random) : Int.random(in: 0..<6, using: &random)
        return .map(TermMap((0..<count).map { _ in (leaf(), term(depth: depth - 1)) }))
    }

    mutating func leaf() -> Term {
        switch Int.random(in: 0..<16, using: &random) {
        case 0: return .integer(Int.random(in: 0...255, using: &random))
        case 1: return .integer(Int(Int32.random(in: .min ... .max, using: &random)))
        case 2: return .integer(Int.random(in: .min ... .max, using: &random))
        case 3: return bigInteger()
        case 4: return float()
        case 5: return .atom(atom())
        case 6: return .binary(bytes(Int.random(in: 0..<40, using: &random)))
        case 7: return bitstring()
        case 8: return .string(bytes(Int.random(in: 1..<20, using: &random)))
        case 9: return .list((0..<Int.random(in: 1..<5, using: &random)).map { _ in .integer(Int.random(in: 256..<0x11000, using: &random)) })
        case 10: return .pid(PID(node: node(), id: UInt32.random(in: 0 ... .max, using: &random), serial: UInt32.random(in: 0 ... .max, using: &random), creation: creation()))
        case 11: return .port(Port(node: node(), id: Bool.random(using: &random) ? UInt64.random(in: 0...0x0FFF_FFFF, using: &random) : UInt64.random(in: 0 ... .max, using: &random), creation: creation()))
        // Three words, as OTP 25 writes them: a one-word reference as a key of a large map makes
        // OTP 25's own binary_to_term(term_to_binary(M)) =:= M false. Other lengths are in the vectors.
        case 12: return .reference(Reference(node: node(), ids: (0..<3).map { _ in UInt32.random(in: 0 ... .max, using: &random) }, creation: creation()))
        case 13: return .fun(.export(module: atom(), function: atom(), arity: UInt8.random(in: 0...255, using: &random)))
        case 14: return .tuple([])
        default: return .list([])
        }
    }

    private mutating func bigInteger() -> Term {
        let magnitude = bytes(Int.random(in: 9..<300, using: &random))
        return Term(BigInteger(isNegative: Bool.random(using: &random), magnitude: magnitude + [1]))
    }

    private mutating func float() -> Term {
        while true {
            let value = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &random))
            if value.isFinite { return .float(value) }
        }
    }

    private mutating func bitstring() -> Term {
        let data = bytes(Int.random(in: 1..<10, using: &random))
        return .bitstring(bytes: data, bitCount: (data.count - 1) * 8 + Int.random(in: 1...7, using: &random))
    }

    mutating func atom() -> Atom {
        let length = Int.random(in: 0..<12, using: &random)
        var name = ""
        for _ in 0..<length {
            let scalar: UInt32 = Bool.random(using: &random) ? UInt32.random(in: 97...122, using: &random) : UInt32.random(in: 0xA0...0x2FFF, using: &random)
            if let character = Unicode.Scalar(scalar) { name.unicodeScalars.append(character) }
        }
        return Atom(name)
    }

    private mutating func node() -> Atom {
        Self.nodes.randomElement(using: &random)!
    }

    private mutating func creation() -> UInt32 {
        UInt32.random(in: 1 ... .max, using: &random)
    }

    private mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }
}
