extension Term: Codable {
    /// Through ``TermEncoder`` the term is written unchanged; other encoders have no form for a
    /// term and throw `EncodingError.invalidValue`.
    public func encode(to encoder: any Encoder) throws {
        guard try encodeBridged(to: encoder) else {
            let message = "only TermEncoder can encode a Term"
            throw EncodingError.invalidValue(self, EncodingError.Context(codingPath: encoder.codingPath, debugDescription: message))
        }
    }

    /// Through ``TermDecoder`` any term is read unchanged; other decoders throw `DecodingError.typeMismatch`.
    public init(from decoder: any Decoder) throws {
        guard let term = try Self.decodeBridged(from: decoder) else {
            let message = "only TermDecoder can decode a Term"
            throw DecodingError.typeMismatch(Term.self, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: message))
        }
        self = term
    }
}

extension Atom: Codable {
    /// An atom through ``TermEncoder``; the name as a string through other encoders.
    public func encode(to encoder: any Encoder) throws {
        guard try encodeBridged(to: encoder) else {
            var container = encoder.singleValueContainer()
            try container.encode(name)
            return
        }
    }

    /// An atom through ``TermDecoder`` (a string is not an atom there); a string through other decoders.
    public init(from decoder: any Decoder) throws {
        if let atom = try Self.decodeBridged(from: decoder) {
            self = atom
        } else {
            self = Atom(try decoder.singleValueContainer().decode(String.self))
        }
    }
}

extension BigInteger: Codable {
    /// An integer term through ``TermEncoder``; decimal text through other encoders, which have
    /// no integers wider than 64 bits.
    public func encode(to encoder: any Encoder) throws {
        guard try encodeBridged(to: encoder) else {
            var container = encoder.singleValueContainer()
            try container.encode(description)
            return
        }
    }

    /// An integer term through ``TermDecoder``; decimal text through other decoders.
    public init(from decoder: any Decoder) throws {
        if let value = try Self.decodeBridged(from: decoder) {
            self = value
            return
        }
        let container = try decoder.singleValueContainer()
        guard let value = BigInteger(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a decimal integer")
        }
        self = value
    }
}
