/// A type with a fixed term form that ``TermEncoder`` writes directly instead of calling
/// `encode(to:)`: numbers, strings, `Bool`, terms, identifiers and dictionaries.
protocol TermBridgedEncodable: Encodable {
    /// The value's term.
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term
}

/// A type that ``TermDecoder`` reads directly from its fixed term form instead of calling
/// `init(from:)`.
protocol TermBridgedDecodable: Decodable {
    /// Reads the value from `term`, found at `path`.
    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws
}

extension TermBridgedEncodable {
    /// Writes the term when `encoder` is the bridge's; false for any other encoder. This serves
    /// code that calls `encode(to:)` itself instead of going through a container.
    func encodeBridged(to encoder: any Encoder) throws -> Bool {
        guard let termEncoder = encoder as? TermValueEncoder else { return false }
        termEncoder.value = .term(try bridgedTerm(in: termEncoder.context, at: termEncoder.codingPath))
        return true
    }
}

extension TermBridgedDecodable {
    /// Reads the value when `decoder` is the bridge's; nil for any other decoder.
    static func decodeBridged(from decoder: any Decoder) throws -> Self? {
        guard let termDecoder = decoder as? TermValueDecoder else { return nil }
        return try Self(bridging: termDecoder.term, in: termDecoder.context, at: termDecoder.codingPath)
    }
}
