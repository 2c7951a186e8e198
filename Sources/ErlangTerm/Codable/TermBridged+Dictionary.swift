// Dictionaries are maps whose keys encode as any value of their type does (`[String: V]` gets
// binary keys, `[Atom: V]` atom keys), rather than the keyed container or the flat list of
// alternating keys and values that `Dictionary.encode(to:)` would write.

extension Dictionary: TermBridgedEncodable where Key: Encodable, Value: Encodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        var pairs: [(Term, Term)] = []
        pairs.reserveCapacity(count)
        for (key, value) in self {
            let entryPath = path + [TermCodingKey(entry: String(reflecting: key))]
            pairs.append((try context.box(key, at: entryPath), try context.box(value, at: entryPath)))
        }
        return .map(TermMap(pairs))
    }
}

extension Dictionary: TermBridgedDecodable where Key: Decodable, Value: Decodable {
    /// Reads a map, or a list of `{Key, Value}` pairs (a proplist or keyword list).
    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        let entries = try Self.entries(of: term, at: path)
        self.init(minimumCapacity: entries.count)
        for (keyTerm, valueTerm) in entries {
            let entryPath = path + [TermCodingKey(entry: keyTerm.entryLabel)]
            let key = try context.unbox(Key.self, from: keyTerm, at: entryPath)
            let value = try context.unbox(Value.self, from: valueTerm, at: entryPath)
            // Distinct terms can read as one key (`foo` and `<<"foo">>` as a `String`).
            guard updateValue(value, forKey: key) == nil else {
                throw ErlangTermError.coding(at: entryPath, "two map keys read as the same \(Key.self) key")
            }
        }
    }

    private static func entries(of term: Term, at path: [any CodingKey]) throws -> [(Term, Term)] {
        if case .map(let map) = term { return map.entries.map { ($0.key, $0.value) } }
        let pairs = term.listElements?.map { element -> (Term, Term)? in
            guard case .tuple(let pair) = element, pair.count == 2 else { return nil }
            return (pair[0], pair[1])
        }
        guard let pairs, !pairs.contains(where: { $0 == nil }) else {
            throw ErlangTermError.mismatch(at: path, expected: "a map", found: term)
        }
        return pairs.compactMap { $0 }
    }
}
