import ArgumentParser
import ErlangTerm

struct TermCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "term", abstract: "Convert between ETF bytes and term text.")
}
