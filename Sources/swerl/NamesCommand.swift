import ArgumentParser
import ErlangEPMD
import ErlangRuntime
import Foundation

/// `swerl names [HOST]`: what `epmd -names` prints, for any daemon.
struct NamesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "names",
        abstract: "List the nodes registered at HOST's EPMD, as `epmd -names` does.",
        discussion: "Honours ERL_EPMD_PORT. Exits 1 when no daemon answers."
    )

    @Argument(help: "The host whose EPMD to ask.")
    var host = "localhost"

    @Option(name: .long, help: "The EPMD port (default: ERL_EPMD_PORT, else 4369).")
    var port: Int?

    @Option(name: .long, help: "Seconds to wait for the connection and for the reply.")
    var timeout = 10

    func run() async throws {
        let client = EPMDClient(configuration: .init(
            epmdPort: port, connectTimeout: .seconds(timeout), replyTimeout: .seconds(timeout)))
        do {
            let names = try await client.names(host: host)
            // epmd_cli.c: the port the daemon reports, then the reply's text as it came.
            print("epmd: up and running on port \(names.epmdPort) with data:", terminator: "\n")
            print(names.text, terminator: "")
        } catch let error as EPMDError where error.code == .epmdNotRunning {
            FileHandle.standardError.write(Data("epmd: Cannot connect to local epmd\n".utf8))
            throw ExitCode(1)
        } catch is EPMDError {
            print("epmd: no response from local epmd")
            throw ExitCode(1)
        }
    }
}
