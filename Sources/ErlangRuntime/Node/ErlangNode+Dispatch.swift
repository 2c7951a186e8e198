import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// Acts on one message from a peer: messages go to mailboxes, monitors of missing processes
    /// get `noproc` at once; what this slice does not handle yet (links, exits, aliases, spawn)
    /// is logged and dropped.
    func handle(_ message: DistributionMessage, from connection: DistributionConnection) async {
        switch message.control {
        case .send(let to), .sendTT(let to, _), .sendSender(_, let to), .sendSenderTT(_, let to, _):
            if let payload = message.payload { deliver(payload, to: to) }
        case .regSend(_, let name), .regSendTT(_, let name, _):
            // distribution.md 4.6 and membership.md 1: unknown names (global_name_server, pg) are dropped.
            if let payload = message.payload { deliver(payload, toName: name) }
        case .monitorP(let from, let target, let reference):
            await monitorRequested(by: from, of: target, reference: reference, on: connection)
        case .demonitorP:
            break
        default:
            logger.debug("control message not handled yet", metadata: ["peer": "\(connection.peer)", "op": "\(message.control.opCode)"])
        }
    }

    /// `MONITOR_P`: a monitor of a live process (or of `net_kernel` during `net_adm:ping`) is
    /// accepted silently; one of a missing process is answered with a DOWN `noproc` at once, as
    /// BEAM does (distribution.md 4.6). Monitors are not yet kept, so a Swift process's exit
    /// sends no DOWN.
    private func monitorRequested(
        by from: PID, of target: ControlMessage.MonitorTarget, reference: Reference, on connection: DistributionConnection
    ) async {
        let exists = state.withLockedValue { state in
            switch target {
            case .pid(let pid): state.processes.isAlive(pid)
            case .name(let name): state.processes.whereis(name) != nil
            }
        }
        guard !exists else { return }
        let down: DistributionMessage
        if connection.agreedFlags.contains(.exitPayload) {
            down = DistributionMessage(control: .payloadMonitorPExit(from: target, to: from, reference: reference), payload: .atom("noproc"))
        } else {
            down = DistributionMessage(control: .monitorPExit(from: target, to: from, reference: reference, reason: .atom("noproc")))
        }
        try? await connection.send(down)
    }
}
