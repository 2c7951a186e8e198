extension TermReader {
    /// A term that contains no other terms, starting with `token`.
    mutating func leaf(_ token: TermToken) throws -> Term {
        switch token.kind {
        case .integer(let value): return value
        case .float(let value): return .float(value)
        case .atom(let name): return .atom(Atom(name))
        case .string(let codes): return Self.string(try joinStrings(codes))
        case .symbol("-"), .symbol("+"): return try signedNumber(negative: token.kind == .symbol("-"))
        case .keyword("fun"): return try exportFun()
        case .variable(let name):
            throw ErlangTermError(.syntax, at: token.offset, "the variable \(name) is not a term")
        case .keyword(let word):
            throw ErlangTermError(.syntax, at: token.offset, "'\(word)' is a reserved word; quote it to make an atom")
        default:
            throw unexpected(token, expecting: "a term")
        }
    }

    // erl_parse.yrl: adjacent string literals are one string.
    mutating func joinStrings(_ first: [UInt32]) throws -> [UInt32] {
        var codes = first
        while case .string(let more) = try peek().kind {
            codes += more
            lookahead = nil
        }
        return codes
    }

    /// A string as a term: bytes when every character fits one (as STRING_EXT carries it), else
    /// a list of integers; `""` is `[]`.
    static func string(_ codes: [UInt32]) -> Term {
        if codes.isEmpty { return .list([]) }
        if codes.allSatisfy({ $0 <= 0xFF }) { return .string(codes.map { UInt8($0) }) }
        return .list(codes.map { .integer(Int($0)) })
    }

    // erl_parse.erl, normalise: a unary `-` or `+` on a number literal is part of the literal.
    mutating func signedNumber(negative: Bool) throws -> Term {
        let token = try take()
        switch token.kind {
        case .integer(let value): return negative ? Self.negate(value) : value
        case .float(let value): return .float(negative ? -value : value)
        default: throw unexpected(token, expecting: "a number after the sign")
        }
    }

    static func negate(_ value: Term) -> Term {
        switch value {
        case .integer(let small): return .integer(-small)
        case .bigInteger(let big): return Term(BigInteger(isNegative: !big.isNegative, magnitude: big.magnitude))
        default: return value
        }
    }

    // erl_parse.erl, normalise: `fun M:F/A` with literal parts is the external fun.
    private mutating func exportFun() throws -> Term {
        let module = try atomName()
        try expect(":")
        let function = try atomName()
        try expect("/")
        let token = try take()
        guard case .integer(.integer(let arity)) = token.kind, let small = UInt8(exactly: arity) else {
            throw unexpected(token, expecting: "an arity from 0 to 255")
        }
        return .fun(.export(module: Atom(module), function: Atom(function), arity: small))
    }

    private mutating func atomName() throws -> String {
        let token = try take()
        guard case .atom(let name) = token.kind else { throw unexpected(token, expecting: "an atom") }
        return name
    }
}
