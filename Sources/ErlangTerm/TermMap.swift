/// An Erlang map: keys are compared exactly (`1` and `1.0` are different keys).
///
/// Entries are kept sorted by key in the standard term order, which is the order `term_to_binary`
/// writes for maps of up to 32 keys, so equal maps have equal entries and encode identically.
public struct TermMap: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public struct Entry: Sendable, Hashable {
        /// The key.
        public var key: Term
        /// The value.
        public var value: Term

        /// Creates an entry.
        public init(key: Term, value: Term) {
            self.key = key
            self.value = value
        }
    }

    /// The entries, sorted by key.
    public private(set) var entries: [Entry]

    /// An empty map.
    public init() {
        entries = []
    }

    /// A map from pairs; a later pair replaces an earlier one with the same key, as `maps:from_list/1`.
    public init(_ pairs: [(Term, Term)]) {
        // Sorting positions stably keeps insertion order among equal keys, so the last one can win.
        let order = pairs.indices.sorted { lhs, rhs in
            let keyOrder = Term.exactOrder(pairs[lhs].0, pairs[rhs].0)
            return keyOrder == 0 ? lhs < rhs : keyOrder < 0
        }
        var result: [Entry] = []
        result.reserveCapacity(order.count)
        for index in order {
            let entry = Entry(key: pairs[index].0, value: pairs[index].1)
            if let last = result.last, last.key == entry.key {
                result[result.count - 1] = entry
            } else {
                result.append(entry)
            }
        }
        entries = result
    }

    /// A map from a dictionary literal.
    public init(dictionaryLiteral elements: (Term, Term)...) {
        self.init(elements)
    }

    /// Wraps entries the caller has already sorted and checked for duplicates.
    init(sortedUniqueEntries: [Entry]) {
        entries = sortedUniqueEntries
    }

    /// The number of keys.
    public var count: Int { entries.count }

    /// Whether the map has no keys.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for a key (exact match), or nil.
    public subscript(key: Term) -> Term? {
        get {
            index(of: key).map { entries[$0].value }
        }
        set {
            switch (index(of: key), newValue) {
            case (let found?, let value?): entries[found].value = value
            case (let found?, nil): entries.remove(at: found)
            case (nil, let value?): entries.insert(Entry(key: key, value: value), at: insertionPoint(of: key))
            case (nil, nil): break
            }
        }
    }

    /// The value for an atom key.
    public subscript(atom: Atom) -> Term? {
        self[.atom(atom)]
    }

    /// The keys, in term order.
    public var keys: [Term] { entries.map(\.key) }

    private func insertionPoint(of key: Term) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if Term.exactOrder(entries[mid].key, key) < 0 {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low
    }

    private func index(of key: Term) -> Int? {
        let point = insertionPoint(of: key)
        guard point < entries.count, entries[point].key == key else { return nil }
        return point
    }
}
