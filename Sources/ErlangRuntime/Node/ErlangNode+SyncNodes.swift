import ErlangDistribution

extension ErlangNode {
    /// `kernel_config.erl`, `sync_nodes/0`: with a `sync_nodes_timeout`, connect to the mandatory
    /// and optional nodes and wait, at most that long, until each is connected (by us or by it);
    /// a mandatory node still missing then fails the start (`{mandatory_nodes_down, Nodes}`).
    /// `kernel_config` pings each node once and then only waits for node ups; Swerl also tries
    /// again every half second, so nodes that start a little later are found too.
    func syncNodes() async throws {
        guard let timeout = configuration.syncNodesTimeout else { return }
        let wanted = Set(configuration.syncNodesMandatory + configuration.syncNodesOptional).subtracting([name])
        let deadline = ContinuousClock.now + timeout
        var missing = wanted
        while !missing.isEmpty {
            await withTaskGroup(of: Void.self) { group in
                for peer in missing { group.addTask { try? await self.connect(to: peer) } }
            }
            let connected = Set(nodes() + hiddenNodes())
            missing.subtract(connected)
            guard !missing.isEmpty, ContinuousClock.now < deadline else { break }
            try? await Task.sleep(for: min(.milliseconds(500), deadline - ContinuousClock.now))
        }
        let down = configuration.syncNodesMandatory.filter { missing.contains($0) }
        guard down.isEmpty else {
            throw ErlangNodeError(.startFailed, "mandatory nodes down after \(timeout): \(down.map(\.description).joined(separator: ", "))")
        }
    }
}
