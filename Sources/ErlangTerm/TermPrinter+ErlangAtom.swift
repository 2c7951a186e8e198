extension TermPrinter {
    /// An atom as Erlang writes it: bare when it reads back as the same atom, else `'quoted'`.
    static func erlangAtom(_ name: String) -> String {
        needsErlangQuotes(name) ? erlangQuoted(name.unicodeScalars, quote: "'") : name
    }

    // io_lib.erl, quote_atom: a bare atom starts with a lowercase Latin-1 letter, goes on with
    // Latin-1 letters, digits, `_` and `@`, and is not a reserved word.
    private static func needsErlangQuotes(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLowercaseLatin1(first.value) else { return true }
        if erlangReservedWords.contains(name) { return true }
        return !name.unicodeScalars.dropFirst().allSatisfy { isErlangNameCharacter($0.value) }
    }

    /// erl_scan.erl, f_reserved_word, plus `maybe` and `else`: OTP 25 still reads those two bare,
    /// but OTP 27 enables the `maybe` feature (erl_features.erl), where they are keywords; quoted,
    /// they read back as the same atom on every release.
    static let erlangReservedWords: Set<String> = [
        "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case", "catch",
        "cond", "div", "end", "fun", "if", "let", "not", "of", "or", "orelse", "receive", "rem", "try",
        "when", "xor", "maybe", "else",
    ]

    // a-z, and ß to ÿ without ÷.
    private static func isLowercaseLatin1(_ code: UInt32) -> Bool {
        (0x61...0x7A).contains(code) || ((0xDF...0xFF).contains(code) && code != 0xF7)
    }

    // io_lib.erl, name_char: Latin-1 letters of both cases (without × and ÷), digits, `_`, `@`.
    private static func isErlangNameCharacter(_ code: UInt32) -> Bool {
        isLowercaseLatin1(code) || (0x41...0x5A).contains(code) || ((0xC0...0xDE).contains(code) && code != 0xD7)
            || (0x30...0x39).contains(code) || code == 0x5F || code == 0x40
    }
}
