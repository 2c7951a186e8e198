import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm

/// The Swift-to-BEAM rows: a Swift node's processes join; B's observer says when it sees them.
struct SwiftRows {
    let node: ErlangNode
    let groups: ProcessGroups
    let controller: ErlangProcess
    let observerNode: NodeName
    let members: Int

    /// 10,000 processes, each joining on its own (`pg:join(Group, self())` one by one).
    func individual(_ group: Term) async throws -> Double {
        let processes = try spawn()
        let tag = try await waitOn("wait", group, members)
        let start = ContinuousClock.now
        for process in processes { try groups.join(group, process.pid) }
        return try await measured(tag, since: start, group, processes)
    }

    /// One `pg:join(Group, Pids)` of 10,000 processes.
    func batch(_ group: Term) async throws -> Double {
        let processes = try spawn()
        let tag = try await waitOn("wait", group, members)
        let start = ContinuousClock.now
        try groups.join(group, processes.map(\.pid))
        return try await measured(tag, since: start, group, processes)
    }

    /// B drops the connection (and so the members); time from reconnecting until B sees them all again.
    func resync(_ group: Term) async throws -> Double {
        let processes = try spawn()
        try groups.join(group, processes.map(\.pid))
        try await seen(try await waitOn("wait", group, members))
        let tag = try await waitOn("wait_resync", group, members)
        try await controller.send(.tuple([.atom("disconnect"), .atom(node.name.atom)]), to: "pg_bench_observer", at: observerNode)
        while node.nodes().contains(observerNode) { try await Task.sleep(for: .milliseconds(1)) }
        // As the BEAM driver does: let B's pg process the DOWN of this node's scope first.
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        try await node.connect(to: observerNode)
        return try await measured(tag, since: start, group, processes)
    }

    private func spawn() throws -> [ErlangProcess] {
        try (0..<members).map { _ in try node.spawnProcess() }
    }

    private func measured(_ tag: Term, since start: ContinuousClock.Instant, _ group: Term, _ processes: [ErlangProcess]) async throws -> Double {
        try await seen(tag)
        let elapsed = ContinuousClock.now - start
        for process in processes { process.exit() }
        try await seen(try await waitOn("wait", group, 0))
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    private func waitOn(_ kind: String, _ group: Term, _ count: Int) async throws -> Term {
        let tag = Term.reference(node.makeReference())
        let request = Term.tuple([.atom(Atom(kind)), .pid(controller.pid), group, .integer(count), tag])
        try await controller.send(request, to: "pg_bench_observer", at: observerNode)
        return tag
    }

    private func seen(_ tag: Term) async throws {
        let reply = await controller.receive(matching: { $0 == .tuple([.atom("seen"), tag]) }, timeout: .seconds(120))
        guard reply != nil else { throw BenchError("B did not see the members within 120 s") }
    }
}
