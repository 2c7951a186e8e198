/// Decodes `Decodable` Swift values from Erlang terms, as `JSONDecoder` decodes them from JSON.
///
/// Reading is lenient where Erlang and Elixir differ: a struct reads from a map with atom or binary
/// keys or from a keyword list (or from a tuple, for the positional layouts), a string from a
/// binary, a charlist or an atom, `nil` from `nil`, `undefined` or an absent key, a `Double` from a
/// float or an integer, and an array from a list or a tuple. Errors are ``ErlangTermError``s with
/// code ``ErlangTermError/Code/typeMismatch`` whose detail names the coding path:
/// `addresses[2].street: expected a binary, found 42`.
///
/// ```swift
/// let user = try TermDecoder().decode(User.self, from: term)
/// ```
public struct TermDecoder: Sendable {
    /// The layout expected for types with named fields, unless a type chooses its own; ``TermStructEncoding/map`` by default.
    public var structEncoding: TermStructEncoding
    /// The string form expected. Every form is read; with ``TermStringEncoding/atom`` the atoms
    /// `nil` and `undefined` read as strings rather than as missing values.
    public var stringEncoding: TermStringEncoding
    /// How coding keys become atoms, as the encoder converted them.
    public var keyEncoding: TermKeyEncoding
    /// Values for `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder matching a ``TermEncoder`` with the same settings.
    public init(
        structEncoding: TermStructEncoding = .map,
        stringEncoding: TermStringEncoding = .binary,
        keyEncoding: TermKeyEncoding = .useDefaultKeys,
        userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) {
        self.structEncoding = structEncoding
        self.stringEncoding = stringEncoding
        self.keyEncoding = keyEncoding
        self.userInfo = userInfo
    }

    /// Decodes a `T` from `term`.
    public func decode<T: Decodable>(_ type: T.Type, from term: Term) throws -> T {
        do {
            return try TermDecodingContext(self).unbox(type, from: term, at: [])
        } catch let error as DecodingError {
            throw ErlangTermError(bridging: error)
        }
    }

    /// Decodes a `T` from external term format bytes (starting with the version byte 131).
    public func decode<T: Decodable>(
        _ type: T.Type, fromETF bytes: [UInt8], with etfDecoder: ETFDecoder = ETFDecoder()
    ) throws -> T {
        try decode(type, from: try etfDecoder.decode(bytes))
    }
}
