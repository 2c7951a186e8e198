import ErlangTerm
import Testing

@Suite struct TermParserTests {
    @Test func parsesTheIssueExample() throws {
        let term = try Term(parsing: #"{ok, <<"a">>, #{k => [1|2]}}."#)
        #expect(term == .tuple([.ok, .utf8("a"), .map([.atom("k"): .list([1], tail: 2)])]))
        #expect(try Term(parsing: "{ok, [1|2]}") == .tuple([.ok, .list([1], tail: 2)]))
    }

    @Test(arguments: [
        ("42", Term.integer(42)), ("-7", -7), ("+7", 7), ("- 7", -7), ("16#FF", 255), ("-16#ff", -255), ("2#1010", 10),
        ("36#Zz", 1295), ("1_000", 1000), ("$a", 97), ("$\\n", 10), ("$\\s", 32), ("$ ", 32), ("$\\^A", 1),
        ("$\\101", 65), ("$\\x41", 65), ("$\\x{1F600}", 0x1F600), ("$é", 233), ("$\\q", 113),
        ("9223372036854775807", .integer(Int.max)), ("-9223372036854775808", .integer(Int.min)),
    ])
    func parsesIntegers(text: String, expected: Term) throws {
        #expect(try Term(parsing: text) == expected)
    }

    @Test func parsesBigIntegers() throws {
        #expect(try Term(parsing: "9223372036854775808") == Term(BigInteger("9223372036854775808")!))
        #expect(try Term(parsing: "-123456789012345678901234567890") == Term(BigInteger("-123456789012345678901234567890")!))
        let hex = try Term(parsing: "16#FFFFFFFFFFFFFFFFFFFF")
        #expect(hex == Term(BigInteger(isNegative: false, magnitude: Array(repeating: 0xFF, count: 10))))
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-2.0e-3", -0.002), ("1.0E10", 1e10), ("2.5e+3", 2500), ("1_0.2_5", 10.25), ("-0.0", -0.0),
    ])
    func parsesFloats(text: String, expected: Double) throws {
        let term = try Term(parsing: text)
        guard case .float(let value) = term else { Issue.record("\(text) gave \(term)"); return }
        #expect(value.bitPattern == expected.bitPattern)
    }

    @Test func parsesAtoms() throws {
        #expect(try Term(parsing: "ok") == .ok)
        #expect(try Term(parsing: "a@b_C9") == .atom("a@b_C9"))
        #expect(try Term(parsing: "'hello world'") == .atom("hello world"))
        #expect(try Term(parsing: #"'it\'s \\ \x{44B} \n'"#) == .atom("it's \\ ы \n"))
        #expect(try Term(parsing: "'and'") == .atom("and"))
        #expect(try Term(parsing: "maybe") == .atom("maybe"))
        #expect(try Term(parsing: "é") == .atom("é"))
        #expect(try Term(parsing: "''") == .atom(""))
    }

    @Test func parsesStrings() throws {
        #expect(try Term(parsing: #""abc""#) == .string(Array("abc".utf8)))
        #expect(try Term(parsing: #""""#) == .list([]))
        #expect(try Term(parsing: #""a\tb\"\\\e\d\s""#) == .string([97, 9, 98, 34, 92, 27, 127, 32]))
        #expect(try Term(parsing: #""é""#) == .string([233]))
        #expect(try Term(parsing: #""ы!""#) == .list([1099, 33]))
        #expect(try Term(parsing: #""ab" "cd""#) == .string(Array("abcd".utf8)))
        #expect(try Term(parsing: "\"line\nbreak\"") == .string(Array("line\nbreak".utf8)))
        guard case .string = try Term(parsing: #""abc""#) else { Issue.record("not kept as a charlist"); return }
    }

    @Test func parsesListsTuplesAndMaps() throws {
        #expect(try Term(parsing: "[]") == .list([]))
        #expect(try Term(parsing: "[1, 2, 3]") == [1, 2, 3])
        #expect(try Term(parsing: "[1, 2 | 3]") == .list([1, 2], tail: 3))
        #expect(try Term(parsing: "[1 | [2 | [3]]]") == [1, 2, 3])
        #expect(try Term(parsing: #"[$a | "bc"]"#) == .string(Array("abc".utf8)))
        #expect(try Term(parsing: "{}") == .tuple([]))
        #expect(try Term(parsing: "{a, {b, {}}}") == .tuple([.atom("a"), .tuple([.atom("b"), .tuple([])])]))
        #expect(try Term(parsing: "#{}") == .map(TermMap()))
        #expect(try Term(parsing: "#{a => 1, a => 2}") == .map([.atom("a"): 2]))
        #expect(try Term(parsing: "# { [] => {} }") == .map([.list([]): .tuple([])]))
    }

    @Test func parsesExportFuns() throws {
        #expect(try Term(parsing: "fun lists:map/2") == .fun(.export(module: "lists", function: "map", arity: 2)))
        #expect(try Term(parsing: "fun 'Elixir.Enum':'map'/2") == .fun(.export(module: "Elixir.Enum", function: "map", arity: 2)))
    }

    @Test func skipsWhitespaceCommentsAndTheFinalDot() throws {
        let text = """
            % a comment
            {a, % another
             b}.   % trailing
            """
        #expect(try Term(parsing: text) == .tuple([.atom("a"), .atom("b")]))
        #expect(try Term(parsing: "  1  .\n") == 1)
    }

    @Test func parsesWhatItPrints() throws {
        let term: Term = .tuple([
            .ok, .utf8("é"), .binary([1, 2]), .bitstring([0xA0], bits: 3), .list([1099]), .string([7, 97]),
            .map([.atom("with space"): .float(-2.5e-9), .utf8("k"): .list([.atom("and")], tail: .atom("maybe"))]),
            Term(BigInteger("-99999999999999999999")!), .fun(.export(module: "Foo", function: "when", arity: 0)),
        ])
        for printer in [TermPrinter.erlang, TermPrinter(syntax: .erlang, separator: ",", printableRange: .latin1)] {
            #expect(try Term(parsing: printer.print(term)) == term)
        }
    }

    @Test func acceptsNestingUpToItsLimitAndRejectsDeeper() throws {
        #expect(TermParser().maxDepth == 2_000)
        let deepest = String(repeating: "{", count: 2_000) + String(repeating: "}", count: 2_000)
        #expect(TermPrinter.erlang.print(try Term(parsing: deepest)) == deepest)
        #expect(try ETFDecoder().decode(ETFEncoder().encode(Term(parsing: deepest))) == Term(parsing: deepest))
        let error = #expect(throws: ErlangTermError.self) { try Term(parsing: "[" + deepest + "]") }
        #expect(error?.code == .depthLimitExceeded)
        #expect(error?.offset == 2_000)
        let lists = String(repeating: "[", count: 2_001) + String(repeating: "]", count: 2_001)
        #expect(throws: Never.self) { try Term(parsing: lists) }
        let deeper = TermParser(maxDepth: 5_000)
        let text = String(repeating: "[", count: 4_000) + "x" + String(repeating: "]", count: 4_000)
        #expect(TermPrinter.erlang.print(try deeper.parse(text)) == text)
    }
}
