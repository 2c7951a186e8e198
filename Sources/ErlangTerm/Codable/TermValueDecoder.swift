/// The `Decoder` that ``TermDecoder`` hands to `init(from:)`: one term and where it was found.
struct TermValueDecoder: Decoder {
    let term: Term
    let context: TermDecodingContext
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let fields = try TermKeyedFields(term, layout: context.structEncoding, at: codingPath)
        return KeyedDecodingContainer(TermKeyedDecodingContainer<Key>(fields: fields, context: context, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try TermUnkeyedDecodingContainer(term, context: context, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TermSingleValueDecodingContainer(term: term, context: context, codingPath: codingPath)
    }
}
