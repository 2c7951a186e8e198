import ErlangTerm
import Testing

/// Bad input fails fast with a typed error that says what and where; nothing allocates on the
/// word of a length field, nothing recurses without a bound.
@Suite struct HostileInputTests {
    private func decodeError(_ bytes: [UInt8], limits: ETFDecoder.Limits = .default) -> ErlangTermError? {
        do {
            _ = try ETFDecoder(limits: limits).decode(bytes)
            return nil
        } catch let error as ErlangTermError {
            return error
        } catch {
            return nil
        }
    }

    @Test func aListClaimingFourBillionElementsFailsAtOnce() throws {
        let error = try #require(decodeError([131, 108, 0xFF, 0xFF, 0xFF, 0xFF, 97, 1, 97, 2, 106]))
        #expect(error.code == .truncated)
        #expect(error.offset == 6)
    }

    @Test(arguments: [
        [UInt8]([131, 104, 255, 97, 1]),
        [131, 105, 0xFF, 0xFF, 0xFF, 0xFF, 97, 1],
        [131, 116, 0x7F, 0xFF, 0xFF, 0xFF, 97, 1, 97, 2],
        [131, 109, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3],
        [131, 77, 0xFF, 0xFF, 0xFF, 0xFF, 3, 1],
        [131, 107, 0xFF, 0xFF, 1],
        [131, 111, 0x00, 0x0F, 0xFF, 0xFF, 0, 1, 2],
        [131, 118, 0xFF, 0xFF, 97],
    ])
    func oversizedLengthsAreRefusedBeforeAllocating(_ bytes: [UInt8]) throws {
        let error = try #require(decodeError(bytes))
        #expect(error.code == .truncated || error.code == .invalidAtom)
    }

    @Test func nestingPastTheDepthLimitIsRefusedWithoutRecursingFurther() throws {
        let depth = 100_000
        var bytes: [UInt8] = [131]
        for _ in 0..<depth { bytes += [108, 0, 0, 0, 1] }
        bytes += [UInt8](repeating: 106, count: depth + 1)
        let error = try #require(decodeError(bytes))
        #expect(error.code == .depthLimitExceeded)
        #expect(error.offset == 1 + 5 * ETFDecoder.Limits.default.maxDepth + 5)
    }

    @Test func theDepthLimitIsConfigurable() throws {
        let nested: [UInt8] = [131, 104, 1, 104, 1, 104, 1, 97, 1]
        #expect(decodeError(nested, limits: .init(maxDepth: 2))?.code == .depthLimitExceeded)
        #expect(decodeError(nested, limits: .init(maxDepth: 3)) == nil)
    }

    @Test func termsAtTheDefaultDepthLimitSurviveEveryOperationOnATask() async throws {
        var term: Term = .atom("leaf")
        for level in 0..<ETFDecoder.Limits.default.maxDepth {
            term = level % 3 == 0 ? .list([term]) : (level % 3 == 1 ? .tuple([term, 1]) : .map([.atom("k"): term]))
        }
        let deep = term
        let checks = try await Task.detached {
            let bytes = try ETFEncoder().encode(deep)
            let decoded = try ETFDecoder().decode(bytes)
            return [decoded == deep, !(decoded < deep), Term.compare(decoded, deep) == 0, decoded.hashValue == deep.hashValue]
        }.value
        #expect(checks == [true, true, true, true])
    }

    @Test func atomsLongerThan255CharactersAreRefused() throws {
        let long = [UInt8](repeating: 97, count: 256)
        #expect(decodeError([131, 100, 1, 0] + long)?.code == .invalidAtom)
        #expect(decodeError([131, 118, 1, 0] + long)?.code == .invalidAtom)
        let hiragana = Array(String(repeating: "あ", count: 256).utf8)
        let count = UInt16(hiragana.count)
        #expect(decodeError([131, 118, UInt8(count >> 8), UInt8(count & 0xFF)] + hiragana)?.code == .invalidAtom)
        #expect(throws: ErlangTermError.self) { try ETFEncoder().encode(.atom(Atom(String(repeating: "a", count: 256)))) }
    }

    @Test func bigIntegersOverTheLimitAreRefused() throws {
        let bytes: [UInt8] = [131, 111, 0, 0, 1, 0, 0] + [UInt8](repeating: 1, count: 256)
        #expect(decodeError(bytes, limits: .init(maxBigIntegerBytes: 255))?.code == .bigIntegerTooLarge)
        #expect(decodeError(bytes, limits: .init(maxBigIntegerBytes: 256)) == nil)
    }

    @Test func compressedTermsCannotInflatePastTheLimits() throws {
        let big = try ETFEncoder(compressionLevel: 9).encode(.binary([UInt8](repeating: 0, count: 100_000)))
        #expect(big[1] == 80)
        #expect(decodeError(big, limits: .init(maxSize: 50_000))?.code == .sizeLimitExceeded)
        #expect(decodeError(big) == nil)
        // A declared size no zlib stream of this length can reach.
        #expect(decodeError([131, 80, 0x40, 0, 0, 0, 0x78, 0x9C, 3, 0])?.code == .invalidCompression)
        // A stream that inflates to more than it declares.
        var lying = big
        lying[5] = lying[5] &- 1
        #expect(decodeError(lying)?.code == .invalidCompression)
    }

    @Test func inputLargerThanTheSizeLimitIsRefused() {
        let bytes: [UInt8] = [131, 109, 0, 0, 0, 16] + [UInt8](repeating: 0, count: 16)
        #expect(decodeError(bytes, limits: .init(maxSize: 10))?.code == .sizeLimitExceeded)
    }

    @Test func errorsSayWhatAndWhere() throws {
        let error = try #require(decodeError([131, 104, 2, 97, 1, 200]))
        #expect(error.code == .unknownTag)
        #expect(error.offset == 5)
        #expect(error.description == "unknownTag at offset 5: unknown tag 200")
    }

    @Test func atomCacheReferencesResolveThroughTheSuppliedCache() throws {
        var buffer = ByteBuffer(bytes: [104, 2, 82, 1, 82, 0])
        let term = try ETFDecoder().readUnversioned(from: &buffer, atomCache: ["zero", "one"])
        #expect(term == .tuple([.atom("one"), .atom("zero")]))
        var missing = ByteBuffer(bytes: [82, 2])
        #expect(throws: ErlangTermError.self) { try ETFDecoder().readUnversioned(from: &missing, atomCache: ["zero"]) }
    }
}

import NIOCore
