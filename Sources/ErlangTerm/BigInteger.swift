/// An integer of any size, kept as Erlang's external format keeps bignums: a sign and the
/// magnitude's bytes, least significant first, with no high zero bytes.
///
/// Swerl needs big integers to carry them losslessly, order them, print and parse them, not to do
/// arithmetic on them; convert to another library's type for that.
public struct BigInteger: Sendable, Hashable, CustomStringConvertible {
    /// Whether the value is below zero (never true for zero).
    public let isNegative: Bool
    /// The magnitude, least significant byte first, without high zero bytes (empty for zero).
    public let magnitude: [UInt8]

    /// Creates a value from a sign and little-endian magnitude bytes; high zero bytes are dropped.
    public init(isNegative: Bool, magnitude: [UInt8]) {
        var bytes = magnitude
        while bytes.last == 0 { bytes.removeLast() }
        self.magnitude = bytes
        self.isNegative = isNegative && !bytes.isEmpty
    }

    /// Creates a value from a 64-bit integer.
    public init(_ value: Int) {
        var bytes: [UInt8] = []
        var rest = value.magnitude
        while rest != 0 {
            bytes.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
        self.init(isNegative: value < 0, magnitude: bytes)
    }

    /// The value as an `Int64`, if it fits.
    public var int64Value: Int64? {
        guard magnitude.count <= 8 else { return nil }
        var value: UInt64 = 0
        for byte in magnitude.reversed() { value = value << 8 | UInt64(byte) }
        if isNegative {
            if value <= UInt64(Int64.max) { return -Int64(value) }
            return value == UInt64(Int64.max) + 1 ? Int64.min : nil
        }
        return value <= UInt64(Int64.max) ? Int64(value) : nil
    }

    /// The nearest double (infinite when out of range).
    public var doubleValue: Double {
        var value = 0.0
        for byte in magnitude.reversed() { value = value * 256 + Double(byte) }
        return isNegative ? -value : value
    }

    /// The number of significant bits of the magnitude.
    public var bitWidth: Int {
        guard let top = magnitude.last else { return 0 }
        return (magnitude.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }

    /// The value in decimal.
    public var description: String {
        if magnitude.isEmpty { return "0" }
        // Base 10^9 chunks from repeated division of 32-bit words, most significant word first.
        var words = Self.words32(magnitude)
        var chunks: [UInt32] = []
        while !words.isEmpty {
            var remainder: UInt64 = 0
            for index in words.indices {
                let current = remainder << 32 | UInt64(words[index])
                words[index] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
            while words.first == 0 { words.removeFirst() }
        }
        var text = isNegative ? "-" : ""
        text += String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    /// Parses decimal digits with an optional leading `-` or `+`.
    public init?(_ text: some StringProtocol) {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.init(isNegative: negative, magnitude: Self.parseMagnitude(digits, radix: 10))
    }

    /// Parses digits in `radix` (2 to 36), without a sign.
    static func parseMagnitude(_ digits: Substring, radix: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in digits {
            guard let digit = character.hexDigitValue ?? Self.letterValue(character) else { continue }
            var carry = UInt(digit)
            for index in bytes.indices {
                let product = UInt(bytes[index]) * UInt(radix) + carry
                bytes[index] = UInt8(truncatingIfNeeded: product)
                carry = product >> 8
            }
            while carry != 0 {
                bytes.append(UInt8(truncatingIfNeeded: carry))
                carry >>= 8
            }
        }
        return bytes
    }

    private static func letterValue(_ character: Character) -> Int? {
        guard let ascii = character.asciiValue, character.isLetter else { return nil }
        return Int(ascii | 0x20) - Int(UInt8(ascii: "a")) + 10
    }

    /// Little-endian bytes to big-endian 32-bit words.
    private static func words32(_ bytes: [UInt8]) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: (bytes.count + 3) / 4)
        for (index, byte) in bytes.enumerated() {
            words[words.count - 1 - index / 4] |= UInt32(byte) << (8 * (index % 4))
        }
        return words
    }
}

extension BigInteger: Comparable {
    /// Numeric order.
    public static func < (lhs: BigInteger, rhs: BigInteger) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeLess = compareMagnitudes(lhs.magnitude, rhs.magnitude) < 0
        let magnitudeGreater = compareMagnitudes(lhs.magnitude, rhs.magnitude) > 0
        return lhs.isNegative ? magnitudeGreater : magnitudeLess
    }

    static func compareMagnitudes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        if lhs.count != rhs.count { return lhs.count < rhs.count ? -1 : 1 }
        for index in stride(from: lhs.count - 1, through: 0, by: -1) where lhs[index] != rhs[index] {
            return lhs[index] < rhs[index] ? -1 : 1
        }
        return 0
    }
}
