import ArgumentParser
import ErlangTerm
import Foundation

/// `swerl term decode`: ETF bytes on standard input, the term as text on standard output.
struct TermDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Read ETF bytes on standard input and print the term.",
        discussion: "Example: printf '\\x83\\x68\\x01\\x77\\x02ok' | swerl term decode   prints {ok}"
    )

    /// How the bytes are written on standard input.
    @Flag var format: ByteFormat = .raw

    /// Print Elixir syntax instead of Erlang syntax.
    @Flag(help: "Print the term in Elixir syntax instead of Erlang syntax.")
    var elixir = false

    func run() throws {
        try TermIO.reportingErrors {
            let bytes = try format.bytes(from: TermIO.readInput())
            let term = try ETFDecoder().decode(bytes)
            let printer = elixir ? TermPrinter.elixir : TermPrinter.erlang
            TermIO.write(Data((printer.print(term) + "\n").utf8))
        }
    }
}
