#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory was too small for the term.
struct ETFWriterOverflow: Error {
    /// A lower bound of the bytes the term needs.
    let needed: Int
    /// The bytes the writer had.
    let capacity: Int
}

/// Writes terms into memory its caller lends it; the rules that make the bytes OTP's are cited per case.
///
/// The writer never grows its memory and never writes outside it: every store claims its bytes
/// first, and when they are not there the writer throws ``ETFWriterOverflow`` with the size it needs at
/// least. `ETFEncoder` then asks for more room and starts the term again, so a caller that reuses
/// a buffer writes each term once, straight into that buffer, with no per-byte bookkeeping of
/// `ByteBuffer` and no copy.
struct ETFWriter {
    private let memory: UnsafeMutableRawBufferPointer
    /// The bytes written so far, from the start of the memory.
    private(set) var count = 0
    let latin1Atoms: Bool
    let oldFloats: Bool
    /// Consulted for every atom when a distribution message is written with the header's atom cache.
    let atomCache: (any ETFAtomCacheMap)?

    init(into memory: UnsafeMutableRawBufferPointer, latin1Atoms: Bool, oldFloats: Bool, atomCache: (any ETFAtomCacheMap)?) {
        self.memory = memory
        self.latin1Atoms = latin1Atoms
        self.oldFloats = oldFloats
        self.atomCache = atomCache
    }

    // MARK: Bytes

    /// Hands out the next `size` (at least one) bytes, or throws when the memory ends before them.
    @inline(__always)
    private mutating func claim(_ size: Int) throws -> UnsafeMutableRawPointer {
        assert(size > 0, "claims are never empty")
        // `count` never exceeds `memory.count`, so neither this subtraction nor the sums below overflow.
        guard size <= memory.count &- count else {
            try Self.throwOverflow(needed: count &+ size, capacity: memory.count)
        }
        // Memory with room for a byte has a base address.
        let target = memory.baseAddress.unsafelyUnwrapped + count
        count &+= size
        return target
    }

    @inline(never)
    private static func throwOverflow(needed: Int, capacity: Int) throws -> Never {
        throw ETFWriterOverflow(needed: needed, capacity: capacity)
    }

    /// Writes an integer big-endian, as every ETF field is.
    @inline(__always)
    mutating func put<Value: FixedWidthInteger>(_ value: Value) throws {
        try claim(MemoryLayout<Value>.size).storeBytes(of: value.bigEndian, as: Value.self)
    }

    /// Writes a tag and the integer that follows it, with one bounds check.
    @inline(__always)
    mutating func put<Value: FixedWidthInteger>(_ tag: UInt8, _ value: Value) throws {
        let target = try claim(1 + MemoryLayout<Value>.size)
        target.storeBytes(of: tag, as: UInt8.self)
        target.storeBytes(of: value.bigEndian, toByteOffset: 1, as: Value.self)
    }

    /// Writes the three 32-bit words that end a pid, with one bounds check.
    @inline(__always)
    mutating func put(_ first: UInt32, _ second: UInt32, _ third: UInt32) throws {
        let target = try claim(12)
        target.storeBytes(of: first.bigEndian, as: UInt32.self)
        target.storeBytes(of: second.bigEndian, toByteOffset: 4, as: UInt32.self)
        target.storeBytes(of: third.bigEndian, toByteOffset: 8, as: UInt32.self)
    }

    mutating func put(_ bytes: UnsafeRawBufferPointer) throws {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        try claim(bytes.count).copyMemory(from: source, byteCount: bytes.count)
    }

    mutating func put(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try put($0) }
    }

    /// Writes a tag, a one-byte length and text of at most 255 bytes, with one bounds check.
    @inline(__always)
    mutating func put(_ tag: UInt8, text: UnsafeRawBufferPointer) throws {
        let target = try claim(2 + text.count)
        target.storeBytes(of: tag, as: UInt8.self)
        target.storeBytes(of: UInt8(truncatingIfNeeded: text.count), toByteOffset: 1, as: UInt8.self)
        if let source = text.baseAddress { (target + 2).copyMemory(from: source, byteCount: text.count) }
    }

    /// Writes a tag, a one-byte length and the UTF-8 text, with one bounds check.
    mutating func put(_ tag: UInt8, shortText text: String.UTF8View) throws {
        let length = text.count
        let target = try claim(2 + length)
        target.storeBytes(of: tag, as: UInt8.self)
        target.storeBytes(of: UInt8(length), toByteOffset: 1, as: UInt8.self)
        let copied: Void? = text.withContiguousStorageIfAvailable { utf8 in
            if let source = utf8.baseAddress { (target + 2).copyMemory(from: source, byteCount: utf8.count) }
        }
        if copied == nil {
            for (index, byte) in text.enumerated() { target.storeBytes(of: byte, toByteOffset: 2 + index, as: UInt8.self) }
        }
    }

    /// Overwrites a 32-bit field written earlier (a size known only once its contents are written).
    mutating func patch(_ value: UInt32, at index: Int) {
        precondition(index >= 0 && index + 4 <= count, "patching bytes not yet written")
        memory.storeBytes(of: value.bigEndian, toByteOffset: index, as: UInt32.self)
    }

    // MARK: Terms

    /// Writes the version byte and the term, or `LOCAL_EXT`'s bytes as they came.
    mutating func writeVersioned(_ term: Term) throws {
        try put(ETFTag.version)
        if case .local(let local) = term {
            try put(ETFTag.local)
            try put(local.bytes)
            return
        }
        try write(term)
    }

    mutating func write(_ term: Term) throws {
        switch term {
        case .integer(let value): try writeInteger(value)
        case .atom(let atom): try writeAtom(atom)
        case .tuple(let elements): try writeTuple(elements)
        case .list(let elements): try writeList(elements)
        case .binary(let bytes): try writeBinary(bytes)
        case .pid(let pid): try writePid(pid)
        case .map(let map): try writeMap(map)
        case .float(let value): try writeFloat(value)
        case .string(let bytes): try writeString(bytes)
        case .bigInteger(let value): try writeBig(isNegative: value.isNegative, magnitude: value.magnitude)
        case .bitstring(let bytes, let bits):
            try put(ETFTag.bitBinary, UInt32(bytes.count))
            try put(bits)
            try put(bytes)
        case .improperList(let elements, let tail):
            try put(ETFTag.list, UInt32(elements.count))
            try writeElements(elements)
            try write(tail)
        case .port(let port): try writePort(port)
        case .reference(let reference): try writeReference(reference)
        case .fun(let fun): try writeFun(fun)
        case .local:
            throw ErlangTermError(.unencodable, "a LOCAL_EXT term can only be encoded at the top")
        }
    }

    // erl_ext_dist.md: 0..255 as SMALL_INTEGER_EXT, other 32-bit values as INTEGER_EXT, the rest as bignums.
    mutating func writeInteger(_ value: Int) throws {
        if let byte = UInt8(exactly: value) {
            try put(ETFTag.smallInteger, byte)
        } else if let small = Int32(exactly: value) {
            try put(ETFTag.integer, small)
        } else {
            var magnitude = value.magnitude
            let width = (UInt.bitWidth - magnitude.leadingZeroBitCount + 7) / 8
            try put(ETFTag.smallBig)
            try put(UInt8(width))
            try put(UInt8(value < 0 ? 1 : 0))
            for _ in 0..<width {
                try put(UInt8(truncatingIfNeeded: magnitude))
                magnitude >>= 8
            }
        }
    }

    mutating func writeBig(isNegative: Bool, magnitude: [UInt8]) throws {
        if magnitude.count <= 255 {
            try put(ETFTag.smallBig, UInt8(magnitude.count))
        } else {
            try put(ETFTag.largeBig, UInt32(magnitude.count))
        }
        try put(UInt8(isNegative ? 1 : 0))
        try put(magnitude)
    }

    mutating func writeFloat(_ value: Double) throws {
        guard value.isFinite else {
            throw ErlangTermError(.unencodable, "\(value) has no external format")
        }
        guard oldFloats else {
            try put(ETFTag.newFloat, value.bitPattern)
            return
        }
        // FLOAT_EXT: the C format "%.20e" in 31 bytes, NUL padded.
        var text = [CChar](repeating: 0, count: 32)
        _ = withVaList([value]) { vsnprintf(&text, 32, "%.20e", $0) }
        try put(ETFTag.float)
        try put(text.prefix(31).map { UInt8(bitPattern: $0) })
    }

    // A proper list of small integers that fits STRING_EXT is written as one, as erts does.
    mutating func writeList(_ elements: [Term]) throws {
        if elements.isEmpty {
            try put(ETFTag.nil)
            return
        }
        if elements.count <= Int(UInt16.max), Self.allBytes(elements) {
            try writeByteList(elements)
            return
        }
        try put(ETFTag.list, UInt32(elements.count))
        try writeElements(elements)
        try put(ETFTag.nil)
    }

    private static func allBytes(_ elements: [Term]) -> Bool {
        elements.allSatisfy { element in
            guard case .integer(let value) = element else { return false }
            return UInt8(exactly: value) != nil
        }
    }

    /// `STRING_EXT` from a list that `allBytes` accepted.
    private mutating func writeByteList(_ elements: [Term]) throws {
        try put(ETFTag.string, UInt16(elements.count))
        let target = try claim(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .integer(let value) = element else { preconditionFailure("not a byte list") }
            target.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: index, as: UInt8.self)
        }
    }

    mutating func writeString(_ bytes: [UInt8]) throws {
        if bytes.isEmpty {
            try put(ETFTag.nil)
        } else if bytes.count <= Int(UInt16.max) {
            try put(ETFTag.string, UInt16(bytes.count))
            try put(bytes)
        } else {
            try put(ETFTag.list, UInt32(bytes.count))
            for byte in bytes { try put(ETFTag.smallInteger, byte) }
            try put(ETFTag.nil)
        }
    }

    /// Writes each element. Integers, the commonest elements, are matched where they lie: passing
    /// an element to `write` copies it out of the array first (an outlined copy, and a retain and
    /// a release of what it holds).
    private mutating func writeElements(_ elements: [Term]) throws {
        for index in elements.indices {
            if case .integer(let value) = elements[index] {
                try writeInteger(value)
            } else {
                try write(elements[index])
            }
        }
    }

    private mutating func writeMap(_ map: TermMap) throws {
        try put(ETFTag.map, UInt32(map.count))
        let entries = map.entries
        for index in entries.indices {
            // Matched where they lie, as in writeElements, for the commonest keys and values.
            switch entries[index].key {
            case .atom(let atom): try writeAtom(atom)
            case .binary(let bytes): try writeBinary(bytes)
            default: try write(entries[index].key)
            }
            switch entries[index].value {
            case .integer(let value): try writeInteger(value)
            case .atom(let atom): try writeAtom(atom)
            case .binary(let bytes): try writeBinary(bytes)
            default: try write(entries[index].value)
            }
        }
    }

    private mutating func writeBinary(_ bytes: [UInt8]) throws {
        try put(ETFTag.binary, UInt32(bytes.count))
        try put(bytes)
    }

    mutating func writeTuple(_ elements: [Term]) throws {
        if elements.count <= 255 {
            try put(ETFTag.smallTuple, UInt8(elements.count))
        } else {
            try put(ETFTag.largeTuple, UInt32(elements.count))
        }
        try writeElements(elements)
    }
}
