import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// Frames a broken or hostile peer may send: each is refused with a typed error saying what and
/// where, never a crash (design.md, "Bad input").
@Suite struct HostileFrameTests {
    static let link = "68 03 61 01 <dlpy.1> <dlb.85>"

    private func failure(_ frames: [String], flags: DistributionFlags = Fixtures.atomCacheFlags, limits: DistributionLimits = .default) -> DistributionError? {
        var reader = DistributionMessageReader(flags: flags, limits: limits)
        return distributionError {
            for frame in frames { _ = try reader.read(frame: buffer(hex(frame))) }
        }
    }

    @Test(arguments: [
        ("83 44 00 " + link, DistributionFlags?.none, "a normal header"),
        ("70 83 " + link, Fixtures.passThroughFlags, "a pass-through frame"),
    ])
    func wellFormedFramesRead(_ frame: String, _ flags: DistributionFlags?, _ name: String) throws {
        var reader = DistributionMessageReader(flags: flags ?? Fixtures.atomCacheFlags)
        #expect(try reader.read(frame: buffer(hex(frame))) == DistributionMessage(control: .link(from: Fixtures.dlpy1, to: Fixtures.dlb85)), "\(name)")
    }

    @Test func anEmptyFrameIsATickAndCarriesNothing() throws {
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags)
        #expect(try reader.read(frame: ByteBuffer()) == nil)
    }

    @Test(arguments: [
        // (frame, code, offset, words)
        ("70 83 " + link, DistributionError.Code.invalidHeader, 0, "starts with 131, found 112"),
        ("83 47 00", .invalidHeader, 1, "header tag 71"),
        ("83", .truncatedFrame, 1, "header tag"),
        ("83 44", .truncatedFrame, 2, "number of atom cache references"),
        ("83 44 02 88", .truncatedFrame, 3, "flags of 2 atom cache references"),
        ("83 44 01 08 05 04 61 62", .truncatedFrame, 6, "claims 4 bytes, 2 left"),
        ("83 44 01 08 05", .truncatedFrame, 5, "length of atom cache reference 0"),
        ("83 44 02 00 00 05", .truncatedFrame, 6, "internal index of atom cache reference 1"),
        ("83 44 01 19 05 01", .truncatedFrame, 5, "inside the length of atom cache reference 0"),  // long atoms: 2-byte length
        ("83 45 0000000000000001 00000000", .truncatedFrame, 10, "fragment id"),
        ("83 46 00000000", .truncatedFrame, 2, "sequence id"),
        ("83 44 00", .truncatedFrame, 3, "no control message"),
        ("83 44 00 68 03 61 01 58", .invalidTerm, 8, "control message does not decode"),
        ("83 44 00 83 " + link, .invalidTerm, 3, "starts with 131"),
        ("83 44 00 68 02 61 0a 6a", .unknownControlMessage, nil, "operation code 10"),
        ("83 44 00 68 02 61 01 6a", .malformedControlMessage, nil, "LINK (1) is a tuple of 3"),
        ("83 44 00 " + link + " 6a", .unexpectedPayload, 50, "LINK carries no payload, 1 bytes follow"),
        ("83 44 00 68 03 61 16 <dlpy.1> <dlb.85>", .missingPayload, 50, "SEND_SENDER carries a payload"),
        ("83 44 00 68 03 61 16 <dlpy.1> <dlb.85> 6a 6a", .trailingBytes, 51, "1 bytes follow the payload"),
        ("83 44 01 00 05 " + link, .atomCacheMiss, 2, "slot 5"),
    ] as [(String, DistributionError.Code, Int?, String)])
    func aBrokenHeaderModeFrameSaysWhatAndWhere(_ frame: String, _ code: DistributionError.Code, _ offset: Int?, _ words: String) throws {
        let error = try #require(failure([frame]))
        #expect(error.code == code, "\(error)")
        #expect(error.offset == offset, "\(error)")
        #expect(error.detail.contains(words), "\(error)")
    }

    @Test func aBrokenPassThroughFrameSaysWhat() throws {
        let notP = try #require(failure(["83 " + Self.link], flags: Fixtures.passThroughFlags))
        #expect(notP.code == .invalidHeader)
        #expect(notP.detail.contains("112"))
        let noVersion = try #require(failure(["70 " + Self.link], flags: Fixtures.passThroughFlags))
        #expect(noVersion.code == .invalidTerm)
        #expect(noVersion.termError?.code == .missingVersion)
        let headerInPassThrough = try #require(failure(["83 44 00 " + Self.link], flags: Fixtures.passThroughFlags))
        #expect(headerInPassThrough.code == .invalidHeader)
    }

    @Test func fragmentHeadersNeedFragmentsAgreed() throws {
        let flags = Fixtures.atomCacheOnlyFlags
        let start = try #require(failure(["83 45 0000000000000001 0000000000000002 00 " + Self.link], flags: flags))
        #expect(start.code == .invalidHeader)
        #expect(start.detail.contains("FRAGMENTS"))
        #expect(failure(["83 46 0000000000000001 0000000000000001 6a"], flags: flags)?.code == .invalidHeader)
    }

    @Test func aFragmentWithoutItsStartIsRefused() throws {
        let error = try #require(failure(["83 46 0000000000000007 0000000000000001 6a"]))
        #expect(error.code == .fragmentWithoutStart)
        #expect(error.detail.contains("sequence 7"))
    }

    @Test func fragmentsOutOfOrderAreRefused() throws {
        let start = "83 45 0000000000000007 0000000000000003 00 " + Self.link
        let skipped = try #require(failure([start, "83 46 0000000000000007 0000000000000001 6a"]))
        #expect(skipped.code == .fragmentOutOfOrder)
        #expect(skipped.detail.contains("expects fragment 2, got 1"))
        let repeated = try #require(failure([start, "83 46 0000000000000007 0000000000000002", "83 46 0000000000000007 0000000000000002"]))
        #expect(repeated.code == .fragmentOutOfOrder)
        let zero = try #require(failure(["83 45 0000000000000007 0000000000000000 00 " + Self.link]))
        #expect(zero.code == .fragmentOutOfOrder)
    }

    @Test func aSequenceStartedTwiceIsRefused() throws {
        let start = "83 45 0000000000000007 0000000000000003 00 " + Self.link
        let error = try #require(failure([start, start]))
        #expect(error.code == .duplicateFragmentSequence)
    }

    @Test func aSingleFragmentMessageReads() throws {
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags)
        let frame = buffer(hex("83 45 0000000000000007 0000000000000001 00 " + Self.link))
        #expect(try reader.read(frame: frame) == DistributionMessage(control: .link(from: Fixtures.dlpy1, to: Fixtures.dlb85)))
    }

    @Test func aFragmentedMessageThatIsBrokenInsideFailsWhenComplete() throws {
        let error = try #require(failure([
            "83 45 0000000000000007 0000000000000002 00 68 03 61 01",
            "83 46 0000000000000007 0000000000000001 58",
        ]))
        #expect(error.code == .invalidTerm)
        #expect(error.offset == 5)  // offset into the reassembled data
    }

    @Test func aFrameOverTheLimitIsRefusedBeforeReading() throws {
        let limits = DistributionLimits(maxFrameBytes: 40)
        let error = try #require(failure(["83 44 00 " + Self.link], limits: limits))
        #expect(error.code == .frameTooLarge)
    }

    @Test func randomBytesNeverCrashTheReader() {
        var generator = SystemRandomNumberGenerator()
        let valid = hex("83 44 02 88 00 01 01 61 02 01 62 68 03 61 06 52 00 52 01")
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            bytes = Array(bytes.prefix(Int.random(in: 1...bytes.count, using: &generator)))
            for flags in [Fixtures.passThroughFlags, Fixtures.atomCacheFlags] {
                var reader = DistributionMessageReader(flags: flags)
                do {
                    _ = try reader.read(frame: buffer(bytes))
                } catch is DistributionError {
                } catch {
                    Issue.record("not a DistributionError: \(error)")
                }
            }
        }
    }
}
