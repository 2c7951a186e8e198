/// Reads one value from the whole term of its decoder.
struct TermSingleValueDecodingContainer: SingleValueDecodingContainer {
    let term: Term
    let context: TermDecodingContext
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        TermNilEncoding.isNil(term)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try value(type)
    }

    /// Reads the value.
    func value<T: Decodable>(_ type: T.Type) throws -> T {
        try context.unbox(T.self, from: term, at: codingPath)
    }
}
