/// Writes a sequence's elements into an ``UnkeyedTermStorage``, which becomes a list.
struct TermUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let storage: UnkeyedTermStorage
    let context: TermEncodingContext
    let codingPath: [any CodingKey]

    var count: Int { storage.elements.count }

    mutating func encodeNil() throws {
        storage.append(.term(context.nilEncoding.term))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try append(value)
    }

    /// Appends one element.
    func append<T: Encodable>(_ value: T) throws {
        let term = try context.box(value, at: codingPath + [nextKey])
        storage.append(.term(term))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = KeyedTermStorage(layout: context.structEncoding.nested)
        let path = codingPath + [nextKey]
        storage.append(.keyed(nested))
        return KeyedEncodingContainer(TermKeyedEncodingContainer<NestedKey>(storage: nested, context: context, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = UnkeyedTermStorage()
        let path = codingPath + [nextKey]
        storage.append(.unkeyed(nested))
        return TermUnkeyedEncodingContainer(storage: nested, context: context, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = TermValueEncoder(context: context, codingPath: codingPath + [nextKey])
        storage.append(.encoder(encoder))
        return encoder
    }

    private var nextKey: TermCodingKey { TermCodingKey(index: count) }
}
