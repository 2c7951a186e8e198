import ErlangDistribution
import ErlangRuntime
import ErlangTerm

extension ProcessGroups {
    /// One message of the scope process: a DOWN, a peer scope's message, or something to ignore
    /// (where `pg.erl` would crash with `badarg`, membership.md §2.7, a log line is enough here).
    func receive(_ message: Term) {
        if let (pid, reason) = Self.down(message) {
            state.withLockedValue { _ = $0.monitors.removeValue(forKey: PIDKey(pid)) }
            perform { $0.down(pid, reason: reason) }
        } else if let peerMessage = PeerMessage(message) {
            perform { $0.receive(peerMessage) }
        } else {
            logger.notice("pg scope ignored a message it does not understand", metadata: ["scope": "\(scope)"])
        }
    }

    /// `{'DOWN', Ref, process, Pid, Reason}`.
    static func down(_ message: Term) -> (PID, Term)? {
        guard case .tuple(let elements) = message, elements.count == 5, elements[0] == .atom("DOWN"),
              elements[2] == .atom("process"), case .pid(let pid) = elements[3] else { return nil }
        return (pid, elements[4])
    }

    /// Carries out one directive from the scope process.
    func execute(_ directive: Directive) async {
        switch directive {
        case .send(let message, let peer):
            // erlang:send(Peer, Msg, [noconnect]), as broadcast/2 sends.
            guard isConnected(peer.node) else { return }
            try? await process.send(message.term, to: peer)
        case .sendToScope(let message, let peerNode):
            guard isConnected(peerNode), let name = try? NodeName(peerNode.name) else { return }
            try? await process.send(message.term, to: scope, at: name)
        case .monitor(let pid):
            await startMonitor(pid)
        case .demonitor(let pid):
            if let reference = state.withLockedValue({ $0.monitors.removeValue(forKey: PIDKey(pid)) }) {
                await process.demonitor(reference)
            }
        case .rediscover(let peerNode):
            rediscover(peerNode)
        case .notify:
            break
        }
    }

    private func startMonitor(_ pid: PID) async {
        guard let reference = try? await process.monitor(pid) else { return }
        record([pid], [reference])
    }

    /// Monitors of this node's processes, in one batch of the runtime (one lock for all).
    func startMonitors(_ pids: [PID]) async {
        guard !pids.isEmpty, let references = try? await process.monitor(pids) else { return }
        record(pids, references)
    }

    private func record(_ pids: [PID], _ references: [Reference]) {
        // A DOWN that came first (noproc, noconnection) has already removed the pid.
        state.withLockedValue { shell in
            for (pid, reference) in zip(pids, references) {
                let key = PIDKey(pid)
                if shell.instance.local[key] != nil || shell.instance.remote[pid] != nil { shell.monitors[key] = reference }
            }
        }
    }

    func isConnected(_ peerNode: Atom) -> Bool {
        peerNode == process.pid.node || node.nodes().contains { $0.atom == peerNode }
            || node.hiddenNodes().contains { $0.atom == peerNode }
    }

    /// A peer scope died while its node stayed connected: it is restarting. Discovers the node's
    /// scope until it answers, for at most 10 s (a name not yet registered drops the discover).
    private func rediscover(_ peerNode: Atom) {
        let isNew = state.withLockedValue { $0.rediscovering.insert(peerNode).inserted }
        guard isNew else { return }
        Task { [self] in
            defer { state.withLockedValue { _ = $0.rediscovering.remove(peerNode) } }
            for _ in 0..<50 {
                guard isRunning, isConnected(peerNode),
                      !state.withLockedValue({ $0.instance.knowsPeer(on: peerNode) }) else { return }
                perform { $0.discover(peerNode) }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
