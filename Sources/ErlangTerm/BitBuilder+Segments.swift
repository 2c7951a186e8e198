/// A segment's type specifiers (`/integer-little-signed-unit:8`).
struct BitSegmentType {
    enum Kind {
        case integer, float, binary, bitstring, utf8, utf16, utf32
    }

    var kind = Kind.integer
    var littleEndian = false
    var unit: Int?

    /// Applies one specifier by name; false for an unknown one (or `native`, whose meaning is the
    /// reading machine's, not the text's).
    mutating func apply(_ name: String) -> Bool {
        switch name {
        case "integer": kind = .integer
        case "float": kind = .float
        case "binary", "bytes": kind = .binary
        case "bitstring", "bits": kind = .bitstring
        case "utf8": kind = .utf8
        case "utf16": kind = .utf16
        case "utf32": kind = .utf32
        case "big": littleEndian = false
        case "little": littleEndian = true
        case "signed", "unsigned": break  // Signedness only matters when matching, not when building.
        default: return false
        }
        return true
    }
}

/// Why a segment cannot be built; the reader adds the offset.
struct BitSegmentProblem: Error {
    var detail: String
}

extension BitBuilder {
    typealias SegmentValue = TermReader.SegmentValue

    /// The largest segment built from a number, in bits; bigger sizes are surely mistakes.
    static let maxNumberSegmentBits = 1 << 24

    /// Appends one segment as Erlang's bit syntax builds it (eval_bits.erl, eval_exp_field).
    mutating func append(_ value: SegmentValue, size: Int?, type: BitSegmentType) throws {
        if case .characters(let codes) = value {
            // erl_parse: a string segment is one segment per character, each with the same type.
            for code in codes { try append(.integer(.integer(Int(code))), size: size, type: type) }
            return
        }
        switch type.kind {
        case .integer: try appendNumberAsInteger(value, bits: try Self.width(size, 8, type.unit), type)
        case .float: try appendFloat(value, bits: try Self.width(size, 64, type.unit), type)
        case .binary, .bitstring: try appendBinary(value, size: size, type: type)
        case .utf8, .utf16, .utf32: try appendCharacter(value, size: size, type: type)
        }
    }

    private static func width(_ size: Int?, _ defaultSize: Int, _ unit: Int?) throws -> Int {
        let (bits, overflow) = (size ?? defaultSize).multipliedReportingOverflow(by: unit ?? 1)
        guard !overflow, bits <= maxNumberSegmentBits else {
            throw BitSegmentProblem(detail: "a segment wider than \(maxNumberSegmentBits) bits")
        }
        return bits
    }

    private mutating func appendNumberAsInteger(_ value: SegmentValue, bits: Int, _ type: BitSegmentType) throws {
        guard case .integer(let term) = value else {
            throw BitSegmentProblem(detail: "an integer segment needs an integer")
        }
        appendInteger(Self.big(term), bits: bits, littleEndian: type.littleEndian)
    }

    private mutating func appendFloat(_ value: SegmentValue, bits: Int, _ type: BitSegmentType) throws {
        let number: Double
        switch value {
        case .float(let float): number = float
        case .integer(let term): number = Self.big(term).doubleValue
        default: throw BitSegmentProblem(detail: "a float segment needs a number")
        }
        guard number.isFinite else { throw BitSegmentProblem(detail: "a float segment cannot hold \(number)") }
        let pattern: UInt64
        switch bits {
        case 64: pattern = number.bitPattern
        case 32:
            guard Float(number).isFinite else { throw BitSegmentProblem(detail: "\(number) does not fit 32 bits") }
            pattern = UInt64(Float(number).bitPattern)
        default: throw BitSegmentProblem(detail: "a float segment must be 32 or 64 bits, not \(bits)")
        }
        let magnitude = Self.littleBytes(pattern)
        appendInteger(BigInteger(isNegative: false, magnitude: magnitude), bits: bits, littleEndian: type.littleEndian)
    }

    private mutating func appendBinary(_ value: SegmentValue, size: Int?, type: BitSegmentType) throws {
        guard case .bits(let nested) = value else {
            throw BitSegmentProblem(detail: "a binary segment needs a binary")
        }
        let unit = type.unit ?? (type.kind == .binary ? 8 : 1)
        let (sized, overflow) = (size ?? 0).multipliedReportingOverflow(by: unit)
        let bits = size == nil ? nested.bitCount : sized
        guard !overflow, bits <= nested.bitCount, bits % unit == 0 else {
            throw BitSegmentProblem(detail: "a binary of \(nested.bitCount) bits does not fit the segment's size and unit")
        }
        appendBits(nested.bytes, count: bits)
    }

    private mutating func appendCharacter(_ value: SegmentValue, size: Int?, type: BitSegmentType) throws {
        guard size == nil, type.unit == nil else {
            throw BitSegmentProblem(detail: "a utf segment takes no size or unit")
        }
        guard case .integer(.integer(let code)) = value, let scalar = UInt32(exactly: code).flatMap(Unicode.Scalar.init)
        else { throw BitSegmentProblem(detail: "a utf segment needs a Unicode code point") }
        switch type.kind {
        case .utf8: appendBits(Array(String(scalar).utf8), count: String(scalar).utf8.count * 8)
        case .utf16:
            for unit in String(scalar).utf16 {
                appendInteger(BigInteger(Int(unit)), bits: 16, littleEndian: type.littleEndian)
            }
        default: appendInteger(BigInteger(Int(scalar.value)), bits: 32, littleEndian: type.littleEndian)
        }
    }

    private static func big(_ term: Term) -> BigInteger {
        switch term {
        case .bigInteger(let value): value
        case .integer(let value): BigInteger(value)
        default: BigInteger(0)
        }
    }

    private static func littleBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
