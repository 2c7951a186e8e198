/// Reads a type's named fields from a map, keyword list, tuple or record.
struct TermKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: TermKeyedFields
    let context: TermDecodingContext
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        fields.names.compactMap { context.keyEncoding.key(named: $0, as: Key.self) }
    }

    func contains(_ key: Key) -> Bool {
        fields.value(for: name(key)) != nil
    }

    /// True for `nil`, `undefined` and an absent key, so optionals read all three as `nil`.
    func decodeNil(forKey key: Key) throws -> Bool {
        fields.value(for: name(key)).map(TermNilEncoding.isNil) ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try value(type, key)
    }

    /// Reads one field.
    func value<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try context.unbox(T.self, from: try required(key), at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        var nested = context
        nested.structEncoding = context.structEncoding.nested
        let path = codingPath + [key]
        let nestedFields = try TermKeyedFields(try required(key), layout: nested.structEncoding, at: path)
        let container = TermKeyedDecodingContainer<NestedKey>(fields: nestedFields, context: nested, codingPath: path)
        return KeyedDecodingContainer(container)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TermUnkeyedDecodingContainer(try required(key), context: context, codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        let key = TermCodingKey.super
        guard let term = fields.value(for: key.stringValue) else {
            throw fields.missing(at: codingPath + [key], name: key.stringValue)
        }
        return TermValueDecoder(term: term, context: context, codingPath: codingPath + [key])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TermValueDecoder(term: try required(key), context: context, codingPath: codingPath + [key])
    }

    private func name(_ key: Key) -> String {
        context.keyEncoding.name(for: key)
    }

    private func required(_ key: Key) throws -> Term {
        guard let term = fields.value(for: name(key)) else {
            throw fields.missing(at: codingPath + [key], name: name(key))
        }
        return term
    }
}
