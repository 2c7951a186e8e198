extension TermPrinter {
    /// The characters of a list whose elements are all integers that are Unicode scalars, else nil.
    static func characters(_ elements: [Term]) -> [Unicode.Scalar]? {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let value) = element, let code = UInt32(exactly: value),
                let scalar = Unicode.Scalar(code)
            else { return nil }
            scalars.append(scalar)
        }
        return scalars
    }

    /// io_lib.erl, printable_latin1_list: visible ASCII and Latin-1, and the named control characters.
    static func isLatin1Printable(_ code: UInt32) -> Bool {
        (0x20...0x7E).contains(code) || (0xA0...0xFF).contains(code) || isNamedControl(code)
    }

    /// io_lib.erl, printable_unicode_list: as Latin-1, plus every scalar from U+00A0 except the
    /// noncharacters U+FFFE and U+FFFF (surrogates are not scalars).
    static func isUnicodePrintable(_ code: UInt32) -> Bool {
        (0x20...0x7E).contains(code) || (code >= 0xA0 && code != 0xFFFE && code != 0xFFFF) || isNamedControl(code)
    }

    // \n \r \t \v \b \f \e: the control characters io_lib counts as printable.
    private static func isNamedControl(_ code: UInt32) -> Bool {
        [0x0A, 0x0D, 0x09, 0x0B, 0x08, 0x0C, 0x1B].contains(code)
    }

    /// Text between `quote`s, escaped as io_lib:write_string does (`unicode_as_unicode`).
    static func erlangQuoted(_ scalars: some Sequence<Unicode.Scalar>, quote: Character) -> String {
        var text = String(quote)
        for scalar in scalars {
            text += erlangEscape(scalar, quote: quote)
        }
        text.append(quote)
        return text
    }

    // io_lib.erl, string_char: named escapes, then octal for the other characters below 160.
    private static func erlangEscape(_ scalar: Unicode.Scalar, quote: Character) -> String {
        let code = scalar.value
        if Character(scalar) == quote || scalar == "\\" { return "\\" + String(scalar) }
        if (0x20...0x7E).contains(code) || code >= 0xA0 { return String(scalar) }
        switch code {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x0B: return "\\v"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        case 0x1B: return "\\e"
        case 0x7F: return "\\d"
        default:
            let octal = String(code, radix: 8)
            return "\\" + String(repeating: "0", count: 3 - octal.count) + octal
        }
    }
}
