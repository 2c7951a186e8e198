/// An Erlang atom: a name of at most 255 characters.
///
/// The name is kept as Swift text; on the wire it is written as UTF-8 (`SMALL_ATOM_UTF8_EXT`
/// or `ATOM_UTF8_EXT`), or as Latin-1 `ATOM_EXT` when the encoder is asked for OTP 25's
/// `term_to_binary/1` defaults.
public struct Atom: Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The atom's text.
    public let name: String

    /// The largest number of characters an atom may have (`erl_atom_table.h`, `MAX_ATOM_CHARACTERS`).
    public static let maxCharacters = 255

    /// Creates an atom without checking its length; encoding a longer atom fails.
    public init(_ name: String) {
        self.name = name
    }

    /// Creates an atom from a string literal.
    public init(stringLiteral value: String) {
        self.name = value
    }

    /// The atom as Erlang prints it, quoted when needed.
    public var description: String { TermPrinter.erlang.atom(name) }

    /// `true`.
    public static let `true`: Atom = "true"
    /// `false`.
    public static let `false`: Atom = "false"
    /// `undefined`.
    public static let undefined: Atom = "undefined"
    /// `nil`, Elixir's null.
    public static let `nil`: Atom = "nil"
    /// `ok`.
    public static let ok: Atom = "ok"
    /// `error`.
    public static let error: Atom = "error"
    /// The node name of a node that is not distributed, `nonode@nohost`.
    public static let noNode: Atom = "nonode@nohost"
}

extension Atom: Hashable {
    /// Atoms are equal when their UTF-8 bytes are: Erlang has no notion of canonically equivalent
    /// text, so `'é'` as one code point and as `e` plus a combining accent are two atoms (Swift's
    /// `String ==` would call them equal).
    public static func == (lhs: Atom, rhs: Atom) -> Bool {
        lhs.name.utf8.elementsEqual(rhs.name.utf8)
    }

    /// Hashes the UTF-8 bytes, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name.utf8.count)
        for byte in name.utf8 { hasher.combine(byte) }
    }
}

extension Atom: Comparable {
    /// Atoms order by the bytes of their UTF-8 text, as `erts_cmp` compares atom names.
    public static func < (lhs: Atom, rhs: Atom) -> Bool {
        lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }
}
