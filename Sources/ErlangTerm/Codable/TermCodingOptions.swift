/// A type that chooses its own term representation, overriding the strategies of ``TermEncoder``
/// and ``TermDecoder`` for its values.
///
/// The struct layout is a property of the type alone: a nested type uses its own
/// ``termStructEncoding`` or the coder's ``TermEncoder/structEncoding``, never its parent's. String
/// and nil encodings are inherited: they apply to everything inside the type's values, down to a
/// nested type that sets its own.
///
/// ```swift
/// struct User: Codable, TermCodingOptions {
///     static var termStructEncoding: TermStructEncoding? { .elixirStruct(module: "MyApp.User") }
///     var name: String
/// }
/// ```
public protocol TermCodingOptions {
    /// The layout of this type's fields, or nil to use the coder's.
    static var termStructEncoding: TermStructEncoding? { get }
    /// The encoding of strings inside this type's values, or nil to inherit it.
    static var termStringEncoding: TermStringEncoding? { get }
    /// The atom for `nil` inside this type's values, or nil to inherit it.
    static var termNilEncoding: TermNilEncoding? { get }
}

extension TermCodingOptions {
    /// The coder's layout.
    public static var termStructEncoding: TermStructEncoding? { nil }
    /// The inherited string encoding.
    public static var termStringEncoding: TermStringEncoding? { nil }
    /// The inherited nil encoding.
    public static var termNilEncoding: TermNilEncoding? { nil }
}

/// An enum with `String` raw values that travels as an atom: `enum Role: String, Codable,
/// TermAtomCodable { case admin, member }` encodes `.admin` as `admin`.
public protocol TermAtomCodable: TermCodingOptions, RawRepresentable where RawValue == String {}

extension TermAtomCodable {
    /// Strings, here the raw value, are atoms.
    public static var termStringEncoding: TermStringEncoding? { .atom }
}
