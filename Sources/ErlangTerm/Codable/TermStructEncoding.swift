/// How a Swift value with named fields (a struct, a class, the payload of an enum case) is written
/// as a term by ``TermEncoder`` and expected by ``TermDecoder``.
///
/// Field names are the coding keys, as atoms (after ``TermKeyEncoding`` conversion). The positional
/// forms, ``tuple`` and ``record(tag:)``, place fields in the order the type encodes them, which
/// for synthesized `Codable` is declaration order; decoding assigns positions in the order the
/// type first asks for its keys, which is the same order.
public enum TermStructEncoding: Sendable, Hashable {
    /// A map with atom keys: `#{name => <<"Ada">>, age => 36}`, in Elixir `%{name: "Ada", age: 36}`.
    case map
    /// An Elixir struct: a map with atom keys plus `__struct__ => 'Elixir.MyApp.User'`.
    ///
    /// `module` may be given with or without the `Elixir.` prefix (`"MyApp.User"` or
    /// `"Elixir.MyApp.User"`).
    case elixirStruct(module: String)
    /// A keyword list with atom keys: `[{name, <<"Ada">>}, {age, 36}]`, in Elixir `[name: "Ada", age: 36]`.
    case keywordList
    /// A tuple of the field values: `{<<"Ada">>, 36}`.
    case tuple
    /// A tuple led by a tag atom, as an Erlang `-record(user, {name, age})` is: `{user, <<"Ada">>, 36}`.
    case record(tag: Atom)
}

extension TermStructEncoding {
    /// The `__struct__` value of an Elixir struct: the module atom with its `Elixir.` prefix.
    var structModule: Atom? {
        guard case .elixirStruct(let module) = self else { return nil }
        return Atom(module.hasPrefix("Elixir.") ? module : "Elixir." + module)
    }

    /// Whether fields are placed by position rather than named.
    var isPositional: Bool {
        switch self {
        case .tuple, .record: return true
        case .map, .elixirStruct, .keywordList: return false
        }
    }

    /// The layout of a keyed container a type opens inside its own (an enum case's payload, say):
    /// the same shape without the module or tag, which belong to the type, not to the nested part.
    var nested: TermStructEncoding {
        switch self {
        case .elixirStruct: return .map
        case .record: return .tuple
        case .map, .keywordList, .tuple: return self
        }
    }
}
