extension Bool: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        self ? .true : .false
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        switch term {
        case .true: self = true
        case .false: self = false
        default: throw ErlangTermError.mismatch(at: path, expected: "true or false", found: term)
        }
    }
}

extension String: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        try context.stringTerm(self, at: path)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        self = try context.string(from: term, at: path)
    }
}

extension Double: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        try context.floatTerm(self, at: path)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        self = try context.double(from: term, at: path)
    }
}

extension Float: TermBridgedEncodable, TermBridgedDecodable {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        try context.floatTerm(Double(self), at: path)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        let value = try context.double(from: term, at: path)
        guard Float(value).isFinite else {
            throw ErlangTermError.mismatch(at: path, expected: "a float in Float's range", found: term)
        }
        self = Float(value)
    }
}

/// The integer types: any width writes as an integer term, big beyond 64 bits, and reads back
/// when the value fits.
protocol TermBridgedInteger: FixedWidthInteger, TermBridgedEncodable, TermBridgedDecodable {}

extension TermBridgedInteger {
    func bridgedTerm(in context: TermEncodingContext, at path: [any CodingKey]) throws -> Term {
        .integer(exactly: self)
    }

    init(bridging term: Term, in context: TermDecodingContext, at path: [any CodingKey]) throws {
        let value: Self?
        switch term {
        case .integer(let small): value = Self(exactly: small)
        case .bigInteger(let big): value = Self(exactly: big)
        default: throw ErlangTermError.mismatch(at: path, expected: "an integer", found: term)
        }
        guard let value else {
            throw ErlangTermError.mismatch(at: path, expected: "an integer from \(Self.min) to \(Self.max)", found: term)
        }
        self = value
    }
}

extension FixedWidthInteger {
    /// The value of `big`, if it fits.
    init?(exactly big: BigInteger) {
        guard big.bitWidth <= Magnitude.bitWidth else { return nil }
        var magnitude: Magnitude = 0
        for (index, byte) in big.magnitude.enumerated() {
            magnitude |= Magnitude(byte) << (8 * index)
        }
        if !big.isNegative {
            self.init(exactly: magnitude)
            return
        }
        guard Self.isSigned, magnitude <= Self.min.magnitude else { return nil }
        // Two's complement: 0 - m in the unsigned width has the bits of -m in the signed one.
        self.init(truncatingIfNeeded: 0 &- magnitude)
    }
}

extension Int: TermBridgedInteger {}
extension Int8: TermBridgedInteger {}
extension Int16: TermBridgedInteger {}
extension Int32: TermBridgedInteger {}
extension Int64: TermBridgedInteger {}
extension UInt: TermBridgedInteger {}
extension UInt8: TermBridgedInteger {}
extension UInt16: TermBridgedInteger {}
extension UInt32: TermBridgedInteger {}
extension UInt64: TermBridgedInteger {}
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension Int128: TermBridgedInteger {}
@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension UInt128: TermBridgedInteger {}
