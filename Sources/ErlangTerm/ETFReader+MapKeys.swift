extension ETFReader {
    /// Keys up to this long are shared with identical keys made earlier in the same decode.
    static let maxSharedKeyLength = 64

    /// Reads a map key and shows it to `order`.
    ///
    /// A short binary key (JSON-like maps are keyed by them) shares its bytes with an identical
    /// key made earlier in this decode instead of allocating them again.
    mutating func readMapKey(depth: Int, order: inout KeyOrder) throws -> Term {
        guard remaining >= 5 else { return try readUnorderedKey(depth: depth, order: &order) }
        let start = offset
        switch bytes[start] {
        case ETFTag.binary:
            let count = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: start + 1, as: UInt32.self)))
            guard count <= Self.maxSharedKeyLength else { return try readUnorderedKey(depth: depth, order: &order) }
            offset += 5
            let text = try slice(count)
            order.next(.binary, spelled: text)
            return .binary(memos.pointee.keys.value(spelled: text) { Array($0) })
        case ETFTag.smallAtomUTF8:
            let key = try readTerm(depth: depth)
            // The atom's text follows its tag and one-byte length; the read above checked it.
            order.next(.atom, spelled: UnsafeRawBufferPointer(rebasing: bytes[start + 2..<offset]))
            return key
        default:
            return try readUnorderedKey(depth: depth, order: &order)
        }
    }

    private mutating func readUnorderedKey(depth: Int, order: inout KeyOrder) throws -> Term {
        order.giveUp()
        return try readTerm(depth: depth)
    }
}

/// Proves, while a map's keys are read, that they come in strictly ascending map-key order, as
/// `term_to_binary` writes maps of up to 32 keys, by comparing the keys' bytes in the input: for
/// binaries and UTF-8 atoms that order is the order of their bytes (atoms before binaries). A map
/// proven so needs neither a sort nor a duplicate check; any other key leaves the proof to
/// `ETFReader.sortedUnique`, which compares terms.
struct KeyOrder {
    /// The kinds of key compared by their bytes, in the standard order of their types.
    enum Kind: Int {
        case atom
        case binary
    }

    /// Whether every key so far was of a known kind and after the one before it.
    private(set) var isProvenAscending = true
    private var previous: (kind: Kind, text: UnsafeRawBufferPointer)?

    mutating func next(_ kind: Kind, spelled text: UnsafeRawBufferPointer) {
        guard isProvenAscending else { return }
        if let previous {
            isProvenAscending = previous.kind.rawValue < kind.rawValue
                || (previous.kind == kind && previous.text.orderOfBytes(comparedTo: text) < 0)
        }
        previous = (kind, text)
    }

    mutating func giveUp() {
        isProvenAscending = false
    }

}
