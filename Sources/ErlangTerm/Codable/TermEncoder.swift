/// Encodes `Encodable` Swift values as Erlang terms, as `JSONEncoder` encodes them as JSON.
///
/// By default a struct becomes a map with atom keys, a string a UTF-8 binary (an Elixir string),
/// `nil` the atom `nil`, an array a list, a dictionary a map, `Bool` the atoms `true` and `false`,
/// and integers too wide for 64 bits big integers. ``Term``, ``Atom``, ``PID``, ``Port``,
/// ``Reference`` and ``BigInteger`` values are written as they are. A type can choose its own form
/// with ``TermCodingOptions``. Errors are ``ErlangTermError``s whose detail starts with the coding
/// path (`user.addresses[2].street: ...`).
///
/// ```swift
/// struct User: Codable { var name: String; var age: Int }
/// let term = try TermEncoder().encode(User(name: "Ada", age: 36))
/// // #{name => <<"Ada">>, age => 36}
/// ```
public struct TermEncoder: Sendable {
    /// The layout of types with named fields, unless a type chooses its own; ``TermStructEncoding/map`` by default.
    public var structEncoding: TermStructEncoding
    /// How strings are written; ``TermStringEncoding/binary`` by default.
    public var stringEncoding: TermStringEncoding
    /// The atom for `nil`; ``TermNilEncoding/nilAtom`` by default.
    public var nilEncoding: TermNilEncoding
    /// How byte collections (`[UInt8]`, `Data`) are written; ``TermBytesEncoding/binary`` by default.
    public var bytesEncoding: TermBytesEncoding
    /// How coding keys become atoms; ``TermKeyEncoding/useDefaultKeys`` by default.
    public var keyEncoding: TermKeyEncoding
    /// Values for `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder; the defaults suit Elixir (maps, binaries, `nil`).
    public init(
        structEncoding: TermStructEncoding = .map,
        stringEncoding: TermStringEncoding = .binary,
        nilEncoding: TermNilEncoding = .nilAtom,
        bytesEncoding: TermBytesEncoding = .binary,
        keyEncoding: TermKeyEncoding = .useDefaultKeys,
        userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) {
        self.structEncoding = structEncoding
        self.stringEncoding = stringEncoding
        self.nilEncoding = nilEncoding
        self.bytesEncoding = bytesEncoding
        self.keyEncoding = keyEncoding
        self.userInfo = userInfo
    }

    /// Encodes `value` as a term.
    public func encode<T: Encodable>(_ value: T) throws -> Term {
        do {
            return try TermEncodingContext(self).box(value, at: [])
        } catch let error as EncodingError {
            throw ErlangTermError(bridging: error)
        }
    }

    /// Encodes `value` in the external term format, as `term_to_binary/2` would write its term.
    public func encodeToETF<T: Encodable>(_ value: T, with etfEncoder: ETFEncoder = ETFEncoder()) throws -> [UInt8] {
        try etfEncoder.encode(try encode(value))
    }
}
