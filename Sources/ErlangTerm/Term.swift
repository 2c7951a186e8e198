/// An Erlang term, lossless with respect to the external term format.
///
/// Integers that fit 64 bits are `.integer`; larger ones are `.bigInteger` (never both for one
/// value). A list of bytes read from `STRING_EXT` stays `.string`, so it re-encodes as it came, yet it
/// is equal to the same `.list` of integers (Erlang has no string type). `[]` is `.list([])`.
///
/// `==` is Erlang's exact equality (`=:=`); ``Term/compare(_:_:)`` and ``Term/isEqual(to:)``
/// give Erlang's arithmetic comparison (`1 == 1.0`). `<` is the standard term order with
/// integers before floats of equal value, the order OTP uses for map keys.
public enum Term: Sendable {
    /// An integer that fits in 64 bits.
    case integer(Int)
    /// An integer outside the 64-bit range.
    case bigInteger(BigInteger)
    /// A finite double.
    case float(Double)
    /// An atom; `true`, `false` and Elixir's `nil` are atoms too.
    case atom(Atom)
    /// A binary: a whole number of bytes.
    case binary([UInt8])
    /// A bitstring whose last byte holds `bits` (1 to 7) significant high bits; unused low bits are zero.
    case bitstring([UInt8], bits: UInt8)
    /// A tuple.
    case tuple([Term])
    /// A proper list; `.list([])` is `[]` (NIL).
    case list([Term])
    /// An improper list `[E1, ..., En | Tail]` with at least one element and a tail that is not a list.
    indirect case improperList([Term], tail: Term)
    /// A list of bytes as `STRING_EXT` carries it (a charlist).
    case string([UInt8])
    /// A map.
    case map(TermMap)
    /// A process identifier.
    case pid(PID)
    /// A port identifier.
    case port(Port)
    /// A reference.
    case reference(Reference)
    /// A fun (export or closure).
    indirect case fun(Fun)
    /// An opaque `LOCAL_EXT` term (OTP 26+), kept as the bytes after its tag.
    case local(LocalTerm)
}

/// The bytes of a `LOCAL_EXT` term: only the runtime that wrote them can read them, so Swerl keeps
/// them as they are and writes them back unchanged.
public struct LocalTerm: Sendable, Hashable {
    /// The bytes that followed the `LOCAL_EXT` tag.
    public var bytes: [UInt8]

    /// Wraps the bytes that follow a `LOCAL_EXT` tag.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

extension Term {
    /// `[]`.
    public static let emptyList = Term.list([])
    /// The atom `true`.
    public static let `true` = Term.atom(.true)
    /// The atom `false`.
    public static let `false` = Term.atom(.false)
    /// The atom `ok`.
    public static let ok = Term.atom(.ok)
    /// The atom `undefined`.
    public static let undefined = Term.atom(.undefined)

    /// An integer term of any size: `.integer` when it fits 64 bits, `.bigInteger` otherwise.
    public init(_ value: BigInteger) {
        if let small = value.int64Value {
            self = .integer(Int(small))
        } else {
            self = .bigInteger(value)
        }
    }

    /// A binary holding the UTF-8 bytes of `text` (an Elixir string).
    public static func utf8(_ text: String) -> Term {
        .binary(Array(text.utf8))
    }

    /// A bitstring of `bitCount` bits taken from the high bits of `bytes`; whole bytes give a `.binary`.
    public static func bitstring(bytes: [UInt8], bitCount: Int) -> Term {
        let tail = UInt8(bitCount % 8)
        let byteCount = (bitCount + 7) / 8
        var data = Array(bytes.prefix(byteCount))
        if tail == 0 { return .binary(data) }
        data[byteCount - 1] &= UInt8(0xFF) << (8 - tail)
        return .bitstring(data, bits: tail)
    }

    /// A list `[E1, ..., En | Tail]`, normalised: a list tail is spliced in, an empty prefix gives the tail itself.
    public static func list(_ elements: [Term], tail: Term) -> Term {
        switch tail {
        case .list(let rest):
            return .list(elements + rest)
        case .string(let bytes):
            return .list(elements + bytes.map { .integer(Int($0)) })
        case .improperList(let rest, let innerTail):
            return .improperList(elements + rest, tail: innerTail)
        default:
            return elements.isEmpty ? tail : .improperList(elements, tail: tail)
        }
    }

    /// A proplist/keyword entry `{Key, Value}`.
    public static func pair(_ key: Term, _ value: Term) -> Term {
        .tuple([key, value])
    }
}

extension Term: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral {
    /// An integer literal.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A float literal.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A proper list literal.
    public init(arrayLiteral elements: Term...) { self = .list(elements) }
}

extension Term {
    /// The elements of a proper list (including a `.string`), or nil for anything else.
    public var listElements: [Term]? {
        switch self {
        case .list(let elements): return elements
        case .string(let bytes): return bytes.map { .integer(Int($0)) }
        default: return nil
        }
    }

    /// The atom, if this term is one.
    public var atomValue: Atom? {
        if case .atom(let atom) = self { return atom }
        return nil
    }

    /// The integer, if this term is an integer that fits 64 bits.
    public var intValue: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The bytes of a binary.
    public var binaryValue: [UInt8]? {
        if case .binary(let bytes) = self { return bytes }
        return nil
    }

    /// The elements of a tuple.
    public var tupleElements: [Term]? {
        if case .tuple(let elements) = self { return elements }
        return nil
    }

    /// The pid, if this term is one.
    public var pidValue: PID? {
        if case .pid(let pid) = self { return pid }
        return nil
    }
}
