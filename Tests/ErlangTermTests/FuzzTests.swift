import ErlangTerm
import Testing

/// Mutated and truncated OTP vectors: every one decodes or fails with an ErlangTermError, and
/// whatever decodes encodes and decodes back to the same term. Set SWERL_TEST_SEED to vary.
@Suite struct FuzzTests {
    static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 70, 77, 80, 82, 88, 97, 98, 100, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 116, 118, 119, 121]

    @Test func mutatedAndTruncatedVectorsNeverCrash() throws {
        var random = SeededRandom(seed: SeededRandom.seedFromEnvironment)
        var cases = 0
        var decoded = 0
        for vector in Vectors.terms where vector.etf.count <= 20_000 {
            for input in truncations(of: vector.etf) + mutations(of: vector.etf, using: &random) {
                cases += 1
                if try check(input, vector: vector.name) { decoded += 1 }
            }
        }
        #expect(cases > 20_000)
        #expect(decoded > 0 && decoded < cases)
    }

    private func truncations(of bytes: [UInt8]) -> [[UInt8]] {
        let step = max(1, bytes.count / 48)
        return stride(from: 0, to: bytes.count, by: step).map { Array(bytes.prefix($0)) }
    }

    private func mutations(of bytes: [UInt8], using random: inout SeededRandom) -> [[UInt8]] {
        (0..<24).map { _ in mutate(bytes, using: &random) }
    }

    private func mutate(_ original: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = original
        let position = Int.random(in: 1..<bytes.count, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 1: bytes[position] = Self.interestingBytes.randomElement(using: &random)!
        case 2:
            for offset in position..<min(position + 4, bytes.count) { bytes[offset] = 0xFF }
        case 3: bytes.insert(Self.interestingBytes.randomElement(using: &random)!, at: position)
        default: bytes.remove(at: position)
        }
        return bytes
    }

    /// Returns whether the input decoded; records an issue for any other outcome than a term or an ErlangTermError.
    private func check(_ input: [UInt8], vector: String) throws -> Bool {
        let term: Term
        do {
            term = try ETFDecoder().decode(input)
        } catch is ErlangTermError {
            return false
        } catch {
            Issue.record("\(vector): \(error) is not an ErlangTermError")
            return false
        }
        let again = try ETFDecoder().decode(try ETFEncoder().encode(term))
        #expect(again == term, "\(vector): re-encoding changed the term")
        return true
    }
}
