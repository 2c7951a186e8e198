extension TermLexer {
    // erl_scan.erl, scan_number: digits with `_` between them, then `.digits[e[±]digits]` for a
    // float or `#digits` for an integer in base 2 to 36.
    mutating func number() throws -> TermToken.Kind {
        let start = position
        let whole = digits(radix: 10)
        if peekCode() == 0x23 {
            return try basedInteger(base: whole, start: start)
        }
        guard peekCode() == 0x2E, let next = peekCode(1), (0x30...0x39).contains(next) else {
            return .integer(try integer(whole, radix: 10, at: start))
        }
        position += 1
        var text = whole + "." + digits(radix: 10)
        if let marker = peekCode(), marker == 0x65 || marker == 0x45 {
            text += try exponent()
        }
        guard let value = Double(text), value.isFinite else { throw error("float \(text) is out of range", at: start) }
        return .float(value)
    }

    private mutating func exponent() throws -> String {
        position += 1
        var text = "e"
        if let sign = peekCode(), sign == 0x2B || sign == 0x2D {
            text.unicodeScalars.append(scalars[position])
            position += 1
        }
        let exponentDigits = digits(radix: 10)
        guard !exponentDigits.isEmpty else { throw error("a float's exponent has no digits") }
        return text + exponentDigits
    }

    private mutating func basedInteger(base text: String, start: Int) throws -> TermToken.Kind {
        guard let base = Int(text), (2...36).contains(base) else {
            throw error("base \(text) is not 2 to 36", at: start)
        }
        position += 1
        let based = digits(radix: base)
        guard !based.isEmpty else { throw error("no digits after \(base)#", at: start) }
        return .integer(try integer(based, radix: base, at: start))
    }

    /// Digits of `radix` with single `_` separators between digits; returns them without the `_`.
    private mutating func digits(radix: Int) -> String {
        var text = ""
        while let code = peekCode() {
            if Self.digitValue(code, radix: radix) != nil {
                text.unicodeScalars.append(scalars[position])
                position += 1
            } else if code == 0x5F, !text.isEmpty, let next = peekCode(1), Self.digitValue(next, radix: radix) != nil {
                position += 1
            } else {
                break
            }
        }
        return text
    }

    private func integer(_ digits: String, radix: Int, at offset: Int) throws -> Term {
        if let small = Int(digits, radix: radix) { return .integer(small) }
        let magnitude = BigInteger.parseMagnitude(Substring(digits), radix: radix)
        guard magnitude.count <= ETFDecoder.Limits.default.maxBigIntegerBytes else {
            throw error("integer is wider than \(ETFDecoder.Limits.default.maxBigIntegerBytes) bytes", at: offset)
        }
        return Term(BigInteger(isNegative: false, magnitude: magnitude))
    }

    static func digitValue(_ code: UInt32, radix: Int) -> Int? {
        let value: Int
        switch code {
        case 0x30...0x39: value = Int(code) - 0x30
        case 0x41...0x5A: value = Int(code) - 0x41 + 10
        case 0x61...0x7A: value = Int(code) - 0x61 + 10
        default: return nil
        }
        return value < radix ? value : nil
    }

    // erl_scan.erl, scan_char: `$c` or `$\escape` is the character's code.
    mutating func character() throws -> TermToken.Kind {
        let start = position
        position += 1
        guard let code = peekCode() else { throw error("'$' at the end of the text", at: start) }
        position += 1
        let value = code == 0x5C ? try escape() : code
        guard Self.isCharacter(value) else { throw error("illegal character", at: start) }
        return .integer(.integer(Int(value)))
    }

    /// The characters between `quote`s, escapes resolved; the opening quote is at `position`.
    mutating func quoted(quote: UInt32) throws -> [UInt32] {
        let start = position
        position += 1
        var codes: [UInt32] = []
        while let code = peekCode() {
            let offset = position
            position += 1
            if code == quote { return codes }
            let value = code == 0x5C ? try escape() : code
            guard Self.isCharacter(value) else { throw error("illegal character", at: offset) }
            codes.append(value)
        }
        throw error("unterminated \(quote == 0x22 ? "string" : "quoted atom")", at: start)
    }

    // erl_scan.erl, scan_escape: octal (1 to 3 digits), \xHH, \x{H...}, \^C, named escapes, and
    // any other character standing for itself.
    private mutating func escape() throws -> UInt32 {
        guard let code = peekCode() else { throw error("unterminated escape sequence") }
        position += 1
        switch code {
        case 0x30...0x37: return octalEscape(first: code)
        case 0x78: return try hexEscape()
        case 0x5E:
            guard let control = peekCode() else { throw error("unterminated escape sequence") }
            position += 1
            return control & 31
        default: return Self.namedEscapes[code] ?? code
        }
    }

    private mutating func octalEscape(first: UInt32) -> UInt32 {
        var value = first - 0x30
        for _ in 0..<2 {
            guard let digit = peekCode(), (0x30...0x37).contains(digit) else { break }
            value = value * 8 + digit - 0x30
            position += 1
        }
        return value
    }

    private mutating func hexEscape() throws -> UInt32 {
        let start = position - 2
        var text = ""
        if peekCode() == 0x7B {
            position += 1
            while let code = peekCode(), code != 0x7D {
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard peekCode() == 0x7D else { throw error("unterminated \\x{...} escape", at: start) }
            position += 1
        } else {
            for _ in 0..<2 {
                guard let code = peekCode(), Self.digitValue(code, radix: 16) != nil else { break }
                text.unicodeScalars.append(scalars[position])
                position += 1
            }
            guard text.count == 2 else { throw error("\\x needs two hex digits or {...}", at: start) }
        }
        guard let value = UInt32(text, radix: 16), value <= 0x10FFFF else {
            throw error("\\x{\(text)} is not a character", at: start)
        }
        return value
    }

    // erl_scan.erl, ?UNICODE: what a string, quoted atom or `$` may hold; no surrogates, U+FFFE or U+FFFF.
    static func isCharacter(_ code: UInt32) -> Bool {
        code < 0xD800 || (0xDFFF < code && code < 0xFFFE) || (0xFFFF < code && code <= 0x10FFFF)
    }

    // erl_scan.erl, escape_char.
    private static let namedEscapes: [UInt32: UInt32] = [
        0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09, 0x76: 0x0B, 0x62: 0x08, 0x66: 0x0C, 0x65: 0x1B, 0x73: 0x20, 0x64: 0x7F,
    ]
}
