/// How ``TermEncoder`` writes a `String`.
public enum TermStringEncoding: Sendable, Hashable {
    /// A UTF-8 binary, an Elixir string: `<<"héllo"/utf8>>`, in Elixir `"héllo"`.
    case binary
    /// A list of Unicode code points, an Erlang string or Elixir charlist: `"héllo"`, in Elixir `'héllo'`.
    case charlist
    /// An atom; for enums with `String` raw values that stand for Erlang atoms (see ``TermAtomCodable``).
    case atom
}

/// Which atom ``TermEncoder`` writes for `nil`; ``TermDecoder`` reads both as `nil`.
public enum TermNilEncoding: Sendable, Hashable {
    /// `nil`, Elixir's null.
    case nilAtom
    /// `undefined`, the Erlang convention (as in records and `proplists:get_value/2`).
    case undefined

    /// The atom written.
    var atom: Atom {
        switch self {
        case .nilAtom: return .nil
        case .undefined: return .undefined
        }
    }
}

/// How ``TermEncoder`` writes byte collections: `[UInt8]`, `ContiguousArray<UInt8>`, Foundation's
/// `Data` and any other `Codable` `RangeReplaceableCollection` of `UInt8`.
public enum TermBytesEncoding: Sendable, Hashable {
    /// A binary, as Erlang keeps bytes.
    case binary
    /// A list of integers 0 to 255.
    case list
}

/// How coding keys become atom names; ``TermEncoder`` and ``TermDecoder`` apply the same conversion.
public enum TermKeyEncoding: Sendable, Hashable {
    /// The key's `stringValue` as it is.
    case useDefaultKeys
    /// `firstName` becomes `first_name`, `homeURL` becomes `home_url`, as Erlang and Elixir name fields.
    case convertToSnakeCase
}

extension TermNilEncoding {
    /// The term for `nil`.
    var term: Term { .atom(atom) }

    /// Whether `term` is one of the atoms read as `nil`.
    static func isNil(_ term: Term) -> Bool {
        term == .atom(.nil) || term == .atom(.undefined)
    }
}
