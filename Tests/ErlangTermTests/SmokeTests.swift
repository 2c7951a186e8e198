import ErlangTerm
import Testing

@Test func roundTripsASimpleTuple() throws {
    let term: Term = .tuple([.atom("ok"), .integer(1)])
    let bytes = try ETFEncoder().encode(term)
    #expect(bytes == [131, 104, 2, 119, 2, 111, 107, 97, 1])
    #expect(try ETFDecoder().decode(bytes) == term)
}
