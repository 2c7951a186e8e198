extension TermPrinter {
    /// How Elixir 1.14's Macro.classify_atom sees an atom's name (its private `inner_classify`).
    enum ElixirAtomKind {
        /// `Elixir.Foo.Bar`, written `Foo.Bar`.
        case alias
        /// A name that can be called: `foo`, `foo?`, `_bar`.
        case identifier
        /// An operator written bare: `:+`, `:&&`.
        case unquotedOperator
        /// An operator quoted as a literal but bare after a dot: `:"::"`, `&:m.::/1`.
        case quotedOperator
        /// Bare as a literal, quoted after a dot: `:%{}`, `:Foo`, `:a@b`.
        case notCallable
        /// Anything else; always quoted.
        case other
    }

    /// An atom as Elixir's `inspect` writes it (Macro.inspect_atom(:literal, atom)).
    static func elixirAtom(_ name: String) -> String {
        if name == "nil" || name == "true" || name == "false" { return name }
        switch elixirKind(name) {
        case .alias:
            let isElixirItself = name == "Elixir" || name == "Elixir.Elixir" || name.hasPrefix("Elixir.Elixir.")
            return isElixirItself ? name : String(name.dropFirst("Elixir.".count))
        case .identifier, .unquotedOperator, .notCallable: return ":" + name
        case .quotedOperator, .other: return ":" + elixirQuoted(name.unicodeScalars, quote: "\"")
        }
    }

    /// A keyword key with its colon, as Macro.inspect_atom(:key, atom) writes it: `a: `, `"a b": `.
    static func elixirKey(_ name: String) -> String {
        switch elixirKind(name) {
        case .alias: return "\"\(name)\": "
        case .identifier, .unquotedOperator, .notCallable: return name + ": "
        case .quotedOperator, .other: return elixirQuoted(name.unicodeScalars, quote: "\"") + ": "
        }
    }

    /// A function name after a dot, as Macro.inspect_atom(:remote_call, atom) writes it.
    static func elixirRemoteCall(_ name: String) -> String {
        switch elixirKind(name) {
        case .identifier, .unquotedOperator, .quotedOperator: return name
        case .alias, .notCallable, .other: return elixirQuoted(name.unicodeScalars, quote: "\"")
        }
    }

    static func elixirKind(_ name: String) -> ElixirAtomKind {
        if elixirNotCallable.contains(name) { return .notCallable }
        if elixirQuotedOperators.contains(name) { return .quotedOperator }
        if elixirUnquotedOperators.contains(name) { return .unquotedOperator }
        if isElixirAlias(name) { return .alias }
        return elixirTokenKind(Array(name.unicodeScalars))
    }

    private static let elixirNotCallable: Set<String> = ["%", "%{}", "{}", "<<>>", "...", "..", ".", "..//", "->"]

    // `::` and the deprecated `~~~`, `^^^` and `<|>` are operators that Elixir 1.14 quotes as literals.
    private static let elixirQuotedOperators: Set<String> = ["::", "~~~", "^^^", "<|>"]

    // Code.Identifier.unary_op/binary_op in Elixir 1.14, less the quoted ones above.
    private static let elixirUnquotedOperators: Set<String> = [
        "&", "!", "^", "not", "+", "-", "@", "<-", "\\\\", "when", "|", "=", "||", "|||", "or", "&&", "&&&",
        "and", "==", "!=", "=~", "===", "!==", "<", "<=", ">=", ">", "|>", "<<<", ">>>", "<<~", "~>>", "<~",
        "~>", "<~>", "in", "++", "--", "+++", "---", "<>", "*", "/", "**",
    ]

    // Macro.valid_alias?: "Elixir" then pieces of "." and an uppercase ASCII letter and word characters.
    private static func isElixirAlias(_ name: String) -> Bool {
        guard name.hasPrefix("Elixir") else { return false }
        var rest = Array(name.utf8.dropFirst("Elixir".count))[...]
        while !rest.isEmpty {
            guard rest.count >= 2, rest.first == UInt8(ascii: "."), (0x41...0x5A).contains(rest[rest.startIndex + 1])
            else { return false }
            rest = rest.dropFirst(2).drop { isASCIIWordCharacter(UInt32($0)) }
        }
        return true
    }

    // String.Tokenizer.tokenize in Elixir 1.14, for ASCII and Latin-1 letters: a start character, word
    // characters or `@`, and one optional final `?` or `!`. A lowercase or `_` start without `@` is an
    // identifier; an uppercase start or an `@` makes an atom that cannot be called. Other non-ASCII
    // names are left quoted: Elixir's Unicode identifier rules (UAX 31 with UTS 39 script
    // restrictions) need tables this printer does not carry, and a quoted atom always reads back.
    private static func elixirTokenKind(_ scalars: [Unicode.Scalar]) -> ElixirAtomKind {
        guard let first = scalars.first?.value else { return .other }
        let lowerStart = (0x61...0x7A).contains(first) || first == 0x5F
            || ((0xDF...0xFF).contains(first) && first != 0xF7)
        let upperStart = (0x41...0x5A).contains(first) || ((0xC0...0xDE).contains(first) && first != 0xD7)
        guard lowerStart || upperStart else { return .other }
        var body = scalars.dropFirst()
        if let last = body.last?.value, last == 0x3F || last == 0x21 { body = body.dropLast() }
        var hasAt = false
        for scalar in body {
            if scalar.value == 0x40 {
                hasAt = true
            } else if !isLatin1WordCharacter(scalar.value) {
                return .other
            }
        }
        return lowerStart && !hasAt ? .identifier : .notCallable
    }

    private static func isASCIIWordCharacter(_ code: UInt32) -> Bool {
        (0x61...0x7A).contains(code) || (0x41...0x5A).contains(code) || (0x30...0x39).contains(code) || code == 0x5F
    }

    // ASCII word characters and the Latin-1 letters (without ª, µ, º, × and ÷, which are no identifier letters).
    private static func isLatin1WordCharacter(_ code: UInt32) -> Bool {
        isASCIIWordCharacter(code) || ((0xC0...0xFF).contains(code) && code != 0xD7 && code != 0xF7)
    }
}
