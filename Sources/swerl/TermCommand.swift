import ArgumentParser
import ErlangTerm
import Foundation

/// `swerl term`: converts between external term format bytes and term text.
struct TermCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "term",
        abstract: "Convert between ETF bytes and term text.",
        subcommands: [TermDecodeCommand.self, TermEncodeCommand.self]
    )
}

/// How ETF bytes are written on standard input or output.
enum ByteFormat: String, EnumerableFlag {
    /// The bytes themselves.
    case raw
    /// Hexadecimal text; white space is ignored on input.
    case hex
    /// Base64 text; white space is ignored on input.
    case base64

    static func help(for value: ByteFormat) -> ArgumentHelp? {
        switch value {
        case .raw: "Raw bytes (the default)."
        case .hex: "Hexadecimal text."
        case .base64: "Base64 text."
        }
    }
}

/// Standard input and output for the term commands, and the one-line error report.
enum TermIO {
    static func readInput() -> Data {
        FileHandle.standardInput.readDataToEndOfFile()
    }

    static func write(_ data: Data) {
        FileHandle.standardOutput.write(data)
    }

    /// Runs `body`; a failure is reported on standard error as one line and exits with status 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
