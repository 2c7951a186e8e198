/// What an encoder or container slot holds until the whole value is encoded: nested containers
/// stay open (a type may write to them after returning them), so they become terms at the end.
enum EncodedValue {
    /// A finished term.
    case term(Term)
    /// An open keyed container.
    case keyed(KeyedTermStorage)
    /// An open unkeyed container.
    case unkeyed(UnkeyedTermStorage)
    /// A `superEncoder()`'s encoder.
    case encoder(TermValueEncoder)

    /// The finished term.
    func term() throws -> Term {
        switch self {
        case .term(let term): return term
        case .keyed(let storage): return try storage.term()
        case .unkeyed(let storage): return try storage.term()
        case .encoder(let encoder): return try encoder.finish()
        }
    }
}

/// The fields of a keyed container, in the order they were first written.
final class KeyedTermStorage {
    /// How the fields become a term.
    let layout: TermStructEncoding
    private var fields: [(name: String, value: EncodedValue)] = []
    private var positions: [String: Int] = [:]

    init(layout: TermStructEncoding) {
        self.layout = layout
    }

    /// Sets a field; writing a field again replaces its value and keeps its place.
    func set(_ value: EncodedValue, for name: String) {
        if let position = positions[name] {
            fields[position].value = value
        } else {
            positions[name] = fields.count
            fields.append((name, value))
        }
    }

    /// The fields as the layout writes them.
    func term() throws -> Term {
        let named = try fields.map { (name: Atom($0.name), value: try $0.value.term()) }
        switch layout {
        case .map:
            return .map(TermMap(named.map { (.atom($0.name), $0.value) }))
        case .elixirStruct:
            let module = layout.structModule.map { [(Term.atom("__struct__"), Term.atom($0))] } ?? []
            return .map(TermMap(module + named.map { (.atom($0.name), $0.value) }))
        case .keywordList:
            return .list(named.map { .pair(.atom($0.name), $0.value) })
        case .tuple:
            return .tuple(named.map(\.value))
        case .record(let tag):
            return .tuple([.atom(tag)] + named.map(\.value))
        }
    }
}

/// The elements of an unkeyed container.
final class UnkeyedTermStorage {
    private(set) var elements: [EncodedValue] = []

    /// Appends an element.
    func append(_ value: EncodedValue) {
        elements.append(value)
    }

    /// The elements as a proper list.
    func term() throws -> Term {
        .list(try elements.map { try $0.term() })
    }
}
