/// Erlang term texts that both Swerl and `erl_parse:parse_term/1` read; the interop tests compare
/// what each side makes of them. None ends with a dot: the tests add one where erl needs it.
enum TermTextCorpus {
    static let integers = [
        "0", "1", "-1", "255", "256", "-256", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "-123456789012345678901234567890",
        "16#FF", "-16#ff", "2#1010", "36#Zz", "16#FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "1_000_000", "$a", "$\\n",
        "$\\s", "$\\x{1F600}", "$\\^A", "$\\101", "$é", "- 7",
    ]

    static let floats = [
        "1.5", "-2.0e-3", "0.1", "1.0e10", "1.0e-5", "100.0", "1000.0", "0.0001", "0.001", "-0.0", "0.0",
        "1.7976931348623157e308", "5.0e-324", "2.5e-7", "123456789.123", "9007199254740992.0",
        "9007199254740991.0", "1.0e16", "3.141592653589793", "1_0.2_5", "6.02214076E23",
    ]

    static let atoms = [
        "ok", "'hello world'", "'Foo'", "'and'", "'when'", "'fun'", "'a\\'b'", "'a\\\\b'", "é", "'ы'", "''",
        "a@b", "'a.b'", "'\\n'", "'with\\ttab'", "'Elixir.Foo.Bar'", "nil", "true", "false", "'_'", "'$'",
        "aB_9@", "ÿß", "'×'", "'\\x{1F600}'", "'\\001'",
    ]

    static let strings = [
        "\"abc\"", "\"\"", "\"a\\nb\\tc\"", "\"\\\"q\\\"\"", "\"ы\"", "\"é\"", "\"\\x{1F600}\"", "\"\\e\\d\\b\"",
        "[7]", "\"a\" \"b\"", "[$a|\"bc\"]", "\"\\x{FFFD}\"", "[16#D800]", "\"a\\\\b\"", "\"\\v\\f\\r\"", "[160]",
        "[127]", "[128, 159]", "[0]",
    ]

    static let binaries = [
        "<<>>", "<<\"abc\">>", "<<1,2,3>>", "<<\"é\"/utf8>>", "<<\"ы\"/utf8>>", "<<233>>", "<<1,2,3:4>>",
        "<<1:1>>", "<<\"abc\", 1:1>>", "<<0>>", "<<\"a\\n\">>", "<<255,255>>", "<<-1:16/little>>",
        "<<1.5/float>>", "<<1.5:32/float>>", "<<\"ab\":16>>", "<<16#123:12/little>>", "<<<<1,2>>/binary, 3>>",
        "<<\"\\x{1F600}\"/utf8>>", "<<\"€\"/utf16>>", "<<\"a\"/utf32-little>>", "<<128,129>>", "<<194,133>>",
        "<<239,191,190>>", "<<\"\\\"q\\\"\\\\\">>", "<<1:8/unit:2>>", "<<-2:12/little-signed>>",
        "<<3/integer-unsigned-big>>", "<<1/float-little>>", "<<<<1:3>>/bitstring, 0:5>>",
    ]

    static let containers = [
        "[]", "[1,2,3]", "[a|b]", "[1,2|3]", "[[]]", "[[1,2],[3]]", "[\"a\"|\"b\"]", "[1|[2|[3]]]", "{}", "{a}",
        "{ok, <<\"a\">>, #{k => [1|2]}}", "{1,{2,{3,{}}}}", "#{}", "#{a => 1}", "#{a => 1, b => 2}",
        "#{\"k\" => v}", "#{1 => a, 1.0 => b, 2 => c, 0.5 => d, x => e, \"s\" => f, <<\"b\">> => g, {t} => h, [] => i}",
        "#{a => 1, a => 2}", "#{{} => [], [] => {}}", "#{m => #{n => #{}}}", "[#{}, {}, [], <<>>]",
        "{a, % a comment\n b}", "[{a, 1}, {b, 2}]", "[{'with space', 1}]", "[{'Elixir.Foo', 1}]",
        "#{'__struct__' => 'Elixir.Task', mfa => {m, f, 1}, owner => 2, pid => 3, ref => <<\"r\">>}",
        "fun lists:map/2", "fun 'Elixir.Enum':map/2", "fun erlang:'+'/2", "fun erlang:'=:='/2",
        String(repeating: "[", count: 60) + String(repeating: "]", count: 60),
        String(repeating: "{", count: 40) + "x" + String(repeating: "}", count: 40),
    ]

    /// All the texts.
    static let all = integers + floats + atoms + strings + binaries + containers

    /// Texts whose Elixir printing deliberately differs from Elixir 1.14's `inspect`: atoms beyond
    /// Latin-1 that Elixir writes bare are quoted by Swerl (see TermPrinter+ElixirAtom.swift).
    static let elixirDiffers: Set<String> = ["'ы'", "'\\x{1F600}'"]

    /// Terms written for Elixir's sake: keyword lists, structs, aliases and operators.
    static let elixirExtras = [
        "[{nil, 1}, {true, 2}]", "[{'+', 1}]", "[{'::', 1}]", "[{'foo?', 1}, {'a@b', 2}, {'Foo', 3}, {'Elixir', 4}]",
        "#{1 => 2, a => 3}", "#{a => 1, <<\"b\">> => 2}", "#{'Elixir.Foo' => 1}", "#{nil => 1}", "#{'a b' => 1}",
        "'Elixir'", "'Elixir.Elixir'", "'Elixir.foo'", "'+'", "'::'", "'~~~'", "'<|>'", "'foo?'", "'foo!'",
        "'foo?!'", "'%{}'", "'..'", "'->'", "'=>'", "'not in'", "'\\\\\\\\'", "'Éa'", "'A@b'", "'@a'",
        "fun m:'::'/1", "fun m:'..'/1", "fun m:'Bar'/1", "fun m:'foo?'/1", "fun m:'a@b'/1", "fun m:''/0",
        "fun 'Elixir.Foo.bar':x/3", "fun nil:x/0", "[7, 27]", "\"a'b\"", "\"#{x}\"", "<<\"#{x}\">>",
        "<<\"\\x{FEFF}\\x{2028}\"/utf8>>", "<<\"\\a\\d\"/utf8>>", "<<0>>", "'\\x{FFFD}\\x{1F}\\x{7F}'",
        "[{a, 1}|b]", "1.0e15", "-1000.0", "1.0e16", "9999999999999998.0", "12.0",
    ]
}
