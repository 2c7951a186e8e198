#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one decode has made and may share again.
struct DecodeMemos {
    /// Long atoms, such as the node name in every pid.
    var atoms = SpellingMemo<Atom>()
    /// Short binary map keys.
    var keys = SpellingMemo<[UInt8]>()
    /// Binaries gathered apart from the input, taken at their positions.
    var detached = DetachedBinaries()
}

/// Values one decode has already made from some bytes of its input, found again by those bytes:
/// the node name repeated in ten thousand pids becomes one string, the keys repeated in a
/// thousand JSON-like maps one array each.
///
/// Sharing is invisible: the values are immutable strings and copy-on-write arrays. The memo
/// points into the decode's input, lives only as long as that decode, and so needs no locking.
/// The first spelling is kept inline (a control message usually has one node name, twice); more
/// go into a small open-addressed table made on the second, which stops growing when full.
struct SpellingMemo<Value> {
    private static var slotCount: Int { 64 }
    private static var maxProbes: Int { 8 }

    private var firstText = UnsafeRawBufferPointer(start: nil, count: 0)
    private var firstValue: Value?
    /// The spellings of the table's slots; a slot whose text has no base address is free.
    private var texts: [UnsafeRawBufferPointer] = []
    private var values: [Value?] = []

    /// The value made earlier from exactly these bytes, or a new one from `make`, remembered.
    @inline(__always)
    mutating func value(spelled text: UnsafeRawBufferPointer, make: (UnsafeRawBufferPointer) throws -> Value) rethrows -> Value {
        if let known = value(spelled: text) { return known }
        let value = try make(text)
        remember(value, spelled: text)
        return value
    }

    /// The value remembered for exactly these bytes, if any.
    @inline(__always)
    func value(spelled text: UnsafeRawBufferPointer) -> Value? {
        guard firstText.baseAddress != nil else { return nil }
        if text.hasSameBytes(as: firstText) { return firstValue }
        return texts.isEmpty ? nil : lookUp(text)
    }

    private func lookUp(_ text: UnsafeRawBufferPointer) -> Value? {
        var slot = text.shortHash & (Self.slotCount - 1)
        for _ in 0..<Self.maxProbes {
            let stored = texts[slot]
            if stored.baseAddress == nil { return nil }
            if text.hasSameBytes(as: stored) { return values[slot] }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        return nil
    }

    /// Remembers `value` as made from `text`, which must stay valid for the whole decode; when
    /// the table is full around the text's slot, it is not remembered.
    mutating func remember(_ value: Value, spelled text: UnsafeRawBufferPointer) {
        guard firstText.baseAddress != nil else {
            (firstText, firstValue) = (text, value)
            return
        }
        if texts.isEmpty {
            texts = Array(repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: Self.slotCount)
            values = Array(repeating: nil, count: Self.slotCount)
        }
        var slot = text.shortHash & (Self.slotCount - 1)
        for _ in 0..<Self.maxProbes {
            if texts[slot].baseAddress == nil {
                texts[slot] = text
                values[slot] = value
                return
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether both hold the same bytes.
    @inline(__always)
    func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
        count == other.count && (count == 0 || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }

    /// The order of the bytes, a prefix first, as `erts_cmp` orders binaries and atom texts:
    /// negative, zero or positive.
    func orderOfBytes(comparedTo other: UnsafeRawBufferPointer) -> Int {
        let common = Swift.min(count, other.count)
        var index = 0
        while index + 8 <= common {
            let mine = UInt64(bigEndian: loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let theirs = UInt64(bigEndian: other.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if mine != theirs { return mine < theirs ? -1 : 1 }
            index += 8
        }
        if index < common, common >= 8 {
            // The last eight common bytes, overlapping bytes already found equal.
            let mine = UInt64(bigEndian: loadUnaligned(fromByteOffset: common - 8, as: UInt64.self))
            let theirs = UInt64(bigEndian: other.loadUnaligned(fromByteOffset: common - 8, as: UInt64.self))
            if mine != theirs { return mine < theirs ? -1 : 1 }
            index = common
        }
        while index < common {
            let (mine, theirs) = (self[index], other[index])
            if mine != theirs { return mine < theirs ? -1 : 1 }
            index += 1
        }
        return count - other.count
    }

    /// A cheap hash of short text: its length and its first and last four bytes (or every byte).
    var shortHash: Int {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(count) &* multiplier
        if count >= 4 {
            let head = UInt64(loadUnaligned(as: UInt32.self))
            let tail = UInt64(loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            hash = (hash ^ (head << 32 | tail)) &* multiplier
        } else {
            for byte in self { hash = (hash ^ UInt64(byte)) &* multiplier }
        }
        return Int(truncatingIfNeeded: hash >> 32)
    }
}
