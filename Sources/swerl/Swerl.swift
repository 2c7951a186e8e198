import ArgumentParser
import ErlangTerm

@main
struct Swerl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swerl",
        abstract: "A pure-Swift Erlang distribution node and its operator tools.",
        subcommands: [TermCommand.self, EPMDCommand.self, NamesCommand.self]
    )
}
