/// Comparison of numbers across `.integer`, `.bigInteger` and `.float`, exact for every pair of values.
enum NumberOrder {
    static func order(_ lhs: Term, _ rhs: Term, mode: OrderMode) -> Int {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return Term.sign(a, b)
        case (.float(let a), .float(let b)): return Term.sign(a, b)
        case (.bigInteger(let a), .bigInteger(let b)): return Term.sign(a, b)
        case (.integer, .bigInteger(let b)): return b.isNegative ? 1 : -1
        case (.bigInteger(let a), .integer):
            return a.isNegative ? -1 : 1
        case (.float, _):
            return -order(rhs, lhs, mode: mode)
        case (_, .float(let b)):
            if mode == .mapKey { return -1 }
            let result = integerVersusFloat(lhs, b)
            // An integer and a float of equal value: equal for ==, integer first in the total order.
            return result == 0 && mode == .total ? -1 : result
        default: preconditionFailure("not numbers")
        }
    }

    /// Compares an integer term with a finite double exactly.
    private static func integerVersusFloat(_ integer: Term, _ float: Double) -> Int {
        switch integer {
        case .integer(let value):
            if float >= 0x1p63 { return -1 }
            if float < -0x1p63 { return 1 }
            let whole = float.rounded(.down)
            let wholeInt = Int(whole)
            if value != wholeInt { return value < wholeInt ? -1 : 1 }
            return whole == float ? 0 : -1
        case .bigInteger(let big):
            let approx = big.doubleValue
            if approx != float { return approx < float ? -1 : 1 }
            guard let exactFloat = BigInteger(exactly: float) else { return 0 }
            return Term.sign(big, exactFloat)
        default: preconditionFailure("not an integer")
        }
    }
}

extension BigInteger {
    /// The integer value of an integral, finite double.
    public init?(exactly value: Double) {
        guard value.isFinite, value.rounded(.towardZero) == value else { return nil }
        let magnitude = value.magnitude
        if magnitude < 0x1p63 {
            self.init(Int(value))
            return
        }
        // significand × 2^(exponent − 52): whole zero bytes, then the significand shifted by the rest.
        let significand = magnitude.significandBitPattern | (1 << 52)
        let shift = Int(magnitude.exponent) - 52
        var bytes = [UInt8](repeating: 0, count: shift / 8)
        let bitShift = shift % 8
        var carry: UInt8 = 0
        for index in 0..<8 {
            let byte = UInt8(truncatingIfNeeded: significand >> (8 * index))
            bytes.append(byte << bitShift | carry)
            carry = bitShift == 0 ? 0 : byte >> (8 - bitShift)
        }
        bytes.append(carry)
        self.init(isNegative: value < 0, magnitude: bytes)
    }
}

/// A look at a binary or bitstring as a sequence of bits.
struct BitView {
    let bytes: [UInt8]
    let bitCount: Int

    init(_ term: Term) {
        switch term {
        case .binary(let data):
            bytes = data
            bitCount = data.count * 8
        case .bitstring(let data, let bits):
            bytes = data
            bitCount = (data.count - 1) * 8 + Int(bits)
        default:
            bytes = []
            bitCount = 0
        }
    }
}

/// Bitstrings compare bit by bit; a prefix sorts before a longer bitstring.
enum BitOrder {
    static func order(_ a: BitView, _ b: BitView) -> Int {
        let commonBits = min(a.bitCount, b.bitCount)
        let wholeBytes = commonBits / 8
        let prefix = Term.orderPrefixes(a.bytes, b.bytes, count: wholeBytes)
        if prefix != 0 { return prefix }
        let leftover = commonBits % 8
        if leftover > 0 {
            let mask = UInt8(0xFF) << (8 - leftover)
            let x = a.bytes[wholeBytes] & mask
            let y = b.bytes[wholeBytes] & mask
            if x != y { return x < y ? -1 : 1 }
        }
        return Term.sign(a.bitCount, b.bitCount)
    }
}
