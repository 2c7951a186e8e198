import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// `erlang:monitor(process, Target)` for `watcher`, a process of this node: when the target
    /// exits (or is missing: `noproc`, or its node's connection goes: `noconnection`), the watcher
    /// gets `{'DOWN', Ref, process, Target, Reason}`.
    ///
    /// - Throws: ``ErlangNodeError`` when the target's node cannot be reached.
    public func monitor(_ target: ControlMessage.MonitorTarget, at node: NodeName, from watcher: PID) async throws -> Reference {
        let reference = makeReference()
        if node == name {
            monitorLocal(target, reference: reference, watcher: watcher, peer: nil)
            return reference
        }
        let connection: DistributionConnection
        do {
            connection = try await self.connection(to: node)
        } catch {
            // erlang:monitor/2 on an unreachable node: a DOWN with noconnection.
            deliver(Self.downMessage(reference, target: target, node: node, reason: .atom("noconnection")), to: watcher)
            return reference
        }
        state.withLockedValue { $0.monitors.add(.init(watcher: watcher, target: target, node: node), reference: reference) }
        try await send(DistributionMessage(control: .monitorP(from: watcher, to: target, reference: reference)), on: connection)
        return reference
    }

    /// `erlang:demonitor(Ref)`: the monitor goes; no DOWN comes for it afterwards.
    public func demonitor(_ reference: Reference) async {
        let (byUs, _) = state.withLockedValue { ($0.monitors.removeByUs(reference), $0.monitors.removeOnUs(reference)) }
        guard let byUs, let connection = endpoint.connection(to: byUs.node) else { return }
        try? await connection.send(DistributionMessage(control: .demonitorP(from: byUs.watcher, to: byUs.target, reference: reference)))
    }

    /// `erlang:monitor(process, Pid)` by `watcher` on each of `pids`, processes of this node, with
    /// the node's lock taken twice for the whole batch instead of twice per monitor: a `pg` scope
    /// monitors every member of a `pg:join(Scope, Group, Pids)` (`pg.erl`, `handle_call/3` for
    /// `join_local`). A pid that is not alive gets its DOWN with `noproc`, as ``monitor(_:at:from:)``.
    ///
    /// - Returns: the references, in the order of `pids`.
    func monitorLocal(_ pids: [PID], from watcher: PID) -> [Reference] {
        let first = state.withLockedValue { state in
            defer { state.nextReference += UInt64(pids.count) }
            return state.nextReference
        }
        let references = pids.indices.map { reference(numbered: first + UInt64($0)) }
        let missing = state.withLockedValue { state -> [Int] in
            var missing: [Int] = []
            for (index, pid) in pids.enumerated() {
                guard state.processes.isAlive(pid) else {
                    missing.append(index)
                    continue
                }
                state.monitors.add(.init(target: pid, targetAs: .pid(pid), watcher: watcher, peer: nil), reference: references[index])
            }
            return missing
        }
        for index in missing {
            deliver(Self.downMessage(references[index], target: .pid(pids[index]), node: name, reason: .atom("noproc")), to: watcher)
        }
        return references
    }

    /// A monitor on a process of this node, by a local watcher (`peer` nil) or a peer's process.
    /// Returns false when the target does not exist.
    @discardableResult
    func monitorLocal(_ target: ControlMessage.MonitorTarget, reference: Reference, watcher: PID, peer: NodeName?) -> Bool {
        let recorded = state.withLockedValue { state -> Bool in
            let pid: PID?
            switch target {
            case .pid(let candidate): pid = state.processes.isAlive(candidate) ? candidate : nil
            case .name(let name): pid = state.processes.whereis(name)
            }
            guard let pid else { return false }
            state.monitors.add(.init(target: pid, targetAs: target, watcher: watcher, peer: peer), reference: reference)
            return true
        }
        if !recorded, peer == nil {
            deliver(Self.downMessage(reference, target: target, node: name, reason: .atom("noproc")), to: watcher)
        }
        return recorded
    }

    /// Sends the DOWNs of an exited process to their watchers, and demonitors what it watched.
    func fire(_ fired: [(Reference, MonitorTable.OnUs)], held: [(Reference, MonitorTable.ByUs)], reason: Term) async {
        for (reference, monitor) in fired {
            guard let peer = monitor.peer else {
                deliver(Self.downMessage(reference, target: monitor.targetAs, node: name, reason: reason), to: monitor.watcher)
                continue
            }
            guard let connection = endpoint.connection(to: peer) else { continue }
            try? await connection.send(Self.down(monitor.targetAs, to: monitor.watcher, reference: reference, reason: reason, on: connection))
        }
        for (reference, monitor) in held {
            guard let connection = endpoint.connection(to: monitor.node) else { continue }
            try? await connection.send(DistributionMessage(control: .demonitorP(from: monitor.watcher, to: monitor.target, reference: reference)))
        }
    }

    /// `PAYLOAD_MONITOR_P_EXIT` when `EXIT_PAYLOAD` is agreed, else `MONITOR_P_EXIT`.
    static func down(
        _ target: ControlMessage.MonitorTarget, to watcher: PID, reference: Reference, reason: Term, on connection: DistributionConnection
    ) -> DistributionMessage {
        if connection.agreedFlags.contains(.exitPayload) {
            return DistributionMessage(control: .payloadMonitorPExit(from: target, to: watcher, reference: reference), payload: reason)
        }
        return DistributionMessage(control: .monitorPExit(from: target, to: watcher, reference: reference, reason: reason))
    }

    /// A DOWN from a peer for a monitor one of our processes holds.
    func downArrived(_ reference: Reference, reason: Term, from peer: NodeName) {
        guard let monitor = state.withLockedValue({ $0.monitors.removeByUs(reference) }) else { return }
        deliver(Self.downMessage(reference, target: monitor.target, node: peer, reason: reason), to: monitor.watcher)
    }

    /// The connection to `node` went down: our monitors on its processes fire with `noconnection`.
    func connectionLost(to node: NodeName) {
        for (reference, monitor) in state.withLockedValue({ $0.monitors.connectionLost(to: node) }) {
            deliver(Self.downMessage(reference, target: monitor.target, node: node, reason: .atom("noconnection")), to: monitor.watcher)
        }
    }
}
