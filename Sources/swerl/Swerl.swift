import ArgumentParser
import ErlangTerm

@main
struct Swerl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swerl",
        abstract: "A pure-Swift Erlang distribution node and its operator tools.",
        subcommands: [DemoCommand.self, NodeCommand.self, PGCommand.self, TermCommand.self, EPMDCommand.self, NamesCommand.self, PingCommand.self]
    )
}
