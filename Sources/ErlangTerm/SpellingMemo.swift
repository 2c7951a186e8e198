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
    private struct Entry {
        let text: UnsafeRawBufferPointer
        let value: Value

        func isSpelled(_ other: UnsafeRawBufferPointer) -> Bool {
            text.count == other.count
                && (text.isEmpty || memcmp(text.baseAddress!, other.baseAddress!, text.count) == 0)
        }
    }

    private static var slotCount: Int { 64 }
    private static var maxProbes: Int { 8 }

    private var first: Entry?
    private var slots: [Entry?] = []

    /// The value made earlier from exactly these bytes, or a new one from `make`, remembered.
    @inline(__always)
    mutating func value(spelled text: UnsafeRawBufferPointer, make: (UnsafeRawBufferPointer) throws -> Value) rethrows -> Value {
        guard let first else {
            let value = try make(text)
            self.first = Entry(text: text, value: value)
            return value
        }
        if first.isSpelled(text) { return first.value }
        return try lookUp(text, make: make)
    }

    private mutating func lookUp(_ text: UnsafeRawBufferPointer, make: (UnsafeRawBufferPointer) throws -> Value) rethrows -> Value {
        if slots.isEmpty { slots = Array(repeating: nil, count: Self.slotCount) }
        var slot = Self.hash(text) & (Self.slotCount - 1)
        for _ in 0..<Self.maxProbes {
            guard let entry = slots[slot] else {
                let value = try make(text)
                slots[slot] = Entry(text: text, value: value)
                return value
            }
            if entry.isSpelled(text) { return entry.value }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        return try make(text)
    }

    /// Mixes the length with the first and last eight bytes, or with every byte of shorter text.
    private static func hash(_ text: UnsafeRawBufferPointer) -> Int {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(text.count) &* multiplier
        if text.count >= 8 {
            hash = (hash ^ text.loadUnaligned(as: UInt64.self)) &* multiplier
            hash = (hash ^ text.loadUnaligned(fromByteOffset: text.count - 8, as: UInt64.self)) &* multiplier
        } else {
            for byte in text { hash = (hash ^ UInt64(byte)) &* multiplier }
        }
        return Int(truncatingIfNeeded: hash >> 32)
    }
}
