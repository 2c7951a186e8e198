/// Writes one value as the whole term of its encoder.
struct TermSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: TermValueEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws {
        encoder.value = .term(encoder.context.nilEncoding.term)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try store(value)
    }

    /// Makes `value` the encoder's term.
    func store<T: Encodable>(_ value: T) throws {
        encoder.value = .term(try encoder.context.box(value, at: codingPath))
    }
}
