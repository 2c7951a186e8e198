import ErlangTerm
import Testing

/// The decoder's short paths (remembered long atoms, direct map key comparisons) must give what
/// the general paths give.
@Suite struct DecoderFastPathTests {
    private func atomBytes(_ name: String, tag: UInt8 = 119) -> [UInt8] {
        let text = Array(name.utf8)
        return tag == 119 ? [119, UInt8(text.count)] + text : [100, 0, UInt8(text.count)] + text
    }

    @Test func longAtomsOfEqualLengthAreNotMixedUp() throws {
        // More distinct long atoms than the decoder remembers, each twice, in both encodings.
        let names = (100..<140).map { "node_\($0)@host.example" }
        var bytes: [UInt8] = [131, 104, UInt8(names.count * 2)]
        for name in names { bytes += atomBytes(name) }
        for name in names.reversed() { bytes += atomBytes(name, tag: 100) }
        let expected = Term.tuple(names.map { .atom(Atom($0)) } + names.reversed().map { .atom(Atom($0)) })
        #expect(try ETFDecoder().decode(bytes) == expected)
    }

    @Test func nonASCIIAtomsAreStillValidated() throws {
        let good = Array("héllo_wörld_with_a_long_name".utf8)
        #expect(try ETFDecoder().decode([131, 119, UInt8(good.count)] + good) == .atom("héllo_wörld_with_a_long_name"))
        #expect(try ETFDecoder().decode([131, 100, 0, 2, 0xE9, 0x61]) == .atom("éa"))
        let bad: [UInt8] = [131, 119, 17] + Array("abcdefghijklmnop".utf8) + [0xFF]
        #expect { try ETFDecoder().decode(bad) } throws: { ($0 as? ErlangTermError)?.code == .invalidAtom }
    }

    @Test(arguments: [
        // binary keys <<"b">>, <<"a">>: out of order, sorted on decode
        ([131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 1, 98, 97, 1, 109, 0, 0, 0, 1, 97, 97, 2] as [UInt8], false),
        // binary key <<"a">> twice
        ([131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 1, 97, 97, 1, 109, 0, 0, 0, 1, 97, 97, 2], true),
        // atom key a twice, once in each encoding
        ([131, 116, 0, 0, 0, 2, 119, 1, 97, 97, 1, 100, 0, 1, 97, 97, 2], true),
        // UTF-8 atom key b twice
        ([131, 116, 0, 0, 0, 2, 119, 1, 98, 97, 1, 119, 1, 98, 97, 2], true),
        // atom keys b, a: out of order
        ([131, 116, 0, 0, 0, 2, 119, 1, 98, 97, 1, 119, 1, 97, 97, 2], false),
        // binary <<"a">> before atom a: out of order (atoms sort before binaries)
        ([131, 116, 0, 0, 0, 2, 109, 0, 0, 0, 1, 97, 97, 1, 119, 1, 97, 97, 2], false),
        // atom a, atom ab, binary <<>>, binary <<"a">>: in order
        ([131, 116, 0, 0, 0, 4, 119, 1, 97, 97, 1, 119, 2, 97, 98, 97, 2, 109, 0, 0, 0, 0, 97, 3,
          109, 0, 0, 0, 1, 97, 97, 4], false),
        // integer keys 2, 1 and then 1 again
        ([131, 116, 0, 0, 0, 3, 97, 2, 97, 0, 97, 1, 97, 0, 97, 1, 97, 0], true),
        // integer 1 and float 1.0 are different keys
        ([131, 116, 0, 0, 0, 2, 97, 1, 97, 0, 70, 63, 240, 0, 0, 0, 0, 0, 0, 97, 0], false),
    ])
    func mapKeysAreSortedAndDuplicatesRefused(_ bytes: [UInt8], duplicate: Bool) throws {
        do {
            let term = try ETFDecoder().decode(bytes)
            #expect(!duplicate)
            guard case .map(let map) = term else { Issue.record("not a map"); return }
            #expect(map.keys == map.keys.sorted())
            #expect(Set(map.keys).count == map.count)
        } catch let error as ErlangTermError {
            #expect(duplicate)
            #expect(error.code == .duplicateMapKey)
            #expect(error.offset == 1)
        }
    }
}
