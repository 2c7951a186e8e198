/// The strategies in force while decoding one value: the decoder's, as the enclosing types'
/// ``TermCodingOptions`` have overridden them.
struct TermDecodingContext {
    /// The layout expected for the current type's keyed containers.
    var structEncoding: TermStructEncoding
    /// The decoder's layout, for types that choose none.
    let defaultStructEncoding: TermStructEncoding
    /// The string form expected here (inherited); it decides whether `nil` is a string.
    var stringEncoding: TermStringEncoding
    /// How coding keys become atoms.
    let keyEncoding: TermKeyEncoding
    /// The decoder's user info.
    let userInfo: [CodingUserInfoKey: Any]

    init(_ decoder: TermDecoder) {
        structEncoding = decoder.structEncoding
        defaultStructEncoding = decoder.structEncoding
        stringEncoding = decoder.stringEncoding
        keyEncoding = decoder.keyEncoding
        userInfo = decoder.userInfo
    }

    /// The context for a value of `type` decoded inside a value decoded with this one.
    func entering<T>(_ type: T.Type) -> TermDecodingContext {
        let options = type as? any TermCodingOptions.Type
        var context = self
        context.structEncoding = options?.termStructEncoding ?? defaultStructEncoding
        context.stringEncoding = options?.termStringEncoding ?? stringEncoding
        return context
    }

    /// Decodes a `T` from `term`, found at `path`.
    func unbox<T: Decodable>(_ type: T.Type, from term: Term, at path: [any CodingKey]) throws -> T {
        if let bridged = T.self as? any TermBridgedDecodable.Type {
            return try Self.cast(bridged.init(bridging: term, in: self, at: path), at: path)
        }
        if let collection = T.self as? any RangeReplaceableCollection<UInt8>.Type {
            return try Self.cast(Self.collect(try bytes(from: term, at: path), as: collection), at: path)
        }
        return try T(from: TermValueDecoder(term: term, context: entering(T.self), codingPath: path))
    }

    private static func collect<Bytes: RangeReplaceableCollection<UInt8>>(_ bytes: [UInt8], as type: Bytes.Type) -> Bytes {
        Bytes(bytes)
    }

    private static func cast<T>(_ value: Any, at path: [any CodingKey]) throws -> T {
        // Cannot fail: the value was made by T's own metatype, only seen as an existential.
        guard let value = value as? T else { throw ErlangTermError.coding(at: path, "cannot read a \(T.self)") }
        return value
    }
}
