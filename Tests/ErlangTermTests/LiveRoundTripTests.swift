import ErlangTerm
import ErlangTestSupport
import Foundation
import Testing

/// Random terms built in Swift go to a real `erl` and back: OTP reads our bytes
/// (`binary_to_term`), writes them again (`term_to_binary(T, [{minor_version, 2}])`), and both
/// sides check exact equality.
@Suite struct LiveRoundTripTests {
    static let termCount = 3_000

    // Reads <<Len:32, Blob>>... from In; for each writes <<Exact:8, Len:32, Reencoded>> to Out,
    // where Exact is 1 when binary_to_term(Reencoded) =:= binary_to_term(Blob).
    static let erlangSide = """
        {ok, In} = file:read_file(os:getenv("SWERL_IN")),
        Loop = fun Loop(<<L:32, B:L/binary, Rest/binary>>, Acc) ->
                       T = binary_to_term(B),
                       R = term_to_binary(T, [{minor_version, 2}]),
                       Exact = case binary_to_term(R) =:= T of true -> 1; false -> 0 end,
                       Loop(Rest, [<<Exact, (byte_size(R)):32, R/binary>> | Acc]);
                   Loop(<<>>, Acc) -> lists:reverse(Acc)
               end,
        ok = file:write_file(os:getenv("SWERL_OUT"), Loop(In, [])),
        halt().
        """

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func randomTermsSurviveARealErlang() throws {
        var generator = RandomTerms(random: SeededRandom(seed: SeededRandom.seedFromEnvironment))
        let terms = (0..<Self.termCount).map { _ in generator.term(depth: 4) }
        let encoded = try terms.map { try ETFEncoder().encode($0) }
        let replies = try Self.roundTrip(encoded)
        try #require(replies.count == terms.count)
        var sameBytes = 0
        for (index, reply) in replies.enumerated() {
            #expect(reply.exactOnErlangSide, "term \(index): OTP's re-encoding is not =:= to what it read")
            let back = try ETFDecoder().decode(reply.bytes)
            #expect(back == terms[index], "term \(index) changed on its way through OTP")
            if !OTPVectorTests.hasLargeMap(terms[index]) {
                #expect(reply.bytes == encoded[index], "term \(index): OTP wrote other bytes than Swerl")
                sameBytes += 1
            }
        }
        #expect(sameBytes > Self.termCount / 2)
    }

    struct Reply {
        var exactOnErlangSide: Bool
        var bytes: [UInt8]
    }

    static func roundTrip(_ blobs: [[UInt8]]) throws -> [Reply] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swerl-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.etfs")
        let output = directory.appendingPathComponent("out.etfs")
        var framed: [UInt8] = []
        for blob in blobs {
            framed += withUnsafeBytes(of: UInt32(blob.count).bigEndian, Array.init) + blob
        }
        try Data(framed).write(to: input)
        let erl = try ErlangInterop.requireErl()
        _ = try ErlangInterop.run("/usr/bin/env", ["SWERL_IN=\(input.path)", "SWERL_OUT=\(output.path)", erl, "-noshell", "-eval", erlangSide])
        return parse(Array(try Data(contentsOf: output)))
    }

    static func parse(_ bytes: [UInt8]) -> [Reply] {
        var replies: [Reply] = []
        var offset = 0
        while offset + 5 <= bytes.count {
            let length = bytes[offset + 1..<offset + 5].reduce(0) { $0 << 8 | Int($1) }
            let end = min(offset + 5 + length, bytes.count)
            replies.append(Reply(exactOnErlangSide: bytes[offset] == 1, bytes: Array(bytes[offset + 5..<end])))
            offset = end
        }
        return replies
    }
}
