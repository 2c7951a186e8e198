import ErlangTerm
import Testing

/// Erlang's equality and order, as OTP 25 computes them (checked with lists:sort/1 there).
@Suite struct TermSemanticsTests {
    static let node: Atom = "a@h"

    @Test func theStandardOrderRanksTypes() {
        let pid = Term.pid(PID(node: Self.node, id: 1, serial: 0, creation: 1))
        let port = Term.port(Port(node: Self.node, id: 1, creation: 1))
        let reference = Term.reference(Reference(node: Self.node, ids: [1, 2, 3], creation: 1))
        let fun = Term.fun(.export(module: "lists", function: "map", arity: 2))
        let ascending: [Term] = [
            -5, 1.5, .atom("a"), reference, fun, port, pid, .tuple([]), .map([:]), [], [1], .binary([]),
        ]
        #expect(ascending.shuffled().sorted() == ascending)
        for (lower, higher) in zip(ascending, ascending.dropFirst()) {
            #expect(Term.compare(lower, higher) < 0)
        }
    }

    @Test func numbersCompareByValueAndIntegersAreNotExactlyFloats() {
        #expect(Term.integer(1) != Term.float(1.0))
        #expect(Term.integer(1).isEqual(to: .float(1.0)))
        #expect(Term.compare(2, 1.5) > 0)
        let big = Term(BigInteger("1180591620717411303424")!)
        let sorted: [Term] = [-1.5e30, Term(BigInteger("-1267650600228229401496703205376")!), 1, 1.0, 2.0, 2, big]
        // lists:sort/1 on OTP 25 gave exactly this order (it is stable: 1 and 1.0 are equal).
        for (lower, higher) in zip(sorted, sorted.dropFirst()) {
            #expect(Term.compare(lower, higher) <= 0)
        }
        #expect(Term.compare(1, 1.0) == 0 && Term.compare(2.0, 2) == 0)
        #expect(Term.compare(big, 1.0e21) > 0 && Term.compare(big, 1.0e22) < 0)
        #expect(Term.compare(.integer(Int.max), .float(0x1p63)) < 0)
        #expect(Term.float(0.0) == Term.float(-0.0))
    }

    @Test func listsCompareElementwiseThenByTail() {
        let expected: [Term] = [
            .string(Array("a".utf8)), .improperList([.atom("a")], tail: .atom("b")),
            .improperList([.atom("a")], tail: .atom("c")), [.atom("a")], [.atom("a"), .atom("b")], [.atom("b")],
        ]
        #expect(expected.reversed().sorted() == expected)
    }

    @Test func identifiersOrderAsOTPSortsThem() {
        func pid(_ node: Atom, _ id: UInt32, _ serial: UInt32, _ creation: UInt32) -> Term {
            .pid(PID(node: node, id: id, serial: serial, creation: creation))
        }
        // lists:sort/1 on OTP 25: serial, then number, then node, then creation.
        let pids = [pid("aa@h", 0, 0, 1), pid("a@h", 1, 0, 2), pid("b@h", 1, 0, 1), pid("a@h", 2, 0, 1), pid("a@h", 3, 0, 0), pid("a@h", 1, 1, 1)]
        #expect(pids.reversed().sorted() == pids)
        func ref(_ node: Atom, _ creation: UInt32, _ ids: [UInt32]) -> Term {
            .reference(Reference(node: node, ids: ids, creation: creation))
        }
        let refs = [ref("a@h", 1, [0, 0, 0, 0, 0]), ref("a@h", 1, [2, 0, 0]), ref("a@h", 1, [5]), ref("a@h", 1, [1, 1, 0]), ref("a@h", 1, [1, 0, 1]), ref("a@h", 2, [1, 0, 0]), ref("b@h", 1, [1, 0, 0])]
        #expect(refs.reversed().sorted() == refs)
    }

    @Test func bitstringsCompareBitByBit() {
        let ascending: [Term] = [
            .binary([]), .bitstring([0], bits: 1), .binary([0]), .binary([1]), .binary([1, 2]), .bitstring([0x20], bits: 3),
        ]
        #expect(ascending.reversed().sorted() == ascending)
    }

    @Test func charlistsEqualListsOfIntegersButStayDistinguishable() {
        let charlist = Term.string(Array("abc".utf8))
        let list: Term = [97, 98, 99]
        #expect(charlist == list)
        #expect(charlist.hashValue == list.hashValue)
        guard case .string = charlist else {
            Issue.record("a STRING_EXT term must stay a string")
            return
        }
        #expect(Set([charlist, list]).count == 1)
    }

    @Test func mapKeysAreComparedExactly() {
        let map = TermMap([(.integer(1), .atom("int")), (.float(1.0), .atom("float")), (.integer(1), .atom("again"))])
        #expect(map.count == 2)
        #expect(map[.integer(1)] == .atom("again"))
        #expect(map[.float(1.0)] == .atom("float"))
        // Map key order puts every integer before every float (OTP 25 writes #{1.0=>a,2=>c} keys as 2, 1.0).
        let mixed = TermMap([(.float(0.5), 1), (.integer(2), 2)])
        #expect(mixed.keys == [.integer(2), .float(0.5)])
    }

    @Test func improperListsAreNormalised() {
        #expect(Term.list([1], tail: [2, 3]) == [1, 2, 3])
        #expect(Term.list([], tail: .atom("x")) == .atom("x"))
        #expect(Term.list([1], tail: .string([2])) == [1, 2])
        if case .improperList(let elements, let tail) = Term.list([1], tail: .list([2], tail: 3)) {
            #expect(elements == [1, 2] && tail == 3)
        } else {
            Issue.record("expected an improper list")
        }
    }

    @Test func bigIntegersPrintParseAndConvert() throws {
        let text = "-123456789012345678901234567890123456789"
        let value = try #require(BigInteger(text))
        #expect(value.description == text)
        #expect(BigInteger(Int.min).int64Value == Int64.min)
        #expect(BigInteger(0).description == "0")
        #expect(Term(try #require(BigInteger("9223372036854775807"))) == .integer(Int.max))
        #expect(BigInteger(exactly: 0x1p70)?.description == "1180591620717411303424")
        #expect(BigInteger(exactly: -1.5) == nil)
    }

    @Test func localTermsComeBackUnchanged() throws {
        let bytes: [UInt8] = [131, 121, 1, 2, 3, 4, 5]
        let term = try ETFDecoder().decode(bytes)
        #expect(term == .local(LocalTerm(bytes: [1, 2, 3, 4, 5])))
        #expect(try ETFEncoder().encode(term) == bytes)
        #expect(throws: ErlangTermError.self) { try ETFEncoder().encode(.tuple([term])) }
    }

    @Test func floatsEncodeAsOTPWritesThem() throws {
        #expect(try ETFEncoder().encode(-0.0) == [131, 70, 0x80, 0, 0, 0, 0, 0, 0, 0])
        #expect(try ETFEncoder(minorVersion: .v0).encode(1.5) == [131, 99] + Array("1.50000000000000000000e+00".utf8) + [0, 0, 0, 0, 0])
        #expect(throws: ErlangTermError.self) { try ETFEncoder().encode(.float(.nan)) }
    }
}

@Suite struct AtomIdentityTests {
    /// Erlang compares atom text byte for byte; Swift's String equality would merge these two.
    @Test func canonicallyEquivalentAtomsAreDistinct() throws {
        let composed = Atom("\u{E9}")
        let decomposed = Atom("e\u{301}")
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        let map = TermMap([(.atom(composed), 1), (.atom(decomposed), 2)])
        #expect(map.count == 2)
        #expect(map[.atom(decomposed)] == 2)
        // Both orders of the two keys decode: they are different keys, not duplicates.
        for pairs in [[(composed, 1), (decomposed, 2)], [(decomposed, 2), (composed, 1)]] {
            var bytes: [UInt8] = [131, 116, 0, 0, 0, 2]
            for (atom, value) in pairs {
                let name = Array(atom.name.utf8)
                bytes += [119, UInt8(name.count)] + name + [97, UInt8(value)]
            }
            #expect(try ETFDecoder().decode(bytes) == .map(map))
        }
    }

    @Test func atomsAreEqualWhenTheirUTF8BytesAreAndHashAlike() {
        let composed = Atom("caf\u{E9}")
        let decomposed = Atom("cafe\u{301}")
        #expect(composed != decomposed)
        let built = Atom(String(decoding: Array("a_rather_long_atom_name@some.host".utf8), as: UTF8.self))
        let literal: Atom = "a_rather_long_atom_name@some.host"
        #expect(built == literal)
        #expect(built.hashValue == literal.hashValue)
        #expect(Atom("ab") != Atom("abc"))
        #expect(Atom("") == Atom(""))
        #expect(Set([built, literal, composed, decomposed]).count == 3)
    }
}
