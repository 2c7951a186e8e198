/// A keyed container's fields as a term holds them: by name in a map or keyword list, by position
/// in a tuple or record.
enum TermKeyedFields {
    /// Fields by atom name (binary keys too); the first of two equal names wins, as `Keyword.get/2`.
    case named([String: Term], kind: String)
    /// Tuple elements after any record tag, handed out in the order keys are first asked for.
    case positional([Term], TermFieldPositions)

    /// Reads the fields of `term` as `layout` places them.
    init(_ term: Term, layout: TermStructEncoding, at path: [any CodingKey]) throws {
        switch (layout, term) {
        case (.tuple, .tuple(let elements)):
            self = .positional(elements, TermFieldPositions())
        case (.record(let tag), .tuple(let elements)) where elements.first == .atom(tag):
            self = .positional(Array(elements.dropFirst()), TermFieldPositions())
        case (.map, .map(let map)), (.elixirStruct, .map(let map)), (.keywordList, .map(let map)):
            try Self.checkModule(of: map, term, layout: layout, at: path)
            self = .named(Self.fields(map.entries.map { ($0.key, $0.value) }), kind: "map")
        case (.map, _), (.elixirStruct, _), (.keywordList, _):
            guard let pairs = Self.pairs(term) else { throw Self.mismatch(term, layout: layout, at: path) }
            self = .named(Self.fields(pairs), kind: "keyword list")
        default:
            throw Self.mismatch(term, layout: layout, at: path)
        }
    }

    /// The value of the field `name`, if the term has it.
    func value(for name: String) -> Term? {
        switch self {
        case .named(let fields, _):
            return fields[name]
        case .positional(let elements, let positions):
            let position = positions.position(of: name)
            return position < elements.count ? elements[position] : nil
        }
    }

    /// The names the term has: every key of a map, the positions handed out so far of a tuple.
    var names: [String] {
        switch self {
        case .named(let fields, _): return Array(fields.keys)
        case .positional(let elements, let positions): return Array(positions.names.prefix(elements.count))
        }
    }

    /// The error for a field the term lacks.
    func missing(at path: [any CodingKey], name: String) -> ErlangTermError {
        switch self {
        case .named(_, let kind):
            return ErlangTermError.coding(at: path, "missing: the \(kind) has no key \(name)")
        case .positional(let elements, _):
            return ErlangTermError.coding(at: path, "missing: the tuple has only \(Term.counted(elements.count, "field"))")
        }
    }

    private static func fields(_ pairs: [(Term, Term)]) -> [String: Term] {
        var fields: [String: Term] = [:]
        for (key, value) in pairs {
            guard let name = fieldName(key), fields[name] == nil else { continue }
            fields[name] = value
        }
        return fields
    }

    private static func fieldName(_ key: Term) -> String? {
        switch key {
        case .atom(let atom): return atom.name
        case .binary(let bytes):
            let name = String(decoding: bytes, as: UTF8.self)
            return name.utf8.elementsEqual(bytes) ? name : nil
        default: return nil
        }
    }

    /// The `{Key, Value}` pairs of a keyword list or proplist; nil if `term` is not one.
    private static func pairs(_ term: Term) -> [(Term, Term)]? {
        guard let elements = term.listElements else { return nil }
        var pairs: [(Term, Term)] = []
        for element in elements {
            guard case .tuple(let pair) = element, pair.count == 2 else { return nil }
            pairs.append((pair[0], pair[1]))
        }
        return pairs
    }

    /// An Elixir struct of another module is refused; a plain map is accepted.
    private static func checkModule(of map: TermMap, _ term: Term, layout: TermStructEncoding, at path: [any CodingKey]) throws {
        guard let module = layout.structModule, let found = map[.atom("__struct__")], found != .atom(module) else { return }
        throw mismatch(term, layout: layout, at: path)
    }

    private static func mismatch(_ term: Term, layout: TermStructEncoding, at path: [any CodingKey]) -> ErlangTermError {
        let expected: String
        switch layout {
        case .map: expected = "a map"
        case .elixirStruct: expected = "a %\(layout.structModule?.name ?? ""){} struct"
        case .keywordList: expected = "a keyword list"
        case .tuple: expected = "a tuple"
        case .record(let tag): expected = "a \(tag.name) record"
        }
        return ErlangTermError.mismatch(at: path, expected: expected, found: term)
    }
}

/// The positions of a tuple's fields, given to names in the order a type first asks for them,
/// which for synthesized `Decodable` is declaration order, the order `Encodable` wrote them in.
final class TermFieldPositions {
    private(set) var names: [String] = []
    private var positions: [String: Int] = [:]

    /// The position of `name`, assigning the next one on first use.
    func position(of name: String) -> Int {
        if let position = positions[name] { return position }
        positions[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
