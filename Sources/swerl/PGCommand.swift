import ArgumentParser
import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import Foundation

/// `swerl pg NODE`: every group of a scope across NODE's cluster, seen from a hidden node.
struct PGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pg",
        abstract: "Print every pg group of NODE's cluster with its members and their nodes, then exit.",
        discussion: """
            Starts a hidden node (a unique swerl_pg_... name unless --sname or --name is given), \
            connects to NODE, asks it for its nodes (rex, as rpc:call(Node, erlang, nodes, []) does) \
            and discovers the scope of each, as a hidden pg peer must (no node lists a hidden \
            node's scope by itself). It joins nothing, so it changes no group. Honours ERL_EPMD_PORT.
            """
    )

    @Argument(help: "A node of the cluster, name@host.")
    var target: String

    @OptionGroup var node: NodeOptions

    @Option(name: .long, help: "The pg scope.")
    var scope = "pg"

    @Option(name: .long, help: "Seconds to wait for each node (net_setuptime).")
    var setuptime = 7

    @Flag(name: .long, help: "Print one JSON object per group.")
    var json = false

    func run() async throws {
        let peer = try nodeName(target)
        var configuration = node.configuration(hidden: true, fallback: NodeOptions.uniqueName("swerl_pg", like: peer))
        configuration.setupTime = .seconds(setuptime)
        configuration.listenHost = "127.0.0.1"
        let erlangNode: ErlangNode
        do {
            erlangNode = try await ErlangNode.start(configuration)
        } catch {
            FileHandle.standardError.write(Data("swerl pg: \(error)\n".utf8))
            throw ExitCode(1)
        }
        do {
            let groups = try await ProcessGroups.start(on: erlangNode, scope: Atom(scope))
            try await groups.discover(peer, timeout: .seconds(setuptime))
            for other in await clusterNodes(of: peer, on: erlangNode) where other != peer && other != erlangNode.name {
                try? await groups.discover(other, timeout: .seconds(setuptime))
            }
            print(groups)
        } catch {
            FileHandle.standardError.write(Data("swerl pg: \(error)\n".utf8))
            await erlangNode.shutdown()
            throw ExitCode(1)
        }
        await erlangNode.shutdown()
    }

    /// `rpc:call(Peer, erlang, nodes, [])` through `rex`'s `{call, M, F, A, GroupLeader}`
    /// (`rpc.erl`, `handle_call/3`); just `peer` when it does not answer.
    private func clusterNodes(of peer: NodeName, on erlangNode: ErlangNode) async -> [NodeName] {
        guard let caller = try? erlangNode.spawnProcess() else { return [] }
        defer { caller.exit() }
        let tag = Term.reference(erlangNode.makeReference())
        let request: Term = .tuple([.atom("call"), .atom("erlang"), .atom("nodes"), .list([]), .pid(caller.pid)])
        let call: Term = .tuple([.atom("$gen_call"), .tuple([.pid(caller.pid), tag]), request])
        guard (try? await caller.send(call, to: "rex", at: peer)) != nil,
              let reply = await caller.receive(matching: { $0.tupleElements?.first == tag }, timeout: .seconds(setuptime)),
              let names = reply.tupleElements?.last?.listElements else { return [] }
        return names.compactMap { $0.atomValue.flatMap { try? NodeName($0.name) } }
    }

    private func print(_ groups: ProcessGroups) {
        let printer = TermPrinter.erlang
        let all = groups.whichGroups().map { (printer.print($0), $0) }.sorted { $0.0 < $1.0 }
        if !json { Output.line("scope \(scope): \(all.count) group\(all.count == 1 ? "" : "s")") }
        for (text, group) in all {
            let members = groups.members(group).sorted { ($0.node.name, $0.id, $0.serial) < ($1.node.name, $1.id, $1.serial) }
            if json {
                Output.json(["group": text, "members": members.map { ["pid": $0.description, "node": $0.node.name] }])
            } else {
                Output.line(text)
                for pid in members { Output.line("  \(pid) \(pid.node.name)") }
            }
        }
    }
}
