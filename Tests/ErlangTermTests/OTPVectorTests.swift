import ErlangTerm
import Testing

/// Terms written by real OTP 25, read and written back by Swerl byte for byte.
@Suite struct OTPVectorTests {
    @Test func vectorsCoverEveryTagAndEdge() {
        #expect(Vectors.terms.count >= 300)
        #expect(Vectors.rejects.count >= 20)
    }

    @Test(arguments: Vectors.terms)
    func decodesAndReencodesCanonically(_ vector: OTPVector) throws {
        let term = try ETFDecoder().decode(vector.etf)
        let canonical = try ETFEncoder().encode(term)
        #expect(Vectors.hexString(canonical) == Vectors.hexString(vector.canonical))
        #expect(try ETFDecoder().decode(vector.canonical) == term)
    }

    @Test(arguments: Vectors.terms.filter { $0.encoder != nil })
    func encodesWithTheSameOptionsAsOTP(_ vector: OTPVector) throws {
        let term = try ETFDecoder().decode(vector.etf)
        let bytes = try #require(vector.encoder).encode(term)
        if Self.hasLargeMap(term) {
            // OTP writes maps of more than 32 keys in its internal hash order; the bytes differ,
            // the term must not (the canonical test above compares with OTP's deterministic order).
            #expect(bytes.count == vector.etf.count)
            #expect(try ETFDecoder().decode(bytes) == term)
        } else {
            #expect(Vectors.hexString(bytes) == Vectors.hexString(vector.etf))
        }
    }

    static func hasLargeMap(_ term: Term) -> Bool {
        switch term {
        case .map(let map):
            return map.count > 32 || map.entries.contains { hasLargeMap($0.key) || hasLargeMap($0.value) }
        case .tuple(let elements), .list(let elements): return elements.contains(where: hasLargeMap)
        case .improperList(let elements, let tail): return elements.contains(where: hasLargeMap) || hasLargeMap(tail)
        default: return false
        }
    }

    @Test(arguments: Vectors.rejects.map(\.name))
    func refusesWhatOTPRefuses(_ name: String) throws {
        let bytes = try #require(Vectors.rejects.first { $0.name == name }).bytes
        #expect(throws: ErlangTermError.self) { try ETFDecoder().decode(bytes) }
    }
}
