/// The strategies in force while encoding one value: the encoder's, as the enclosing types'
/// ``TermCodingOptions`` have overridden them.
struct TermEncodingContext {
    /// The layout of the current type's keyed containers.
    var structEncoding: TermStructEncoding
    /// The encoder's layout, for types that choose none.
    let defaultStructEncoding: TermStructEncoding
    /// How strings are written here (inherited).
    var stringEncoding: TermStringEncoding
    /// How `nil` is written here (inherited).
    var nilEncoding: TermNilEncoding
    /// How byte collections are written.
    let bytesEncoding: TermBytesEncoding
    /// How coding keys become atoms.
    let keyEncoding: TermKeyEncoding
    /// The encoder's user info.
    let userInfo: [CodingUserInfoKey: Any]

    init(_ encoder: TermEncoder) {
        structEncoding = encoder.structEncoding
        defaultStructEncoding = encoder.structEncoding
        stringEncoding = encoder.stringEncoding
        nilEncoding = encoder.nilEncoding
        bytesEncoding = encoder.bytesEncoding
        keyEncoding = encoder.keyEncoding
        userInfo = encoder.userInfo
    }

    /// The context for a value of `type` encoded inside a value encoded with this one.
    func entering<T>(_ type: T.Type) -> TermEncodingContext {
        let options = type as? any TermCodingOptions.Type
        var context = self
        context.structEncoding = options?.termStructEncoding ?? defaultStructEncoding
        context.stringEncoding = options?.termStringEncoding ?? stringEncoding
        context.nilEncoding = options?.termNilEncoding ?? nilEncoding
        return context
    }

    /// Encodes `value`, found at `path`, to a term.
    func box<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> Term {
        // Terms, identifiers, numbers, strings and dictionaries have fixed forms, so they skip
        // `encode(to:)` (which would write a dictionary as a keyed container or an array of pairs).
        if let bridged = value as? any TermBridgedEncodable {
            return try bridged.bridgedTerm(in: self, at: path)
        }
        if let bytes = value as? any RangeReplaceableCollection<UInt8> {
            return bytesTerm(Array(bytes))
        }
        let encoder = TermValueEncoder(context: entering(T.self), codingPath: path)
        try value.encode(to: encoder)
        return try encoder.finish()
    }
}
