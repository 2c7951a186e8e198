import ErlangTerm
import Testing

@Suite struct TermParserBinaryTests {
    @Test(arguments: [
        ("<<>>", Term.binary([])), (#"<<"abc">>"#, .utf8("abc")), ("<<1,2,3>>", .binary([1, 2, 3])),
        (#"<<"é"/utf8>>"#, .binary([0xC3, 0xA9])), (#"<<"é">>"#, .binary([233])), (#"<<"ы">>"#, .binary([75])),
        ("<<1,2,3:4>>", .bitstring([1, 2, 0x30], bits: 4)), ("<<1:1>>", .bitstring([0x80], bits: 1)),
        ("<<256>>", .binary([0])), ("<<-1>>", .binary([255])), ("<<1:16>>", .binary([0, 1])),
        ("<<-1:16/little>>", .binary([255, 255])), ("<<1:16/little>>", .binary([1, 0])),
        ("<<16#123:12/little>>", .bitstring([35, 0x10], bits: 4)), ("<<-2:12/little-signed>>", .bitstring([254, 0xF0], bits: 4)),
        ("<<1:8/unit:2>>", .binary([0, 1])), ("<<$a/utf8, 16#20AC/utf8>>", .binary([97, 0xE2, 0x82, 0xAC])),
        (#"<<"€"/utf16>>"#, .binary([0x20, 0xAC])), (#"<<"a"/utf32-little>>"#, .binary([97, 0, 0, 0])),
        (#"<<"ab":16>>"#, .binary([0, 97, 0, 98])), ("<<1.5/float>>", .binary([63, 248, 0, 0, 0, 0, 0, 0])),
        ("<<1.5:32/float>>", .binary([63, 192, 0, 0])), ("<<1/float-little>>", .binary([0, 0, 0, 0, 0, 0, 240, 63])),
        ("<<<<1,2>>/binary, 3>>", .binary([1, 2, 3])), ("<<<<1:3>>/bitstring, 0:5>>", .binary([0x20])),
        ("<<<<1,2,3>>:2/binary>>", .binary([1, 2])), ("<<0:0>>", .binary([])),
        ("<<16#FFFFFFFFFFFFFFFFFF:72>>", .binary(Array(repeating: 255, count: 9))),
        ("<<-16#10000000000000000:72>>", .binary([255, 0, 0, 0, 0, 0, 0, 0, 0])),
    ])
    func buildsBitSyntax(text: String, expected: Term) throws {
        #expect(try Term(parsing: text) == expected)
    }

    @Test(arguments: [
        "<<1.5>>", "<<1:3/utf8>>", "<<16#D800/utf8>>", "<<1/binary>>", "<<<<1:1>>/binary>>", "<<1:16/float>>",
        "<<1/native>>", "<<1/foo>>", "<<X>>", "<<1:X>>", "<<1:1000000000>>", "<<1,>>", "<<1 2>>", "<<(1)>>",
        "<<1/unit:0>>", "<<<<1>>:2/binary>>", "<<1.0e300:32/float>>",
    ])
    func rejectsWhatErlangCannotBuild(text: String) {
        let error = #expect(throws: ErlangTermError.self) { try Term(parsing: text) }
        #expect(error?.code == .syntax)
        #expect(error?.offset != nil)
    }
}
