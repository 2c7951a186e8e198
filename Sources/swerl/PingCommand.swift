import ArgumentParser
import ErlangDistribution
import ErlangRuntime
import Foundation

/// `swerl ping NODE`: `net_adm:ping/1` from a short-lived hidden node.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Ping NODE as net_adm:ping/1 does: print pong and exit 0, or pang and exit 1.",
        discussion: """
            Starts a hidden node (a unique swerl_ping_... name unless --sname or --name is given), \
            connects to NODE through its host's EPMD and calls its net_kernel. Gives up after \
            --setuptime seconds (net_setuptime). Honours ERL_EPMD_PORT.
            """
    )

    @Argument(help: "The node to ping, name@host.")
    var node: String

    @OptionGroup var options: NodeOptions

    @Option(name: .long, help: "Seconds the whole ping may take (net_setuptime).")
    var setuptime = 7

    func run() async throws {
        let target = try nodeName(node)
        var configuration = options.configuration(
            hidden: true, fallback: NodeOptions.uniqueName("swerl_ping", like: target), label: "swerl.ping")
        configuration.listenHost = "127.0.0.1"
        configuration.setupTime = .seconds(setuptime)
        let started: ErlangNode
        do {
            started = try await ErlangNode.start(configuration)
        } catch {
            FileHandle.standardError.write(Data("swerl ping: \(error)\n".utf8))
            print("pang")
            throw ExitCode(1)
        }
        let pong = await started.ping(target, timeout: .seconds(setuptime))
        await started.shutdown()
        print(pong ? "pong" : "pang")
        if !pong { throw ExitCode(1) }
    }
}
