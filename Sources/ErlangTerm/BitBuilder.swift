/// Bits appended most significant first, as Erlang's bit syntax builds a bitstring.
struct BitBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    init() {}

    /// Starts from the bits of a binary or bitstring term.
    init(_ term: Term) {
        let view = BitView(term)
        bytes = view.bytes
        bitCount = view.bitCount
    }

    /// The bits as `.binary` when they fill whole bytes, else `.bitstring`.
    var term: Term {
        Term.bitstring(bytes: bytes, bitCount: bitCount)
    }

    /// Appends `count` bits of `source`, starting at bit `start` (bit 0 is the high bit of byte 0).
    mutating func appendBits(_ source: [UInt8], from start: Int = 0, count: Int) {
        if bitCount % 8 == 0, start % 8 == 0, count % 8 == 0 {
            bytes += source[(start / 8)..<((start + count) / 8)]
            bitCount += count
            return
        }
        for index in start..<(start + count) {
            appendBit(source[index / 8] >> (7 - index % 8) & 1)
        }
    }

    private mutating func appendBit(_ bit: UInt8) {
        if bitCount % 8 == 0 { bytes.append(0) }
        if bit == 1 { bytes[bytes.count - 1] |= 0x80 >> (bitCount % 8) }
        bitCount += 1
    }

    /// Appends the low `bits` bits of an integer in two's complement, as `Value:Size` does.
    mutating func appendInteger(_ value: BigInteger, bits: Int, littleEndian: Bool) {
        guard bits > 0 else { return }
        let byteCount = (bits + 7) / 8
        var little = Array(value.magnitude.prefix(byteCount))
        little += repeatElement(0, count: byteCount - little.count)
        if value.isNegative { Self.negate(&little) }
        if littleEndian {
            // A little-endian size that is not whole bytes ends with the low bits of the top byte.
            let topBits = bits - 8 * (byteCount - 1)
            appendBits(Array(little.dropLast()), count: bits - topBits)
            appendBits([little[byteCount - 1] << (8 - topBits)], count: topBits)
        } else {
            appendBits(little.reversed(), from: byteCount * 8 - bits, count: bits)
        }
    }

    // Two's complement of little-endian bytes: invert, then add one.
    private static func negate(_ little: inout [UInt8]) {
        var carry = true
        for index in little.indices {
            let inverted = ~little[index]
            little[index] = carry ? inverted &+ 1 : inverted
            carry = carry && little[index] == 0
        }
    }
}
