extension TermReader {
    /// A segment's value before its type is applied.
    enum SegmentValue {
        case integer(Term)
        case float(Double)
        /// A string literal: one segment per character, each with the segment's type.
        case characters([UInt32])
        case bits(BitBuilder)
    }

    /// Reads the segments after `<<` up to `>>`: `Value[:Size][/Type-Specifiers]`, literals only.
    mutating func readBinary(at token: TermToken, depth: Int) throws -> Term {
        try checkDepth(depth, at: token)
        var builder = BitBuilder()
        if try skip(">>") { return builder.term }
        repeat {
            let start = try peek().offset
            let value = try segmentValue(depth: depth)
            let size = try skip(":") ? try segmentSize() : nil
            let type = try skip("/") ? try segmentType() : BitSegmentType()
            do {
                try builder.append(value, size: size, type: type)
            } catch let problem as BitSegmentProblem {
                throw ErlangTermError(.syntax, at: start, problem.detail)
            }
        } while try skip(",")
        try expect(">>", or: "','")
        return builder.term
    }

    private mutating func segmentValue(depth: Int) throws -> SegmentValue {
        let token = try take()
        switch token.kind {
        case .integer(let value): return .integer(value)
        case .float(let value): return .float(value)
        case .string(let codes): return .characters(try joinStrings(codes))
        case .symbol("-"), .symbol("+"):
            switch try signedNumber(negative: token.kind == .symbol("-")) {
            case .float(let value): return .float(value)
            case let integer: return .integer(integer)
            }
        case .symbol("<<"):
            return .bits(BitBuilder(try readBinary(at: token, depth: depth + 1)))
        default: break
        }
        throw unexpected(token, expecting: "a literal segment value")
    }

    private mutating func segmentSize() throws -> Int {
        let token = try take()
        guard case .integer(.integer(let size)) = token.kind, size >= 0 else {
            throw unexpected(token, expecting: "a literal segment size")
        }
        return size
    }

    // Type specifiers joined by `-`: a type, signedness, endianness and `unit:N`.
    private mutating func segmentType() throws -> BitSegmentType {
        var type = BitSegmentType()
        repeat {
            let token = try take()
            guard case .atom(let name) = token.kind else { throw unexpected(token, expecting: "a type specifier") }
            if name == "unit" {
                try expect(":")
                let unit = try segmentSize()
                guard (1...256).contains(unit) else {
                    throw ErlangTermError(.syntax, at: token.offset, "unit \(unit) is not 1 to 256")
                }
                type.unit = unit
            } else if !type.apply(name) {
                throw ErlangTermError(.syntax, at: token.offset, "unknown or unsupported type specifier \(name)")
            }
        } while try skip("-")
        return type
    }
}
