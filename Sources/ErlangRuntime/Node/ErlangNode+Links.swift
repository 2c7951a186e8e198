import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// `link/1` between our process `pid` and `other`, here or on another node (`LINK`). A process
    /// that is missing, or on a node that cannot be reached, sends `pid` an exit signal `noproc`
    /// or `noconnection` through the link, as BEAM does.
    func link(_ pid: PID, to other: PID) async {
        guard isAlive(pid), pid != other else { return }
        if other.node == atom {
            let linked = state.withLockedValue { state -> Bool in
                guard state.processes.isAlive(other) else { return false }
                _ = state.links.link(pid, other)
                _ = state.links.link(other, pid)
                return true
            }
            if !linked { exitSignal(to: pid, from: other, reason: .atom("noproc"), viaLink: true) }
            return
        }
        guard state.withLockedValue({ $0.links.link(pid, other) }) else { return }
        do {
            let connection = try await connection(to: try NodeName(other.node.name))
            try await send(DistributionMessage(control: .link(from: pid, to: other)), on: connection)
        } catch {
            if state.withLockedValue({ $0.links.takeExit(pid, from: other) }) {
                exitSignal(to: pid, from: other, reason: .atom("noconnection"), viaLink: true)
            }
        }
    }

    /// `unlink/1`: a local link goes at once; a remote one turns inactive until the peer acks our
    /// `UNLINK_ID` (distribution.md 4.5).
    func unlink(_ pid: PID, from other: PID) async {
        if other.node == atom {
            state.withLockedValue { $0.links.removeBoth(pid, other) }
            return
        }
        guard let id = state.withLockedValue({ $0.links.unlink(pid, other) }) else { return }
        guard let peer = try? NodeName(other.node.name), let connection = endpoint.connection(to: peer) else {
            state.withLockedValue { $0.links.unlinkAcknowledged(pid, by: other, id: id) }
            return
        }
        try? await connection.send(DistributionMessage(control: .unlinkID(id: id, from: pid, to: other)))
    }

    /// An exit signal reaches our process `pid` (`erl_proc_sig_queue.c`, `handle_exit_sig`): an
    /// untrappable `kill` from `exit/2` kills it with reason `killed`; a trapping process gets
    /// `{'EXIT', From, Reason}` in its mailbox; otherwise `normal` is ignored and any other reason
    /// ends the process with that reason.
    func exitSignal(to pid: PID, from: PID, reason: Term, viaLink: Bool) {
        let (alive, trapping) = state.withLockedValue { ($0.processes.isAlive(pid), $0.links.isTrapping(pid)) }
        guard alive else { return }
        if !viaLink, reason == .atom("kill") {
            remove(pid, reason: .atom("killed"))
        } else if trapping {
            deliver(.tuple([.atom("EXIT"), .pid(from), reason]), to: pid)
        } else if reason != .atom("normal") {
            remove(pid, reason: reason)
        }
    }

    /// `exit/2` from our process `from` to any process (`EXIT2`/`PAYLOAD_EXIT2` to another node).
    func sendExit(from: PID, to target: PID, reason: Term) async throws {
        if target.node == atom {
            exitSignal(to: target, from: from, reason: reason, viaLink: false)
            return
        }
        let connection = try await connection(to: try NodeName(target.node.name))
        let message = connection.agreedFlags.contains(.exitPayload)
            ? DistributionMessage(control: .payloadExit2(from: from, to: target), payload: reason)
            : DistributionMessage(control: .exit2(from: from, to: target, reason: reason))
        try await send(message, on: connection)
    }

    /// Our process `pid` exited: each active link carries the reason to the other end.
    func propagateExit(of pid: PID, to linked: [PID], reason: Term) async {
        for other in linked {
            if other.node == atom {
                if state.withLockedValue({ $0.links.takeExit(other, from: pid) }) {
                    exitSignal(to: other, from: pid, reason: reason, viaLink: true)
                }
                continue
            }
            guard let peer = try? NodeName(other.node.name), let connection = endpoint.connection(to: peer) else { continue }
            let message = connection.agreedFlags.contains(.exitPayload)
                ? DistributionMessage(control: .payloadExit(from: pid, to: other), payload: reason)
                : DistributionMessage(control: .exit(from: pid, to: other, reason: reason))
            try? await connection.send(message)
        }
    }

    /// Link control messages from a peer.
    func handleLinkSignal(_ message: DistributionMessage, from connection: DistributionConnection) async {
        switch message.control {
        case .link(let from, let to):
            let alive = state.withLockedValue { state -> Bool in
                guard state.processes.isAlive(to) else { return false }
                _ = state.links.link(to, from)
                return true
            }
            if !alive {
                try? await connection.send(Self.exitMessage(from: to, to: from, reason: .atom("noproc"), on: connection))
            }
        case .unlink(let from, let to):
            state.withLockedValue { $0.links.unlinkRequested(to, by: from) }
        case .unlinkID(let id, let from, let to):
            state.withLockedValue { $0.links.unlinkRequested(to, by: from) }
            // The ack goes before any other signal from `to` to `from` (link protocol).
            try? await connection.send(DistributionMessage(control: .unlinkIDAck(id: id, from: to, to: from)))
        case .unlinkIDAck(let id, let from, let to):
            state.withLockedValue { $0.links.unlinkAcknowledged(to, by: from, id: id) }
        case .exit(let from, let to, let reason), .exitTT(let from, let to, _, let reason):
            linkExit(to: to, from: from, reason: reason)
        case .payloadExit(let from, let to), .payloadExitTT(let from, let to, _):
            linkExit(to: to, from: from, reason: message.payload ?? .atom("normal"))
        case .exit2(let from, let to, let reason), .exit2TT(let from, let to, _, let reason):
            exitSignal(to: to, from: from, reason: reason, viaLink: false)
        case .payloadExit2(let from, let to), .payloadExit2TT(let from, let to, _):
            exitSignal(to: to, from: from, reason: message.payload ?? .atom("normal"), viaLink: false)
        default:
            break
        }
    }

    private func linkExit(to pid: PID, from: PID, reason: Term) {
        guard state.withLockedValue({ $0.links.takeExit(pid, from: from) }) else { return }
        exitSignal(to: pid, from: from, reason: reason, viaLink: true)
    }

    static func exitMessage(from: PID, to: PID, reason: Term, on connection: DistributionConnection) -> DistributionMessage {
        connection.agreedFlags.contains(.exitPayload)
            ? DistributionMessage(control: .payloadExit(from: from, to: to), payload: reason)
            : DistributionMessage(control: .exit(from: from, to: to, reason: reason))
    }

    /// The connection to `node` went down: each link to its processes brings `noconnection`.
    func linksLost(to node: NodeName) {
        for (pid, other) in state.withLockedValue({ $0.links.connectionLost(to: node.atom) }) {
            exitSignal(to: pid, from: other, reason: .atom("noconnection"), viaLink: true)
        }
    }
}

extension ErlangProcess {
    /// `link(Pid)`: when either process exits, the other gets an exit signal with the reason
    /// (see ``trapExit(_:)``); `noproc` or `noconnection` at once when `pid` cannot be linked.
    public func link(_ pid: PID) async {
        await node.link(self.pid, to: pid)
    }

    /// `unlink(Pid)`.
    public func unlink(_ pid: PID) async {
        await node.unlink(self.pid, from: pid)
    }

    /// `process_flag(trap_exit, On)`: exit signals become `{'EXIT', From, Reason}` messages,
    /// except an `exit/2` with `kill`.
    public func trapExit(_ on: Bool) {
        node.state.withLockedValue { $0.links.setTrapping(pid, on) }
    }

    /// Whether the process traps exits.
    public var trapsExits: Bool { node.state.withLockedValue { $0.links.isTrapping(pid) } }

    /// `exit(Pid, Reason)`: sends an exit signal to `pid`; `kill` cannot be trapped.
    ///
    /// - Throws: ``ErlangNodeError`` when `pid`'s node cannot be reached.
    public func exit(_ pid: PID, reason: Term) async throws {
        try await node.sendExit(from: self.pid, to: pid, reason: reason)
    }
}
