import ErlangTerm
import Testing

@Suite struct TermPrinterTests {
    let example: Term = .tuple([.ok, .utf8("a"), .map([.atom("k"): .list([1], tail: 2)])])

    @Test func printsTheIssueExampleInBothSyntaxes() {
        #expect(TermPrinter.erlang.print(example) == #"{ok, <<"a">>, #{k => [1|2]}}"#)
        #expect(TermPrinter.elixir.print(example) == #"{:ok, "a", %{k: [1 | 2]}}"#)
        #expect(example.description == #"{ok, <<"a">>, #{k => [1|2]}}"#)
        #expect("\(example)" == #"{ok, <<"a">>, #{k => [1|2]}}"#)
    }

    @Test func separatorCanMatchIoLib() {
        let compact = TermPrinter(syntax: .erlang, separator: ",")
        #expect(compact.print(example) == #"{ok,<<"a">>,#{k => [1|2]}}"#)
        #expect(compact.print(.map([1: 2, 3: 4])) == "#{1 => 2,3 => 4}")
    }

    @Test(arguments: [
        ("ok", "ok"), ("hello world", "'hello world'"), ("Foo", "'Foo'"), ("and", "'and'"), ("when", "'when'"),
        ("fun", "'fun'"), ("end", "'end'"), ("maybe", "'maybe'"), ("else", "'else'"), ("a@b_9Z", "a@b_9Z"),
        ("", "''"), ("a'b", #"'a\'b'"#), (#"a\b"#, #"'a\\b'"#), ("é", "é"), ("ÿß", "ÿß"), ("É", "'É'"),
        ("a×", "'a×'"), ("ы", "'ы'"), ("a\nb", #"'a\nb'"#), ("\u{1}", #"'\001'"#), ("\u{7F}", #"'\d'"#),
        ("_x", "'_x'"), ("1a", "'1a'"), ("a.b", "'a.b'"), ("query", "query"),
    ])
    func quotesAtomsAsErlangDoes(name: String, printed: String) {
        #expect(TermPrinter.erlang.print(.atom(Atom(name))) == printed)
        #expect(Atom(name).description == printed)
    }

    @Test(arguments: [
        (1.5, "1.5"), (1e10, "1.0e10"), (1e-5, "1.0e-5"), (0.1, "0.1"), (100.0, "100.0"), (1000.0, "1.0e3"),
        (0.0001, "0.0001"), (0.00125, "0.00125"), (0.0, "0.0"), (-0.0, "-0.0"), (-2.0e-3, "-0.002"),
        (9007199254740991.0, "9007199254740991.0"), (9007199254740992.0, "9.007199254740992e15"),
        (Double.leastNonzeroMagnitude, "5.0e-324"), (1.7976931348623157e308, "1.7976931348623157e308"), (123456789.123, "123456789.123"),
    ])
    func printsFloatsAsTildeP(value: Double, printed: String) {
        #expect(TermPrinter.erlang.print(.float(value)) == printed)
    }

    @Test func printsNonFiniteFloatsRecognisably() {
        #expect(TermPrinter.erlang.print(.float(.nan)) == "#Float<nan>")
        #expect(TermPrinter.elixir.print(.float(-.infinity)) == "#Float<-inf>")
    }

    @Test func printsIntegersOfAnySize() {
        #expect(TermPrinter.erlang.print(.integer(-42)) == "-42")
        #expect(TermPrinter.erlang.print(.integer(Int.min)) == "-9223372036854775808")
        let big = Term(BigInteger("-123456789012345678901234567890")!)
        #expect(TermPrinter.erlang.print(big) == "-123456789012345678901234567890")
        #expect(TermPrinter.elixir.print(big) == "-123456789012345678901234567890")
    }

    @Test func printsBinariesAsTextWhenTheyAreText() {
        #expect(TermPrinter.erlang.print(.binary([])) == "<<>>")
        #expect(TermPrinter.erlang.print(.utf8("abc")) == #"<<"abc">>"#)
        #expect(TermPrinter.erlang.print(.utf8("a\"\n")) == #"<<"a\"\n">>"#)
        #expect(TermPrinter.erlang.print(.utf8("é")) == #"<<"é"/utf8>>"#)
        #expect(TermPrinter.erlang.print(.utf8("ы")) == #"<<"ы"/utf8>>"#)
        #expect(TermPrinter.erlang.print(.binary([233])) == #"<<"é">>"#)
        #expect(TermPrinter.erlang.print(.binary([1, 2, 3])) == "<<1,2,3>>")
        #expect(TermPrinter.erlang.print(.binary([194, 133])) == "<<194,133>>")
        #expect(TermPrinter.erlang.print(.bitstring([1, 2, 0x30], bits: 4)) == "<<1,2,3:4>>")
        #expect(TermPrinter.erlang.print(.bitstring([0x80], bits: 1)) == "<<1:1>>")
    }

    @Test func latin1RangeLeavesWiderTextAsNumbers() {
        let latin1 = TermPrinter(syntax: .erlang, printableRange: .latin1)
        #expect(latin1.print(.utf8("ы")) == "<<209,139>>")
        #expect(latin1.print(.utf8("é")) == #"<<"é"/utf8>>"#)
        #expect(latin1.print(.list([.integer(1099)])) == "[1099]")
        #expect(TermPrinter.erlang.print(.list([.integer(1099)])) == #""ы""#)
    }

    @Test func printsCharlistsAsStrings() {
        #expect(TermPrinter.erlang.print(.string(Array("abc".utf8))) == #""abc""#)
        #expect(TermPrinter.erlang.print(.list([97, 98])) == #""ab""#)
        #expect(TermPrinter.erlang.print(.string([97, 9, 27])) == #""a\t\e""#)
        #expect(TermPrinter.erlang.print(.list([7])) == "[7]")
        #expect(TermPrinter.erlang.print(.list([127])) == "[127]")
        #expect(TermPrinter.erlang.print(.list([])) == "[]")
        #expect(TermPrinter.erlang.print(.list([97], tail: 98)) == "[97|98]")
        #expect(TermPrinter.erlang.print(.list([.integer(0xD800)])) == "[55296]")
    }

    @Test func printsContainers() {
        #expect(TermPrinter.erlang.print(.tuple([])) == "{}")
        #expect(TermPrinter.erlang.print(.list([1, 2], tail: 3)) == "[1, 2|3]")
        #expect(TermPrinter.erlang.print(.map(TermMap())) == "#{}")
        #expect(TermPrinter.erlang.print(.map([.utf8("k"): .list([])])) == #"#{<<"k">> => []}"#)
        #expect(TermPrinter.erlang.print(.list([.list([]), .tuple([.atom("a")])])) == "[[], {a}]")
    }

    @Test func printsIdentifiersWithTheirNode() {
        let pid = PID(node: "a@host", id: 80, serial: 2, creation: 7)
        let port = Port(node: "a@host", id: 5, creation: 7)
        let reference = Reference(node: "a@host", ids: [3, 2, 1], creation: 7)
        #expect(TermPrinter.erlang.print(.pid(pid)) == "<a@host.80.2>")
        #expect(TermPrinter.erlang.print(.port(port)) == "#Port<a@host.5>")
        #expect(TermPrinter.erlang.print(.reference(reference)) == "#Ref<a@host.1.2.3>")
        #expect(TermPrinter.elixir.print(.pid(pid)) == "#PID<a@host.80.2>")
        #expect(TermPrinter.elixir.print(.port(port)) == "#Port<a@host.5>")
        #expect(TermPrinter.elixir.print(.reference(reference)) == "#Reference<a@host.1.2.3>")
    }

    @Test func printsFuns() {
        let export = Term.fun(.export(module: "lists", function: "map", arity: 2))
        #expect(TermPrinter.erlang.print(export) == "fun lists:map/2")
        #expect(TermPrinter.elixir.print(export) == "&:lists.map/2")
        let elixirModule = Term.fun(.export(module: "Elixir.Enum", function: "map", arity: 2))
        #expect(TermPrinter.erlang.print(elixirModule) == "fun 'Elixir.Enum':map/2")
        #expect(TermPrinter.elixir.print(elixirModule) == "&Enum.map/2")
        let closure = Fun.Closure(
            arity: 1, uniq: Array(repeating: 0, count: 16), index: 3, module: "shell", oldIndex: 3, oldUniq: 126229625,
            pid: PID(node: "a@host", id: 1, serial: 0, creation: 1), freeVariables: [])
        #expect(TermPrinter.erlang.print(.fun(.closure(closure))) == "#Fun<shell.3.126229625>")
        #expect(TermPrinter.elixir.print(.fun(.closure(closure))) == "#Function<3.126229625/1 in :shell>")
    }

    @Test func printsLocalTermsOpaquely() {
        #expect(TermPrinter.erlang.print(.local(LocalTerm(bytes: [1, 2, 3]))) == "#Local<3 bytes>")
    }

    @Test func printsTermsDeeperThanAnyStack() {
        let depth = 5_000
        var term = Term.list([])
        for _ in 0..<depth { term = .list([term]) }
        let printed = TermPrinter.erlang.print(term)
        #expect(printed.count == 2 * (depth + 1))
        #expect(TermPrinter.elixir.print(term).hasPrefix("[[[["))
    }
}
