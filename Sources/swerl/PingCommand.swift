import ArgumentParser
import ErlangDistribution
import ErlangRuntime
import Foundation
import Logging

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

    @Option(name: .long, help: "This node's short name (erl -sname).")
    var sname: String?

    @Option(name: .long, help: "This node's long name (erl -name).")
    var name: String?

    @Option(name: .long, help: "The cookie (default: ~/.erlang.cookie, created like erl does when missing).")
    var setcookie: String?

    @Option(name: .long, help: "Seconds the whole ping may take (net_setuptime).")
    var setuptime = 7

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "critical"

    func validate() throws {
        if sname != nil, name != nil { throw ValidationError("give --sname or --name, not both") }
    }

    func run() async throws {
        let target: NodeName
        do { target = try NodeName(node) } catch { throw ValidationError("\(node) is not a node name name@host") }
        var logger = Logger(label: "swerl.ping")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .critical
        let configuration = ErlangNode.Configuration(
            name: ownName(for: target), cookie: setcookie.map { .explicit($0) } ?? .default,
            listenHost: "127.0.0.1", setupTime: .seconds(setuptime), hidden: true, logger: logger)
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

    /// `--sname`/`--name`, or a unique name in the target's name domain: long when its host has a dot.
    private func ownName(for target: NodeName) -> ErlangNode.Configuration.Name {
        if let sname { return .short(sname) }
        if let name { return .long(name) }
        let alive = "swerl_ping_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        guard !target.isShortName else { return .short(alive) }
        let host = ProcessInfo.processInfo.hostName
        return .long(alive + "@" + (host.contains(".") ? host : "127.0.0.1"))
    }
}
