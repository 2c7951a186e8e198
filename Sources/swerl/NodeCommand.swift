import ArgumentParser
import ErlangDistribution
import ErlangGlobal
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// `swerl node`: a node that joins groups and reports what happens in its cluster until SIGINT or SIGTERM.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node until SIGINT or SIGTERM, joining pg groups and printing node and membership events.",
        discussion: """
            Each --join GROUP gets an echo process that answers {From, Msg} with {self(), Msg}. \
            Prints one line per event: the start, node up and down, a member joining or leaving \
            (group, pid, node); with --json one JSON object per line. --connect nodes are tried \
            for --connect-timeout seconds (sync_nodes_optional). A hidden node discovers the pg \
            scope of each --connect node itself. Each --join-pg2 GROUP creates the legacy pg2 group \
            and joins an echo process to it (the node then runs global and pg2). Honours ERL_EPMD_PORT.
            """
    )

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "A node to connect to at start (repeatable).")
    var connect: [String] = []

    @Option(name: .customLong("connect-timeout"), help: "Seconds to keep trying the --connect nodes (sync_nodes_timeout).")
    var connectTimeout = 7

    @Option(name: .long, help: "A pg group to join with an echo process (repeatable); an atom or an Erlang term.")
    var join: [String] = []

    @Option(name: .long, help: "A global name (global:register_name/2) for an echo process (repeatable); an atom or an Erlang term.")
    var global: [String] = []

    @Option(name: .customLong("join-pg2"), help: "A legacy pg2 group to create and join with an echo process (repeatable).")
    var joinPG2: [String] = []

    @Option(name: .long, help: "The pg scope.")
    var scope = "pg"

    @Flag(name: .long, help: "Run as a hidden node (erl -hidden).")
    var hidden = false

    @Flag(name: .long, help: "Print one JSON object per event.")
    var json = false

    func validate() throws {
        if node.sname == nil, node.name == nil { throw ValidationError("give --sname or --name") }
        for text in connect { _ = try nodeName(text) }
        for text in join + global + joinPG2 { _ = try groupTerm(text) }
        if hidden, !global.isEmpty { throw ValidationError("a hidden node does not run global: drop --hidden or --global") }
        if hidden, !joinPG2.isEmpty { throw ValidationError("--join-pg2 needs a visible node (pg2 locks through global)") }
    }

    func run() async throws {
        let reporter = EventReporter(json: json)
        let started = NIOLockedValueBox<ProcessGroups?>(nil)
        var configuration = node.configuration(hidden: hidden, fallback: .short("swerl"))
        let peers = try connect.map(nodeName)
        configuration.syncNodesOptional = peers
        configuration.syncNodesTimeout = peers.isEmpty ? nil : .seconds(connectTimeout)
        let names = Global()
        // A visible node that stays silent to `global` makes `global:sync()` hang on every BEAM
        // node (membership.md 4.4), so a visible `swerl node` always runs it; `Global` itself
        // skips a hidden node, as BEAM's hidden nodes take no part.
        configuration.services = [
            names.service,
            { node in reporter.watch(node.events()) },
            ProcessGroups.service(scope: Atom(scope)) { groups in
                reporter.watch(groups.monitorScope().changes, scope: groups)
                started.withLockedValue { $0 = groups }
            },
        ]
        let erlangNode: ErlangNode
        do {
            erlangNode = try await ErlangNode.start(configuration)
        } catch {
            FileHandle.standardError.write(Data("swerl node: \(error)\n".utf8))
            throw ExitCode(1)
        }
        guard let groups = started.withLockedValue({ $0 }) else { throw ExitCode(1) }
        reporter.started(erlangNode, scope: groups.scope)
        if hidden {
            for peer in peers where erlangNode.hiddenNodes().contains(peer) { try? await groups.discover(peer) }
        }
        for text in join {
            let echo = try erlangNode.spawnProcess()
            Task { await Self.echo(echo) }
            try groups.join(try groupTerm(text), echo.pid)
        }
        if !global.isEmpty { try await registerGlobalNames(names, on: erlangNode) }
        if !joinPG2.isEmpty { try await Self.joinPG2(try joinPG2.map(groupTerm), on: erlangNode, global: names) }
        let serviceGroup = ServiceGroup(configuration: .init(
            services: [.init(service: erlangNode)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: erlangNode.configuration.logger))
        try await serviceGroup.run()
    }

    /// `global:sync()`, then one echo process per `--global` name; exits 1 when a name is taken.
    private func registerGlobalNames(_ names: Global, on node: ErlangNode) async throws {
        try await names.sync()
        for text in global {
            let echo = try node.spawnProcess()
            Task { await Self.echo(echo) }
            guard try await names.registerName(try groupTerm(text), echo.pid) else {
                FileHandle.standardError.write(Data("swerl node: the global name \(text) is taken\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// Answers `{From, Msg}` with `{self(), Msg}`.
    static func echo(_ process: ErlangProcess) async {
        for await message in process.mailbox {
            guard case .tuple(let elements) = message, elements.count == 2, case .pid(let from) = elements[0] else { continue }
            try? await process.send(.tuple([.pid(process.pid), elements[1]]), to: from)
        }
    }
}
