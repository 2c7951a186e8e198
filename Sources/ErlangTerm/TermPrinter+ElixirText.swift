extension TermPrinter {
    /// Text between `quote`s, escaped as Elixir 1.14's Code.Identifier.escape does (`#{` too, so
    /// the text never interpolates when read back).
    static func elixirQuoted(_ scalars: some Sequence<Unicode.Scalar>, quote: Character) -> String {
        var text = String(quote)
        var previousWasHash = false
        for scalar in scalars {
            if previousWasHash, scalar == "{" { text.insert("\\", at: text.index(before: text.endIndex)) }
            previousWasHash = scalar == "#"
            text += elixirEscape(scalar, quote: quote)
        }
        text.append(quote)
        return text
    }

    // Code.Identifier.escape_map and escape_char: named escapes, `\0`, `\uFEFF`, and hex for the rest.
    private static func elixirEscape(_ scalar: Unicode.Scalar, quote: Character) -> String {
        if Character(scalar) == quote { return "\\" + String(scalar) }
        switch scalar.value {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x7F: return "\\d"
        case 0x1B: return "\\e"
        case 0x0C: return "\\f"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x0B: return "\\v"
        case 0x5C: return "\\\\"
        case 0x00: return "\\0"
        case 0xFEFF: return "\\uFEFF"
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...: return String(scalar)
        case ..<0x100: return "\\x" + hex(scalar.value, width: 2)
        default: return "\\x{" + hex(scalar.value, width: 4) + "}"
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
