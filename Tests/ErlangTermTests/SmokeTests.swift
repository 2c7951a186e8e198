import ErlangTerm
import ErlangTestSupport
import Testing

@Test func roundTripsASimpleTuple() throws {
    let term: Term = .tuple([.atom("ok"), .integer(1)])
    let bytes = try ETFEncoder().encode(term)
    #expect(bytes == [131, 104, 2, 119, 2, 111, 107, 97, 1])
    #expect(try ETFDecoder().decode(bytes) == term)
}

@Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
func erlangIsReachable() throws {
    let output = try ErlangInterop.eval("io:format(\"~s\", [erlang:system_info(otp_release)]), halt().")
    #expect(String(decoding: output, as: UTF8.self) == "25")
}
