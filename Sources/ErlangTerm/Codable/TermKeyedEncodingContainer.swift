/// Writes a type's named fields into a ``KeyedTermStorage``.
struct TermKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: KeyedTermStorage
    let context: TermEncodingContext
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        storage.set(.term(context.nilEncoding.term), for: context.keyEncoding.name(for: key))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try put(value, key)
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        try putIfPresent(value, key)
    }

    /// Writes one field.
    func put<T: Encodable>(_ value: T, _ key: Key) throws {
        let term = try context.box(value, at: codingPath + [key])
        storage.set(.term(term), for: context.keyEncoding.name(for: key))
    }

    /// Writes `nil` rather than leaving the field out: a tuple must keep its positions and an
    /// Elixir struct must have every key.
    func putIfPresent<T: Encodable>(_ value: T?, _ key: Key) throws {
        guard let value else {
            storage.set(.term(context.nilEncoding.term), for: context.keyEncoding.name(for: key))
            return
        }
        try put(value, key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = KeyedTermStorage(layout: storage.layout.nested)
        storage.set(.keyed(nested), for: context.keyEncoding.name(for: key))
        let container = TermKeyedEncodingContainer<NestedKey>(storage: nested, context: context, codingPath: codingPath + [key])
        return KeyedEncodingContainer(container)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = UnkeyedTermStorage()
        storage.set(.unkeyed(nested), for: context.keyEncoding.name(for: key))
        return TermUnkeyedEncodingContainer(storage: nested, context: context, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(at: TermCodingKey.super, named: TermCodingKey.super.stringValue)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(at: key, named: context.keyEncoding.name(for: key))
    }

    private func superEncoder(at key: any CodingKey, named name: String) -> any Encoder {
        let encoder = TermValueEncoder(context: context, codingPath: codingPath + [key])
        storage.set(.encoder(encoder), for: name)
        return encoder
    }
}
