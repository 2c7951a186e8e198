import ArgumentParser
import ErlangTerm
import Foundation

/// `swerl term encode`: term text on standard input, ETF bytes on standard output.
struct TermEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Read an Erlang term on standard input and write its ETF bytes.",
        discussion: """
            --compressed[=LEVEL]    Compress with zlib at LEVEL 0 to 9 (6 without a level), as \
            term_to_binary's {compressed, Level}.

            Example: echo '{ok, <<"a">>}.' | swerl term encode --hex   prints 83680277026f6b6d0000000161
            """
    )

    /// How the bytes are written on standard output.
    @Flag var format: ByteFormat = .raw

    /// `term_to_binary`'s `minor_version`.
    @Option(help: "term_to_binary's minor_version: 0, 1 or 2 (the default, UTF-8 atoms).")
    var minorVersion: Int = 2

    // ArgumentParser 1.8 has no option with an optional value (ArgumentSet.swift throws for a
    // missing one), so `--compressed` and `--compressed=LEVEL` are picked out of the unrecognized inputs.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var unrecognized: [String] = []

    func validate() throws {
        guard ETFEncoder.MinorVersion(rawValue: minorVersion) != nil else {
            throw ValidationError("--minor-version must be 0, 1 or 2, not \(minorVersion)")
        }
        _ = try compressionLevel()
    }

    /// The zlib level from `--compressed[=LEVEL]`, nil without it.
    func compressionLevel() throws -> Int? {
        var level: Int?
        for input in unrecognized {
            if input == "--compressed" {
                level = ETFEncoder.defaultCompressionLevel
            } else if input.hasPrefix("--compressed="), let value = Int(input.dropFirst("--compressed=".count)),
                (0...9).contains(value)
            {
                level = value
            } else {
                throw ValidationError("unexpected argument '\(input)' (--compressed takes a level from 0 to 9)")
            }
        }
        return level
    }

    func run() throws {
        let version = ETFEncoder.MinorVersion(rawValue: minorVersion) ?? .v2
        let encoder = ETFEncoder(minorVersion: version, compressionLevel: try compressionLevel())
        try TermIO.reportingErrors {
            guard let text = String(validating: TermIO.readInput(), as: UTF8.self) else {
                throw ErlangTermError(.syntax, "standard input is not UTF-8 text")
            }
            let term = try TermParser().parse(text)
            TermIO.write(format.output(try encoder.encode(term)))
        }
    }
}
