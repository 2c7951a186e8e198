import ErlangTerm
import Testing

@Suite struct TermPrinterElixirTests {
    @Test(arguments: [
        ("ok", ":ok"), ("with space", #":"with space""#), ("true", "true"), ("false", "false"), ("nil", "nil"),
        ("Elixir.Foo", "Foo"), ("Elixir.Foo.Bar", "Foo.Bar"), ("Elixir", "Elixir"), ("Elixir.Elixir", "Elixir.Elixir"),
        ("Elixir.foo", #":"Elixir.foo""#), ("Elixir.Foo-Bar", #":"Elixir.Foo-Bar""#), ("Foo", ":Foo"),
        ("foo?", ":foo?"), ("foo!", ":foo!"), ("foo?!", #":"foo?!""#), ("a@b", ":a@b"), ("@a", #":"@a""#),
        ("+", ":+"), ("&&", ":&&"), ("\\\\", ":\\\\"), ("::", #":"::""#), ("~~~", #":"~~~""#), ("%{}", ":%{}"),
        ("..", ":.."), ("->", ":->"), ("=>", #":"=>""#), ("not in", #":"not in""#), ("é", ":é"), ("Éa", ":Éa"),
        ("ы", #":"ы""#), ("", #":"""#), ("a\"b", #":"a\"b""#), ("#{", ##":"\#{""##), ("\u{1F}\u{7F}\u{80}", #":"\x1F\d\x80""#),
        ("\u{FEFF}\u{FFFF}", #":"\uFEFF\x{FFFF}""#), ("\u{0}\u{7}", #":"\0\a""#), ("_", ":_"), ("1a", #":"1a""#),
    ])
    func quotesAtomsAsInspectDoes(name: String, printed: String) {
        #expect(TermPrinter.elixir.print(.atom(Atom(name))) == printed)
        #expect(TermPrinter.elixir.atom(name) == printed)
    }

    @Test func printsKeywordListsWithKeyQuoting() {
        let keywords: Term = [.pair(.atom("a"), 1), .pair(.atom("with space"), 2), .pair(.atom("::"), 3), .pair(.atom("Elixir"), 4)]
        #expect(TermPrinter.elixir.print(keywords) == #"[a: 1, "with space": 2, "::": 3, "Elixir": 4]"#)
        #expect(TermPrinter.elixir.print([.pair(.atom("Elixir.Foo"), 1)]) == "[{Foo, 1}]")
        #expect(TermPrinter.elixir.print([.pair(.atom("a"), 1), 2]) == "[{:a, 1}, 2]")
        #expect(TermPrinter.elixir.print(.list([.pair(.atom("a"), 1)], tail: .atom("b"))) == "[{:a, 1} | :b]")
    }

    @Test func printsMapsWithAtomKeysAsKeywords() {
        #expect(TermPrinter.elixir.print(.map([.atom("a"): 1, .atom("b"): 2])) == "%{a: 1, b: 2}")
        #expect(TermPrinter.elixir.print(.map([.utf8("k"): 1])) == #"%{"k" => 1}"#)
        #expect(TermPrinter.elixir.print(.map([1: 2, .atom("a"): 3])) == "%{1 => 2, :a => 3}")
        #expect(TermPrinter.elixir.print(.map(TermMap())) == "%{}")
    }

    @Test func printsStructsWithTheirModule() {
        let task: Term = .map([.atom("__struct__"): .atom("Elixir.Task"), .atom("pid"): 3, .atom("ref"): 4])
        #expect(TermPrinter.elixir.print(task) == "%Task{pid: 3, ref: 4}")
        #expect(TermPrinter.elixir.print(.map([.atom("__struct__"): .atom("Elixir.Empty")])) == "%Empty{}")
        #expect(TermPrinter.elixir.print(.map([.atom("__struct__"): .atom("erlang_mod"), .atom("a"): 1])) == "%:erlang_mod{a: 1}")
        #expect(TermPrinter.elixir.print(.map([.atom("__struct__"): .utf8("x")])) == #"%{__struct__: "x"}"#)
        #expect(TermPrinter.elixir.print(.map([.atom("__struct__"): .atom("Elixir.S"), 1: 2])) == "%{1 => 2, :__struct__ => S}")
    }

    @Test func printsStringsAndCharlists() {
        #expect(TermPrinter.elixir.print(.utf8("abc")) == #""abc""#)
        #expect(TermPrinter.elixir.print(.utf8("é\u{2028}")) == "\"é\u{2028}\"")
        #expect(TermPrinter.elixir.print(.utf8("\u{7}\u{7F}#{x}\u{FEFF}")) == ##""\a\d\#{x}\uFEFF""##)
        #expect(TermPrinter.elixir.print(.binary([0])) == "<<0>>")
        #expect(TermPrinter.elixir.print(.binary([255])) == "<<255>>")
        #expect(TermPrinter.elixir.print(.binary([])) == #""""#)
        #expect(TermPrinter.elixir.print(.bitstring([1, 2, 0x30], bits: 4)) == "<<1, 2, 3::size(4)>>")
        #expect(TermPrinter.elixir.print(.string(Array("ab'".utf8))) == #"'ab\''"#)
        #expect(TermPrinter.elixir.print(.list([7, 27])) == #"'\a\e'"#)
        #expect(TermPrinter.elixir.print(.list([233])) == "[233]")
        #expect(TermPrinter.elixir.print(.list([127])) == "[127]")
    }

    @Test(arguments: [
        (1e10, "10000000000.0"), (1e15, "1000000000000000.0"), (1e16, "1.0e16"), (-1000.0, "-1000.0"), (0.5, "0.5"),
        (1e-5, "1.0e-5"), (12.0, "12.0"), (9999999999999998.0, "9999999999999998.0"), (-0.0, "-0.0"),
    ])
    func printsFloatsAsInspectDoes(value: Double, printed: String) {
        #expect(TermPrinter.elixir.print(.float(value)) == printed)
    }

    @Test func printsRemoteCallNamesAsCapturesDo() {
        func capture(_ module: Atom, _ function: Atom, _ arity: UInt8) -> String {
            TermPrinter.elixir.print(.fun(.export(module: module, function: function, arity: arity)))
        }
        #expect(capture("erlang", "+", 2) == "&:erlang.+/2")
        #expect(capture("erlang", "=:=", 2) == #"&:erlang."=:="/2"#)
        #expect(capture("m", "::", 1) == "&:m.::/1")
        #expect(capture("m", "..", 1) == #"&:m.".."/1"#)
        #expect(capture("m", "Bar", 1) == #"&:m."Bar"/1"#)
        #expect(capture("m", "a@b", 1) == #"&:m."a@b"/1"#)
        #expect(capture("m", "foo?", 1) == "&:m.foo?/1")
        #expect(capture("nil", "x", 0) == "&nil.x/0")
    }
}
