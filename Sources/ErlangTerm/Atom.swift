#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        let left = lhs.name.utf8
        let right = rhs.name.utf8
        guard left.count == right.count else { return false }
        // Native strings hand out their bytes: one memcmp (or none, for the same storage) instead
        // of a byte-by-byte walk, which showed as 7 % of a peer's time in mailbox lookups by pid.
        let compared = left.withContiguousStorageIfAvailable { leftBytes in
            right.withContiguousStorageIfAvailable { rightBytes in
                leftBytes.baseAddress == rightBytes.baseAddress
                    || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0
            }
        }
        if let compared, let equal = compared { return equal }
        return left.elementsEqual(right)
    }

    /// Hashes the UTF-8 bytes, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        let utf8 = name.utf8
        hasher.combine(utf8.count)
        let hashed: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            Array(utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}

extension Atom: Comparable {
    /// Atoms order by the bytes of their UTF-8 text, as `erts_cmp` compares atom names.
    public static func < (lhs: Atom, rhs: Atom) -> Bool {
        lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
    }
}
