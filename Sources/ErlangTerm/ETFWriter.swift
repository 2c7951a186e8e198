import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes terms into a buffer; the rules that make the bytes OTP's are cited per case.
struct ETFWriter {
    var buffer: ByteBuffer
    let latin1Atoms: Bool
    let oldFloats: Bool

    init(buffer: ByteBuffer, latin1Atoms: Bool, oldFloats: Bool) {
        self.buffer = buffer
        self.latin1Atoms = latin1Atoms
        self.oldFloats = oldFloats
    }

    mutating func write(_ term: Term) throws {
        switch term {
        case .integer(let value): writeInteger(value)
        case .atom(let atom): try writeAtom(atom)
        case .tuple(let elements): try writeTuple(elements)
        case .list(let elements): try writeList(elements)
        case .binary(let bytes):
            buffer.writeInteger(ETFTag.binary)
            buffer.writeInteger(UInt32(bytes.count))
            buffer.writeBytes(bytes)
        case .pid(let pid): try writePid(pid)
        case .map(let map):
            buffer.writeInteger(ETFTag.map)
            buffer.writeInteger(UInt32(map.count))
            for entry in map.entries {
                try write(entry.key)
                try write(entry.value)
            }
        case .float(let value): try writeFloat(value)
        case .string(let bytes): writeString(bytes)
        case .bigInteger(let value): writeBig(isNegative: value.isNegative, magnitude: value.magnitude)
        case .bitstring(let bytes, let bits):
            buffer.writeInteger(ETFTag.bitBinary)
            buffer.writeInteger(UInt32(bytes.count))
            buffer.writeInteger(bits)
            buffer.writeBytes(bytes)
        case .improperList(let elements, let tail):
            buffer.writeInteger(ETFTag.list)
            buffer.writeInteger(UInt32(elements.count))
            for element in elements { try write(element) }
            try write(tail)
        case .port(let port): try writePort(port)
        case .reference(let reference): try writeReference(reference)
        case .fun(let fun): try writeFun(fun)
        case .local:
            throw ErlangTermError(.unencodable, "a LOCAL_EXT term can only be encoded at the top")
        }
    }

    // erl_ext_dist.md: 0..255 as SMALL_INTEGER_EXT, other 32-bit values as INTEGER_EXT, the rest as bignums.
    mutating func writeInteger(_ value: Int) {
        if (0...255).contains(value) {
            buffer.writeInteger(ETFTag.smallInteger)
            buffer.writeInteger(UInt8(value))
        } else if let small = Int32(exactly: value) {
            buffer.writeInteger(ETFTag.integer)
            buffer.writeInteger(small)
        } else {
            var magnitude = value.magnitude
            buffer.writeInteger(ETFTag.smallBig)
            let width = (UInt.bitWidth - magnitude.leadingZeroBitCount + 7) / 8
            buffer.writeInteger(UInt8(width))
            buffer.writeInteger(UInt8(value < 0 ? 1 : 0))
            for _ in 0..<width {
                buffer.writeInteger(UInt8(truncatingIfNeeded: magnitude))
                magnitude >>= 8
            }
        }
    }

    mutating func writeBig(isNegative: Bool, magnitude: [UInt8]) {
        if magnitude.count <= 255 {
            buffer.writeInteger(ETFTag.smallBig)
            buffer.writeInteger(UInt8(magnitude.count))
        } else {
            buffer.writeInteger(ETFTag.largeBig)
            buffer.writeInteger(UInt32(magnitude.count))
        }
        buffer.writeInteger(UInt8(isNegative ? 1 : 0))
        buffer.writeBytes(magnitude)
    }

    mutating func writeFloat(_ value: Double) throws {
        guard value.isFinite else {
            throw ErlangTermError(.unencodable, "\(value) has no external format")
        }
        guard oldFloats else {
            buffer.writeInteger(ETFTag.newFloat)
            buffer.writeInteger(value.bitPattern)
            return
        }
        // FLOAT_EXT: the C format "%.20e" in 31 bytes, NUL padded.
        var text = [CChar](repeating: 0, count: 32)
        _ = withVaList([value]) { vsnprintf(&text, 32, "%.20e", $0) }
        buffer.writeInteger(ETFTag.float)
        buffer.writeBytes(text.prefix(31).map { UInt8(bitPattern: $0) })
    }

    // A proper list of small integers that fits STRING_EXT is written as one, as erts does.
    mutating func writeList(_ elements: [Term]) throws {
        if elements.isEmpty {
            buffer.writeInteger(ETFTag.nil)
            return
        }
        if elements.count <= Int(UInt16.max), let bytes = Self.byteValues(elements) {
            writeString(bytes)
            return
        }
        buffer.writeInteger(ETFTag.list)
        buffer.writeInteger(UInt32(elements.count))
        for element in elements { try write(element) }
        buffer.writeInteger(ETFTag.nil)
    }

    private static func byteValues(_ elements: [Term]) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let value) = element, let byte = UInt8(exactly: value) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    mutating func writeString(_ bytes: [UInt8]) {
        if bytes.isEmpty {
            buffer.writeInteger(ETFTag.nil)
        } else if bytes.count <= Int(UInt16.max) {
            buffer.writeInteger(ETFTag.string)
            buffer.writeInteger(UInt16(bytes.count))
            buffer.writeBytes(bytes)
        } else {
            buffer.writeInteger(ETFTag.list)
            buffer.writeInteger(UInt32(bytes.count))
            for byte in bytes { writeInteger(Int(byte)) }
            buffer.writeInteger(ETFTag.nil)
        }
    }

    mutating func writeTuple(_ elements: [Term]) throws {
        if elements.count <= 255 {
            buffer.writeInteger(ETFTag.smallTuple)
            buffer.writeInteger(UInt8(elements.count))
        } else {
            buffer.writeInteger(ETFTag.largeTuple)
            buffer.writeInteger(UInt32(elements.count))
        }
        for element in elements { try write(element) }
    }
}
