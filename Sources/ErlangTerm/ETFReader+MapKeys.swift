extension ETFReader {
    /// Keys up to this long are shared with identical keys made earlier in the same decode.
    static let maxSharedKeyLength = 64

    /// Reads a map key. A short binary key (JSON-like maps are keyed by them) shares its bytes with
    /// an identical key made earlier in this decode instead of allocating them again.
    mutating func readMapKey(depth: Int) throws -> Term {
        guard remaining >= 5, bytes[offset] == ETFTag.binary else { return try readTerm(depth: depth) }
        let count = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)))
        guard count <= Self.maxSharedKeyLength else { return try readTerm(depth: depth) }
        offset += 5
        return .binary(memos.pointee.keys.value(spelled: try slice(count)) { Array($0) })
    }
}
