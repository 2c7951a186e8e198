import ErlangTerm
import ErlangTestSupport
import Foundation
import Testing

/// Term text against the real OTP 25 and Elixir 1.14: each test sends all its terms to one run.
@Suite struct TermTextInteropTests {
    /// One line per term: the original text and Swerl's printing of it, both hex-encoded UTF-8.
    /// erl answers with the ETF of the original, the ETF of Swerl's printing read back (or
    /// `error`), and `io_lib:format("~tp")` of the original on one line, hex-encoded.
    static let erlangScript = """
        Parse = fun(Hex) ->
            Text = unicode:characters_to_list(binary:decode_hex(list_to_binary(Hex))),
            {ok, Tokens, _} = erl_scan:string(Text ++ "\\n."),
            {ok, Term} = erl_parse:parse_term(Tokens),
            Term
        end,
        Etf = fun(Term) -> binary:encode_hex(term_to_binary(Term, [{minor_version, 2}])) end,
        Loop = fun Loop() ->
            case io:get_line("") of
                eof -> ok;
                Line ->
                    [Original, Printed] = string:split(string:trim(Line), " "),
                    Term = Parse(Original),
                    Again = try Etf(Parse(Printed)) catch _:_ -> <<"error">> end,
                    Pretty = unicode:characters_to_binary(io_lib:format("~10000000tp", [Term])),
                    io:format("~s ~s ~s~n", [Etf(Term), Again, binary:encode_hex(Pretty)]),
                    Loop()
            end
        end,
        Loop(),
        halt().
        """

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlangAgreesOnUnicodePrinting() throws {
        try compareWithErlang(printableRange: .unicode, flags: ["+pc", "unicode"])
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func erlangAgreesOnLatin1Printing() throws {
        try compareWithErlang(printableRange: .latin1, flags: ["+pc", "latin1"])
    }

    /// (a) Swerl's parse encodes as term_to_binary does; (b) erl reads Swerl's printing back as
    /// the same term, and Swerl's compact printing equals `~tp`.
    private func compareWithErlang(printableRange: TermPrinter.PrintableRange, flags: [String]) throws {
        let texts = TermTextCorpus.all
        let terms = try texts.map { try Term(parsing: $0) }
        let spaced = TermPrinter(syntax: .erlang, printableRange: printableRange)
        let compact = TermPrinter(syntax: .erlang, separator: ",", printableRange: printableRange)
        let input = zip(texts, terms).map { "\(Hex.encode($0.utf8)) \(Hex.encode(spaced.print($1).utf8))\n" }.joined()
        let erl = try ErlangInterop.requireErl()
        let output = try ErlangInterop.run(erl, flags + ["-noshell", "-eval", Self.erlangScript], input: Data(input.utf8))
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == texts.count)
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 3)
            let text = texts[index]
            let etf = Hex.encode(try ETFEncoder().encode(terms[index]))
            #expect(etf == fields[0], "ETF of \(text)")
            #expect(fields[1] == fields[0], "erl reads \(spaced.print(terms[index])) back as \(text)")
            let printed = compact.print(terms[index])
            #expect(printed == String(decoding: Hex.decode(fields[2]) ?? [], as: UTF8.self), "~tp of \(text)")
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func elixirAgreesOnInspect() throws {
        let texts = TermTextCorpus.all.filter { !TermTextCorpus.elixirDiffers.contains($0) } + TermTextCorpus.elixirExtras
        let script = """
            for line <- IO.stream(:stdio, :line) do
              text = line |> String.trim() |> Base.decode16!(case: :mixed) |> String.to_charlist()
              inspected =
                with {:ok, tokens, _} <- :erl_scan.string(text ++ '\\n.'),
                     {:ok, term} <- :erl_parse.parse_term(tokens) do
                  inspect(term, limit: :infinity, printable_limit: :infinity)
                else
                  failure -> "elixir could not read the text: " <> inspect(failure)
                end
              IO.puts(Base.encode16(inspected))
            end
            """
        let output = try runElixir(script, lines: texts.map { Hex.encode($0.utf8) })
        try #require(output.count == texts.count)
        for (text, inspected) in zip(texts, output) {
            let printed = TermPrinter.elixir.print(try Term(parsing: text))
            #expect(printed == String(decoding: Hex.decode(inspected) ?? [], as: UTF8.self), "inspect of \(text)")
        }
    }

    @Test(.enabled(if: ErlangInterop.shouldRun, "needs erl; ERLANG_INTEROP=1 makes it mandatory"))
    func floatsPrintAsErlangAndElixirDo() throws {
        let values = Self.sampleFloats()
        let lines = values.map { Hex.encode(withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init)) }
        let erlangScript = """
            Loop = fun Loop() ->
                case io:get_line("") of
                    eof -> ok;
                    Line -> <<F/float>> = binary:decode_hex(list_to_binary(string:trim(Line))), io:format("~p~n", [F]), Loop()
                end
            end,
            Loop(),
            halt().
            """
        let erlOutput = try ErlangInterop.eval(erlangScript, input: Data(lines.map { $0 + "\n" }.joined().utf8))
        let erlang = String(decoding: erlOutput, as: UTF8.self).split(separator: "\n").map(String.init)
        let elixir = try runElixir(
            """
            for line <- IO.stream(:stdio, :line) do
              <<f::float>> = line |> String.trim() |> Base.decode16!()
              IO.puts(inspect(f))
            end
            """, lines: lines)
        try #require(erlang.count == values.count && elixir.count == values.count)
        for (index, value) in values.enumerated() {
            #expect(TermPrinter.erlang.print(.float(value)) == erlang[index], "~p of \(value)")
            #expect(TermPrinter.elixir.print(.float(value)) == elixir[index], "inspect of \(value)")
        }
    }

    /// Round numbers, powers of ten near the notation boundaries, and random bit patterns.
    static func sampleFloats() -> [Double] {
        var values: [Double] = [0, -0.0, 1, 0.5, 0x1p53, 0x1p53 - 1, -0x1p53, 0x1p53 + 2, .leastNonzeroMagnitude,
                                .greatestFiniteMagnitude, .leastNormalMagnitude, 1e16, 1e16 - 2, 1e15, 0.3]
        for exponent in -25...25 {
            for mantissa in [1.0, 1.5, 2.25, 9.999, 123.456, 7.0] {
                values.append(mantissa * pow(10, Double(exponent)))
            }
        }
        var generator = SeededRandom(seed: 0x5EED)
        while values.count < 1_500 {
            let random = Double(bitPattern: generator.next())
            if random.isFinite { values.append(random) }
            values.append(Double(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 60)))
            values.append(Double(generator.next() % 1_000_000) / 1_000)
        }
        return values
    }

    private func runElixir(_ script: String, lines: [String]) throws -> [String] {
        guard let elixir = ErlangInterop.executable(named: "elixir") else { throw InteropError("elixir is not installed") }
        let output = try ErlangInterop.run(elixir, ["-e", script], input: Data(lines.map { $0 + "\n" }.joined().utf8))
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
