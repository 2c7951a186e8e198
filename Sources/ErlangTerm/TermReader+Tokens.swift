extension TermReader {
    mutating func peek() throws -> TermToken {
        if let lookahead { return lookahead }
        let token = try lexer.next()
        lookahead = token
        return token
    }

    mutating func take() throws -> TermToken {
        let token = try peek()
        lookahead = nil
        return token
    }

    /// Takes the next token if it is the punctuation `symbol`.
    mutating func skip(_ symbol: String) throws -> Bool {
        guard try peek().kind == .symbol(symbol) else { return false }
        lookahead = nil
        return true
    }

    /// Takes the punctuation `symbol`, or fails naming it (and `alternative`) as what was expected.
    mutating func expect(_ symbol: String, or alternative: String? = nil) throws {
        let token = try take()
        guard token.kind != .symbol(symbol) else { return }
        let wanted = "'\(symbol)'" + (alternative.map { " or \($0)" } ?? "")
        throw unexpected(token, expecting: wanted)
    }

    func unexpected(_ token: TermToken, expecting wanted: String) -> ErlangTermError {
        ErlangTermError(.syntax, at: token.offset, "expected \(wanted), found \(Self.describe(token.kind))")
    }

    static func describe(_ kind: TermToken.Kind) -> String {
        switch kind {
        case .integer(let value): "the integer \(value)"
        case .float(let value): "the float \(TermPrinter.erlangFloat(value))"
        case .atom(let name): "the atom \(TermPrinter.erlangAtom(name))"
        case .string: "a string"
        case .variable(let name): "the variable \(name)"
        case .keyword(let word): "the reserved word '\(word)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .dot: "'.'"
        case .end: "the end of the text"
        }
    }
}
