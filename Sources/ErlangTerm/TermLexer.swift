/// One token of Erlang term text and the character offset where it starts.
struct TermToken: Equatable {
    enum Kind: Equatable {
        /// An integer or character literal, as `.integer` or `.bigInteger`.
        case integer(Term)
        case float(Double)
        case atom(String)
        /// The characters of a string literal.
        case string([UInt32])
        /// A name that starts with an uppercase letter or `_`; never part of a term.
        case variable(String)
        /// A reserved word such as `fun` or `when`.
        case keyword(String)
        /// Punctuation: `{ } [ ] | , # => << >> : / - +`.
        case symbol(String)
        /// The `.` that ends a form.
        case dot
        case end
    }

    var kind: Kind
    var offset: Int
}

/// Splits Erlang term text into tokens as erl_scan.erl does, over Unicode scalars (Erlang characters).
struct TermLexer {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    func peekCode(_ ahead: Int = 0) -> UInt32? {
        position + ahead < scalars.count ? scalars[position + ahead].value : nil
    }

    func error(_ detail: String, at offset: Int? = nil) -> ErlangTermError {
        ErlangTermError(.syntax, at: offset ?? position, detail)
    }

    mutating func next() throws -> TermToken {
        skipWhitespaceAndComments()
        let start = position
        guard let code = peekCode() else { return TermToken(kind: .end, offset: start) }
        let kind: TermToken.Kind
        switch code {
        case 0x30...0x39: kind = try number()
        case 0x24: kind = try character()
        case 0x22: kind = .string(try quoted(quote: 0x22))
        case 0x27: kind = try quotedAtom()
        case 0x2E: kind = try dot()
        default:
            if Self.isLowercaseStart(code) {
                kind = name(atomOrKeyword: true)
            } else if Self.isVariableStart(code) {
                kind = name(atomOrKeyword: false)
            } else {
                kind = try symbol()
            }
        }
        return TermToken(kind: kind, offset: start)
    }

    // erl_scan.erl, white space: characters up to $\s and from \200 to \240; `%` starts a comment.
    private mutating func skipWhitespaceAndComments() {
        while let code = peekCode() {
            if code <= 0x20 || (0x80...0xA0).contains(code) {
                position += 1
            } else if code == 0x25 {
                while let inner = peekCode(), inner != 0x0A { position += 1 }
            } else {
                return
            }
        }
    }

    // A dot ends the form only before white space, a comment or the end of the text.
    private mutating func dot() throws -> TermToken.Kind {
        position += 1
        guard let following = peekCode() else { return .dot }
        if following <= 0x20 || (0x80...0xA0).contains(following) || following == 0x25 { return .dot }
        throw error("unexpected '.'", at: position - 1)
    }

    private mutating func name(atomOrKeyword: Bool) -> TermToken.Kind {
        let start = position
        while let code = peekCode(), Self.isNameCharacter(code) { position += 1 }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[start..<position])
        guard atomOrKeyword else { return .variable(text) }
        return Self.reservedWords.contains(text) ? .keyword(text) : .atom(text)
    }

    private mutating func quotedAtom() throws -> TermToken.Kind {
        let start = position
        let codes = try quoted(quote: 0x27)
        guard codes.count <= Atom.maxCharacters else {
            throw error("atom of \(codes.count) characters is longer than \(Atom.maxCharacters)", at: start)
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: codes.compactMap(Unicode.Scalar.init))
        return .atom(text)
    }

    // The tokens erl_scan makes of punctuation: `<<`, `>>` and `=>` before their single characters.
    private mutating func symbol() throws -> TermToken.Kind {
        let scalar = scalars[position]
        let next: Unicode.Scalar = position + 1 < scalars.count ? scalars[position + 1] : " "
        switch (scalar, next) {
        case ("<", "<"), (">", ">"), ("=", ">"):
            position += 2
            return .symbol(String(scalar) + String(next))
        default: break
        }
        guard "{}[]|,#:/-+".unicodeScalars.contains(scalar) else { throw error("unexpected character '\(scalar)'") }
        position += 1
        return .symbol(String(scalar))
    }

    /// erl_scan.erl, f_reserved_word (OTP 25, where `maybe` and `else` are still plain atoms).
    static let reservedWords: Set<String> = [
        "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case", "catch",
        "cond", "div", "end", "fun", "if", "let", "not", "of", "or", "orelse", "receive", "rem", "try",
        "when", "xor",
    ]

    // a-z, and ß to ÿ without ÷.
    static func isLowercaseStart(_ code: UInt32) -> Bool {
        (0x61...0x7A).contains(code) || ((0xDF...0xFF).contains(code) && code != 0xF7)
    }

    // A-Z, À to Þ without ×, and `_`.
    static func isVariableStart(_ code: UInt32) -> Bool {
        (0x41...0x5A).contains(code) || ((0xC0...0xDE).contains(code) && code != 0xD7) || code == 0x5F
    }

    static func isNameCharacter(_ code: UInt32) -> Bool {
        isLowercaseStart(code) || isVariableStart(code) || (0x30...0x39).contains(code) || code == 0x40
    }
}
