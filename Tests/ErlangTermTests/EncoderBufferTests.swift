import ErlangTerm
import NIOCore
import Testing

/// The encoder writes straight into the caller's buffer and starts a term again when it runs out
/// of room: whatever the buffer held must survive that, and the bytes must not depend on it.
@Suite struct EncoderBufferTests {
    private let terms: [Term] = [
        .tuple([.atom("send"), .integer(42)]),
        .binary([UInt8](repeating: 7, count: 100_000)),
        .list((0..<5_000).map { .integer($0 % 300) }),
        .list((0..<300).map { .integer($0 % 256) }),
        .fun(.closure(Fun.Closure(
            arity: 1, uniq: [UInt8](repeating: 1, count: 16), index: 3, module: "m", oldIndex: 1, oldUniq: 2,
            pid: PID(node: "a@b", id: 1, serial: 0, creation: 5),
            freeVariables: [.binary([UInt8](repeating: 9, count: 5_000)), .atom(Atom(String(repeating: "x", count: 200)))]
        ))),
    ]

    @Test func appendsAfterWhatTheBufferHolds() throws {
        for term in terms {
            var buffer = ByteBuffer(bytes: [1, 2, 3])
            try ETFEncoder().encode(term, into: &buffer)
            #expect(buffer.readBytes(length: 3) == [1, 2, 3])
            #expect(buffer.readBytes(length: buffer.readableBytes) == (try ETFEncoder().encode(term)))
        }
    }

    @Test func aReusedBufferGivesTheSameBytesAsAFreshOne() throws {
        var buffer = ByteBuffer()
        for term in terms + terms.reversed() {
            buffer.clear()
            try ETFEncoder().encode(term, into: &buffer)
            let fresh = try ETFEncoder().encode(term)
            #expect(Array(buffer.readableBytesView) == fresh)
            #expect(try ETFDecoder().decode(fresh) == term)
        }
    }

    @Test func aFailedEncodingLeavesTheBufferAsItWas() throws {
        var buffer = ByteBuffer(bytes: [9])
        let bad: Term = .tuple([.binary([UInt8](repeating: 0, count: 10_000)), .float(.nan)])
        #expect(throws: ErlangTermError.self) { try ETFEncoder().encode(bad, into: &buffer) }
        #expect(Array(buffer.readableBytesView) == [9])
    }

    @Test func unversionedTermsFollowAHeader() throws {
        var buffer = ByteBuffer(bytes: [112])
        try ETFEncoder().writeUnversioned(.atom("hello_world_with_a_long_name"), into: &buffer)
        #expect(Array(buffer.readableBytesView) == [112, 119, 28] + Array("hello_world_with_a_long_name".utf8))
    }
}
