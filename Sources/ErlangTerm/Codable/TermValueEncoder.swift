/// The `Encoder` that ``TermEncoder`` hands to `encode(to:)`: it holds what one value wrote.
final class TermValueEncoder: Encoder {
    let context: TermEncodingContext
    let codingPath: [any CodingKey]
    /// What the value has written, if anything.
    var value: EncodedValue?

    init(context: TermEncodingContext, codingPath: [any CodingKey]) {
        self.context = context
        self.codingPath = codingPath
    }

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let storage: KeyedTermStorage
        // Asking twice gives the same container, as Foundation's encoders do.
        if case .keyed(let existing)? = value {
            storage = existing
        } else {
            storage = KeyedTermStorage(layout: context.structEncoding)
            value = .keyed(storage)
        }
        return KeyedEncodingContainer(TermKeyedEncodingContainer(storage: storage, context: context, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let storage: UnkeyedTermStorage
        if case .unkeyed(let existing)? = value {
            storage = existing
        } else {
            storage = UnkeyedTermStorage()
            value = .unkeyed(storage)
        }
        return TermUnkeyedEncodingContainer(storage: storage, context: context, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TermSingleValueEncodingContainer(encoder: self)
    }

    /// The term written; a value that wrote nothing is an empty keyed container in its layout.
    func finish() throws -> Term {
        try (value ?? .keyed(KeyedTermStorage(layout: context.structEncoding))).term()
    }
}
