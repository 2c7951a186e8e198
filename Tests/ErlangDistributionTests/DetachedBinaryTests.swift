@testable import ErlangDistribution
import ErlangTerm
import NIOCore
import Testing

/// Large binaries of fragmented messages are gathered straight into their own arrays
/// (``FragmentReassembly``, ``LargeBinaryScanner``): the messages must decode exactly as when
/// everything is gathered in one buffer, and the bounds must count what is reserved ahead.
@Suite struct DetachedBinaryTests {
    static let large = [20_000, 70_000, 16_384]

    /// A binary of `count` bytes that differs from the others and along its length.
    static func binary(_ count: Int, seed: UInt8) -> Term {
        .binary((0..<count).map { UInt8(truncatingIfNeeded: $0 / 251) &+ seed })
    }

    /// A payload with every kind of term the scanner walks before, between and inside its
    /// large binaries.
    static let payload: Term = .tuple([
        .integer(7), .integer(-70_000), .float(3.5), .atom("ok"), .atom(Atom(String(repeating: "ä", count: 100))),
        .string(Array("charlist".utf8)), .list([.integer(1), .atom("two")]), .improperList([.integer(1)], tail: .integer(2)),
        .pid(Fixtures.dlpy1), .port(Port(node: "p@h", id: 9, creation: 3)),
        .reference(Reference(node: "r@h", ids: [1, 2, 3], creation: 4)),
        Term(BigInteger("123456789012345678901234567890")!), Term(BigInteger(String(repeating: "9", count: 700))!),
        .bitstring([0xFF, 0x80], bits: 1), .fun(.export(module: "lists", function: "map", arity: 2)),
        .fun(.closure(Fun.Closure(
            arity: 1, uniq: [UInt8](repeating: 1, count: 16), index: 3, module: "m", oldIndex: 1, oldUniq: 2,
            pid: Fixtures.dlpy1, freeVariables: [.binary([9, 9, 9])]
        ))),
        binary(100, seed: 1), binary(large[0], seed: 2),
        .map(TermMap([(.atom("data"), .list([binary(large[1], seed: 3), .atom("after")]))])),
        binary(large[2], seed: 4), .atom("end"),
    ])

    static let message = DistributionMessage(
        control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: payload)

    @Test(arguments: [16, 100, 4_096, 65_536])
    func largeBinariesAmongEveryKindOfTermReassemble(fragmentSize: Int) throws {
        let limits = DistributionLimits(fragmentSize: fragmentSize)
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags, limits: limits)
        let frames = try writer.write(Self.message)
        for frame in frames.dropLast() { #expect(try reader.read(frame: frame) == nil) }
        let pending = try #require(reader.pending.values.first)
        // Every large binary whose tag came before the last fragment was detached.
        let detached = pending.reassembly.detached.map(\.bytes.count)
        #expect(detached.count == (fragmentSize < 65_536 ? 3 : 2))
        #expect(detached.dropLast() == Self.large.prefix(detached.count - 1))
        // The binaries' bytes still to come are counted already.
        #expect(reader.bufferedFragmentBytes == pending.held)
        #expect(pending.held == pending.reassembly.data.readableBytes + Self.large.prefix(detached.count).reduce(0, +))
        #expect(try reader.read(frame: frames[frames.count - 1]) == Self.message)
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func theScannerFindsEachLargeBinaryAsTheBytesArrive() throws {
        var encoded = ByteBuffer()
        try ETFEncoder().writeUnversioned(Self.payload, into: &encoded)
        let bytes = Array(encoded.readableBytesView)
        for step in [1, 7, 4_096, bytes.count] {
            var scanner = LargeBinaryScanner()
            var found: [Int] = []
            var end = 0
            while end < bytes.count {
                end = min(end + step, bytes.count)
                bytes[..<end].withUnsafeBytes { raw in
                    while let binary = scanner.nextLargeBinary(in: raw) {
                        #expect(raw[binary.tag] == 109)
                        #expect(scanner.position == binary.tag + 5)
                        found.append(binary.length)
                        scanner.skip(binary.length)
                    }
                }
            }
            #expect(found == Self.large, "step \(step)")
            #expect(scanner.position == bytes.count)
        }
    }

    @Test func aLargeBinaryAfterTheTermBudgetStaysInTheBuffer() throws {
        let payload: Term = .tuple([.list((0..<300).map { .integer($0) }), Self.binary(30_000, seed: 5)])
        let message = DistributionMessage(control: .send(to: Fixtures.dlb85), payload: payload)
        let limits = DistributionLimits(fragmentSize: 4_096)
        var writer = DistributionMessageWriter(flags: Fixtures.atomCacheFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.atomCacheFlags, limits: limits)
        let frames = try writer.write(message)
        for frame in frames.dropLast() { #expect(try reader.read(frame: frame) == nil) }
        #expect(reader.pending.values.first?.reassembly.detached.isEmpty == true)
        #expect(try reader.read(frame: frames[frames.count - 1]) == message)
    }

    @Test func theRestOfADetachedBinaryIsCountedWhenItsTagArrives() throws {
        let limits = DistributionLimits(maxFragmentedMessageBytes: 50_000, fragmentSize: 4_096)
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags, limits: limits)
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags, limits: limits)
        let message = DistributionMessage(
            control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: Self.binary(40_000, seed: 6))
        let frames = try writer.write(message)
        let data = 47 + 5 + 40_000  // SEND_SENDER control, BINARY_EXT header, the bytes
        for frame in frames.dropLast() {
            #expect(try reader.read(frame: frame) == nil)
            #expect(reader.bufferedFragmentBytes == data)
        }
        #expect(try reader.read(frame: frames[frames.count - 1]) == message)
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func aBinaryTheBoundsCannotHoldIsNotReservedAndStillFails() throws {
        let limits = DistributionLimits(maxFragmentedMessageBytes: 20_000, fragmentSize: 4_096)
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags, limits: DistributionLimits(fragmentSize: 4_096))
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags, limits: limits)
        let message = DistributionMessage(
            control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: Self.binary(30_000, seed: 7))
        let frames = try writer.write(message)
        #expect(try reader.read(frame: frames[0]) == nil)
        #expect(reader.bufferedFragmentBytes == frames[0].readableBytes - 19)
        #expect(reader.pending.values.first?.reassembly.detached.isEmpty == true)
        var failure: DistributionError?
        for frame in frames.dropFirst() where failure == nil {
            failure = distributionError { _ = try reader.read(frame: frame) }
        }
        #expect(failure?.code == .fragmentMemoryExceeded)
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func aMessageThatEndsInsideADetachedBinaryFailsAtItsTag() throws {
        var writer = DistributionMessageWriter(flags: Fixtures.fragmentFlags, limits: DistributionLimits(fragmentSize: 4_096))
        let message = DistributionMessage(
            control: .sendSender(from: Fixtures.dlpy1, to: Fixtures.dlb85), payload: Self.binary(30_000, seed: 8))
        let frames = try writer.write(message)
        // The first fragment now says the message has two; the last one follows it.
        var first = bytes(frames[0])
        first.replaceSubrange(10..<18, with: hex("0000000000000002"))
        var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags)
        #expect(try reader.read(frame: buffer(first)) == nil)
        let error = try #require(distributionError { _ = try reader.read(frame: frames[frames.count - 1]) })
        #expect(error.code == .invalidTerm)
        #expect(error.termError?.code == .truncated)
        #expect(error.offset == 47)  // the BINARY_EXT tag, after the SEND_SENDER control message
        #expect(reader.bufferedFragmentBytes == 0)
    }

    @Test func theScannerSurvivesArbitraryBytes() {
        var random = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { random.next() }
        for _ in 0..<2_000 {
            let count = Int(next() % 512)
            // Mostly tag-like bytes, so that nesting and lengths are exercised.
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: next() % 3 == 0 ? next() : 97 + next() % 24) }
            var scanner = LargeBinaryScanner()
            bytes.withUnsafeBytes { raw in
                while let binary = scanner.nextLargeBinary(in: raw) {
                    #expect(binary.length >= LargeBinaryScanner.threshold)
                    scanner.skip(binary.length)
                }
            }
            #expect(scanner.position <= bytes.count)
        }
    }

    @Test func arbitraryFragmentDataFailsOrDecodesWithoutHarm() {
        var random = XorShift(state: 0x2545_F491_4F6C_DD1D)
        func next() -> UInt64 { random.next() }
        // A large binary's header now and then, so that detaching meets arbitrary bytes around it.
        func data(_ count: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            while bytes.count < count {
                if next() % 8 == 0 {
                    bytes += [109] + withUnsafeBytes(of: UInt32(16_384 + next() % 40_000).bigEndian, Array.init)
                } else {
                    bytes.append(UInt8(truncatingIfNeeded: next() % 2 == 0 ? next() : 97 + next() % 24))
                }
            }
            return bytes
        }
        for sequence in 1...300 as ClosedRange<UInt64> {
            var reader = DistributionMessageReader(flags: Fixtures.fragmentFlags)
            let fragments = 1 + next() % 6
            let id = withUnsafeBytes(of: sequence.bigEndian, Array.init)
            var frames = [hex("83 45") + id + withUnsafeBytes(of: fragments.bigEndian, Array.init) + [0] + data(Int(next() % 300))]
            for fragment in stride(from: fragments - 1, through: 1, by: -1) {
                frames.append(hex("83 46") + id + withUnsafeBytes(of: fragment.bigEndian, Array.init) + data(Int(next() % 30_000)))
            }
            for frame in frames {
                do {
                    _ = try reader.read(frame: buffer(frame))
                } catch {
                    break
                }
            }
        }
    }
}

/// A fixed sequence of pseudo-random numbers (xorshift64), so failures repeat.
struct XorShift {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
