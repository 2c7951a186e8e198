import ErlangTerm
import Testing

@Suite struct TermParserErrorTests {
    @Test(arguments: [
        ("", 0, "expected a term, found the end of the text"),
        ("{ok,", 4, "expected a term, found the end of the text"),
        ("{ok ok}", 4, "expected ',' or '}', found the atom ok"),
        ("[1 2]", 3, "expected ',' or '|' or ']', found the integer 2"),
        ("[1|2|3]", 4, "expected ']', found '|'"),
        ("#{a, b}", 3, "expected '=>', found ','"),
        ("#{a := 1}", 4, "expected '=>', found ':'"),
        ("{a ; b}", 3, "unexpected character ';'"),
        ("X", 0, "the variable X is not a term"),
        ("_", 0, "the variable _ is not a term"),
        ("when", 0, "'when' is a reserved word; quote it to make an atom"),
        ("1 2", 2, "expected the end of the text, found the integer 2"),
        ("1..", 1, "unexpected '.'"),
        ("'unterminated", 0, "unterminated quoted atom"),
        ("\"abc", 0, "unterminated string"),
        ("37#1", 0, "base 37 is not 2 to 36"),
        ("16#", 0, "no digits after 16#"),
        ("1.0e", 4, "a float's exponent has no digits"),
        ("1.0e999", 0, "float 1.0e999 is out of range"),
        ("\"\\x{D800}\"", 1, "illegal character"),
        ("'\\x{110000}'", 1, "\\x{110000} is not a character"),
        ("$", 0, "'$' at the end of the text"),
        ("fun lists:map/256", 14, "expected an arity from 0 to 255, found the integer 256"),
        ("- a", 2, "expected a number after the sign, found the atom a"),
        ("{a}}", 3, "expected the end of the text, found '}'"),
        ("ok. more", 4, "expected the end of the text, found the atom more"),
    ])
    func reportsWhereAndWhat(text: String, offset: Int, detail: String) {
        let error = #expect(throws: ErlangTermError.self) { try Term(parsing: text) }
        #expect(error?.code == .syntax)
        #expect(error?.offset == offset)
        #expect(error?.detail == detail)
    }

    @Test func rejectsAtomsLongerThanErlangAllows() throws {
        let long = "'" + String(repeating: "a", count: 256) + "'"
        #expect(throws: ErlangTermError.self) { try Term(parsing: long) }
        #expect(try Term(parsing: "'" + String(repeating: "ы", count: 255) + "'") == .atom(Atom(String(repeating: "ы", count: 255))))
    }

    @Test func describesErrorsOnOneLine() {
        let error = #expect(throws: ErlangTermError.self) { try Term(parsing: "{ok ok}") }
        #expect(error?.description == "syntax at offset 4: expected ',' or '}', found the atom ok")
    }

    @Test func neverCrashesOnMangledText() {
        let seeds = [#"{ok, <<"a">>, #{k => [1|2]}}"#, #"[1.5e3, $\x{41}, 'q\'', "s\n", <<1:4, "é"/utf8>>]"#, "fun m:f/1"]
        var random = SeededRandom(seed: SeededRandom.seedFromEnvironment)
        for seed in seeds {
            let scalars = Array(seed.unicodeScalars)
            for _ in 0..<300 {
                var mangled = scalars
                let position = Int(random.next() % UInt64(mangled.count))
                switch random.next() % 3 {
                case 0: mangled.remove(at: position)
                case 1: mangled.insert(scalars[Int(random.next() % UInt64(scalars.count))], at: position)
                default: mangled = Array(mangled[..<position])
                }
                var text = ""
                text.unicodeScalars.append(contentsOf: mangled)
                _ = try? Term(parsing: text)
            }
        }
    }
}
