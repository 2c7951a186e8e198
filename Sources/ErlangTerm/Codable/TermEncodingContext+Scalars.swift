extension TermEncodingContext {
    /// A string as the context's ``TermStringEncoding`` writes it.
    func stringTerm(_ text: String, at path: [any CodingKey]) throws -> Term {
        switch stringEncoding {
        case .binary:
            return .binary(Array(text.utf8))
        case .charlist:
            return Self.charlist(text)
        case .atom:
            let length = text.unicodeScalars.count
            guard length <= Atom.maxCharacters else {
                let message = "an atom has at most \(Atom.maxCharacters) characters, this string has \(length)"
                throw ErlangTermError.coding(.unencodable, at: path, message)
            }
            return .atom(Atom(text))
        }
    }

    /// A float; the term model, like Erlang, has no NaN or infinity.
    func floatTerm(_ value: Double, at path: [any CodingKey]) throws -> Term {
        guard value.isFinite else {
            throw ErlangTermError.coding(.unencodable, at: path, "Erlang floats are finite, found \(value)")
        }
        return .float(value)
    }

    /// Bytes as the context's ``TermBytesEncoding`` writes them.
    func bytesTerm(_ bytes: [UInt8]) -> Term {
        switch bytesEncoding {
        case .binary: return .binary(bytes)
        case .list: return .list(bytes.map { .integer(Int($0)) })
        }
    }

    /// The code points of `text`; Latin-1 text becomes a `.string`, which ETF writes as `STRING_EXT`.
    private static func charlist(_ text: String) -> Term {
        let scalars = text.unicodeScalars
        if scalars.isEmpty { return .emptyList }
        if scalars.allSatisfy({ $0.value <= 0xFF }) {
            return .string(scalars.map { UInt8($0.value) })
        }
        return .list(scalars.map { .integer(Int($0.value)) })
    }
}

extension Term {
    /// An integer of any width: `.integer` when it fits, `.bigInteger` beyond.
    static func integer<Value: BinaryInteger>(exactly value: Value) -> Term {
        if let small = Int(exactly: value) { return .integer(small) }
        return .bigInteger(BigInteger(value))
    }
}

extension BigInteger {
    /// The value of any binary integer.
    init<Value: BinaryInteger>(_ value: Value) {
        var bytes: [UInt8] = []
        for word in value.magnitude.words {
            var rest = word
            for _ in 0..<MemoryLayout<UInt>.size {
                bytes.append(UInt8(truncatingIfNeeded: rest))
                rest >>= 8
            }
        }
        self.init(isNegative: value < 0, magnitude: bytes)
    }
}
