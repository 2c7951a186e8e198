/// Reads a sequence's elements from a list or a tuple.
struct TermUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let elements: [Term]
    let context: TermDecodingContext
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    /// Reads the elements of a proper list (a charlist included) or a tuple.
    init(_ term: Term, context: TermDecodingContext, codingPath: [any CodingKey]) throws {
        if let list = term.listElements {
            elements = list
        } else if case .tuple(let tuple) = term {
            elements = tuple
        } else {
            throw ErlangTermError.mismatch(at: codingPath, expected: "a list", found: term)
        }
        self.context = context
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }

    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func decodeNil() throws -> Bool {
        guard TermNilEncoding.isNil(try current()) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type)
    }

    /// Reads the next element.
    mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try context.unbox(T.self, from: try current(), at: codingPath + [currentKey])
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        var nested = context
        nested.structEncoding = context.structEncoding.nested
        let path = codingPath + [currentKey]
        let fields = try TermKeyedFields(try current(), layout: nested.structEncoding, at: path)
        currentIndex += 1
        return KeyedDecodingContainer(TermKeyedDecodingContainer<NestedKey>(fields: fields, context: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let nested = try TermUnkeyedDecodingContainer(try current(), context: context, codingPath: codingPath + [currentKey])
        currentIndex += 1
        return nested
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = TermValueDecoder(term: try current(), context: context, codingPath: codingPath + [currentKey])
        currentIndex += 1
        return decoder
    }

    private var currentKey: TermCodingKey { TermCodingKey(index: currentIndex) }

    private func current() throws -> Term {
        guard !isAtEnd else {
            let message = "missing: the list has only \(Term.counted(elements.count, "element"))"
            throw ErlangTermError.coding(at: codingPath + [currentKey], message)
        }
        return elements[currentIndex]
    }
}
