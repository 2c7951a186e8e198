import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm
import Foundation

/// Two `iex`-style Elixir nodes and a Swift node sharing `process_group`.
struct ElixirWalkthrough {
    let elixir: String
    let epmdPort: Int
    let cookie: String
    let suffix: String

    func run() async throws {
        let names = ["demo_a_\(suffix)@127.0.0.1", "demo_b_\(suffix)@127.0.0.1"]
        print("Starting two Elixir nodes, as `iex --name NAME --cookie C --erl \"-kernel start_pg true\"` starts them:")
        var beams: [DemoBEAMNode] = []
        var swift: ErlangNode?
        do {
            for name in names { beams.append(try DemoBEAMNode(elixir: elixir, name: name, cookie: cookie, epmdPort: epmdPort)) }
            try await walk(beams, started: { swift = $0 })
        } catch {
            for beam in beams { beam.stop() }
            await swift?.shutdown()
            throw error
        }
        for beam in beams { beam.stop() }
        await swift?.shutdown()
    }

    private func walk(_ beams: [DemoBEAMNode], started: (ErlangNode) -> Void) async throws {
        let (a, b) = (beams[0], beams[1])
        for beam in beams { _ = try await beam.eval(":ok", timeout: .seconds(60)) }
        print("  \(a.name) (os pid \(a.pid)) and \(b.name) (os pid \(b.pid)) are up")
        try await a.waitFor("Node.connect(:\"\(b.name)\")", toBe: "true")
        for beam in beams {
            _ = try await beam.eval("pid = spawn(fn -> receive do :stop -> :ok end end); Process.register(pid, :demo_member); :pg.join(:process_group, pid)")
        }
        print("  each joined one Elixir process to :process_group")
        let swiftName = "demo_swift_\(suffix)"
        let (node, pg) = try await DemoCommand.startSwiftNode(
            swiftName, epmdPort: epmdPort, cookie: cookie, connect: try beams.map { try NodeName($0.name) })
        started(node)
        print("The Swift node \(node.name) started and connected to both (sync_nodes_mandatory).")
        let worker = try node.spawnProcess()
        Task { await NodeCommand.echo(worker) }
        try pg.join(DemoCommand.group, worker.pid)
        print("Its process \(worker.pid) joins :process_group; it answers {from, msg} with {self(), msg}.")
        try await DemoCommand.printNames(epmdPort: epmdPort)

        print("\nThe group, seen from every node:")
        let byNode = ":pg.get_members(:process_group) |> Enum.map(&node/1) |> Enum.sort()"
        let all = "[" + (beams.map(\.name) + [node.name.description]).sorted().map { ":\"\($0)\"" }.joined(separator: ", ") + "]"
        for beam in beams { try await show(beam, byNode, expecting: all) }
        try await DemoCommand.waitUntil("three members seen from Swift") { pg.members(DemoCommand.group).count == 3 }
        DemoCommand.printMembers(seenFrom: swiftName, pg)

        print("\nA message round trip from Elixir to the Swift member:")
        let roundTrip = "[swift] = Enum.filter(:pg.get_members(:process_group), &(node(&1) == :\"\(node.name)\")); "
            + "send(swift, {self(), :hello}); receive do {^swift, reply} -> reply after 5000 -> :timeout end"
        try await show(a, roundTrip, expecting: ":hello")

        print("\nStopping \(b.name) (kill -9 \(b.pid)); its member leaves the group everywhere:")
        b.stop()
        try await DemoCommand.waitUntil("the stopped node's member dropped on Swift") { pg.members(DemoCommand.group).count == 2 }
        DemoCommand.printMembers(seenFrom: swiftName, pg)
        let remaining = "[" + [a.name, node.name.description].sorted().map { ":\"\($0)\"" }.joined(separator: ", ") + "]"
        try await show(a, byNode, expecting: remaining)
    }

    /// Evaluates `code` on `beam` until it gives `expected`, and prints it as an iex session would.
    private func show(_ beam: DemoBEAMNode, _ code: String, expecting expected: String) async throws {
        try await beam.waitFor(code, toBe: expected)
        print("iex(\(beam.name.split(separator: "@")[0]))> \(code)")
        print(expected)
    }
}

/// Without Erlang: two Swift nodes stand in for the Elixir nodes.
struct SwiftWalkthrough {
    let epmdPort: Int
    let cookie: String
    let suffix: String

    func run() async throws {
        var nodes: [ErlangNode] = []
        do {
            try await walk { nodes.append($0) }
        } catch {
            for node in nodes { await node.shutdown() }
            throw error
        }
        for node in nodes { await node.shutdown() }
    }

    private func walk(_ started: (ErlangNode) -> Void) async throws {
        var peers: [(ErlangNode, ProcessGroups)] = []
        for letter in ["a", "b"] {
            let (node, pg) = try await DemoCommand.startSwiftNode("demo_\(letter)_\(suffix)", epmdPort: epmdPort, cookie: cookie)
            started(node)
            let member = try node.spawnProcess()
            try pg.join(DemoCommand.group, member.pid)
            peers.append((node, pg))
            print("Swift node \(node.name) is up; its process \(member.pid) joined process_group.")
        }
        try await peers[0].0.connect(to: peers[1].0.name)
        print("\(peers[0].0.name) connected to \(peers[1].0.name).")
        let swiftName = "demo_swift_\(suffix)"
        let (node, pg) = try await DemoCommand.startSwiftNode(
            swiftName, epmdPort: epmdPort, cookie: cookie, connect: peers.map(\.0.name))
        started(node)
        let worker = try node.spawnProcess()
        Task { await NodeCommand.echo(worker) }
        try pg.join(DemoCommand.group, worker.pid)
        print("The Swift node \(node.name) connected to both; its process \(worker.pid) joins process_group.")
        try await DemoCommand.printNames(epmdPort: epmdPort)

        print("\nThe group, seen from every node:")
        for (peer, peerGroups) in peers + [(node, pg)] {
            try await DemoCommand.waitUntil("three members seen from \(peer.name)") { peerGroups.members(DemoCommand.group).count == 3 }
            DemoCommand.printMembers(seenFrom: peer.name.alive, peerGroups)
        }

        print("\nA message round trip from \(peers[0].0.name) to the member on \(node.name):")
        let caller = try peers[0].0.spawnProcess()
        try await caller.send(.tuple([.pid(caller.pid), .atom("hello")]), to: worker.pid)
        let reply = await caller.receive(timeout: .seconds(10))
        print("  sent {\(caller.pid), hello}, received \(reply.map { TermPrinter.erlang.print($0) } ?? "nothing")")
        guard reply == .tuple([.pid(worker.pid), .atom("hello")]) else { throw DemoError("no echo from \(worker.pid)") }

        print("\nStopping \(peers[1].0.name); its member leaves the group everywhere:")
        await peers[1].0.shutdown()
        try await DemoCommand.waitUntil("the stopped node's member dropped") { pg.members(DemoCommand.group).count == 2 }
        DemoCommand.printMembers(seenFrom: swiftName, pg)
    }
}
