import ArgumentParser
import ErlangRuntime
import Logging
import Foundation
import ServiceLifecycle

/// `swerl epmd`: the epmd-compatible daemon, until SIGINT or SIGTERM (or an accepted KILL_REQ).
struct EPMDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epmd",
        abstract: "Run the EPMD-compatible daemon (as `epmd` does) until SIGINT or SIGTERM.",
        discussion: """
            Listens on every interface by default, or on --address and loopback. Honours \
            ERL_EPMD_PORT, ERL_EPMD_ADDRESS and ERL_EPMD_RELAXED_COMMAND_CHECK like epmd.
            """
    )

    @Option(name: .long, help: "The TCP port (default: ERL_EPMD_PORT, else 4369; 0 picks a free one).")
    var port: Int?

    @Option(name: .long, help: "Comma-separated addresses to listen on; loopback is always added (default: all).")
    var address: String?

    @Flag(name: .customLong("relaxed-command-check"), help: "Obey KILL with nodes registered, and STOP (epmd -relaxed_command_check).")
    var relaxedCommandCheck = false

    @Option(name: .customLong("packet-timeout"), help: "Seconds a connection may take to send its request.")
    var packetTimeout = 60

    @Option(name: .customLong("max-connections"), help: "The most connections served at once.")
    var maximumConnections = 1024

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let environment = ProcessInfo.processInfo.environment
        let addressList = address ?? environment["ERL_EPMD_ADDRESS"] ?? ""
        let configuration = EPMDServer.Configuration(
            port: port,
            addresses: addressList.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            relaxedCommandCheck: relaxedCommandCheck ? true : nil,
            maximumConnections: maximumConnections,
            packetTimeout: .seconds(packetTimeout),
            environment: environment)
        let logger = Logger(label: "swerl.epmd")
        let server = try await EPMDServer.start(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
