import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// Acts on one message from a peer: messages (to pids, names and aliases) go to mailboxes;
    /// monitors, links and exit signals go to their tables; spawn requests run served Swift
    /// functions; group leaders are recorded; what is not handled is logged and dropped.
    func handle(_ message: DistributionMessage, from connection: DistributionConnection) async {
        switch message.control {
        case .send(let to), .sendTT(let to, _), .sendSender(_, let to), .sendSenderTT(_, let to, _):
            if let payload = message.payload { deliver(payload, to: to) }
        case .regSend(_, let name), .regSendTT(_, let name, _):
            // distribution.md 4.6 and membership.md 1: unknown names (global_name_server, pg) are dropped.
            if let payload = message.payload { deliver(payload, toName: name) }
        case .link, .unlink, .unlinkID, .unlinkIDAck, .exit, .exitTT, .payloadExit, .payloadExitTT,
             .exit2, .exit2TT, .payloadExit2, .payloadExit2TT:
            await handleLinkSignal(message, from: connection)
        case .spawnRequest(let id, let from, _, let function, let options),
             .spawnRequestTT(let id, let from, _, let function, let options, _):
            // erpc and rpc calls into Swift functions (ErlangNode+Spawn.swift); other MFAs get `notsup`.
            await spawnRequested(id: id, from: from, function: function, options: options, arguments: message.payload, on: connection)
        case .spawnReply(let id, let to, let flags, let result), .spawnReplyTT(let id, let to, let flags, let result, _):
            spawnReplied(id: id, to: to, flags: flags, result: result, from: connection.peer)
        case .aliasSend(_, let alias), .aliasSendTT(_, let alias, _):
            // Dropped once the alias is inactive, as BEAM drops it (membership.md 6.1).
            if let payload = message.payload { deliver(payload, toAlias: alias) }
        case .monitorP(let from, let target, let reference):
            await monitorRequested(by: from, of: target, reference: reference, on: connection)
        case .demonitorP(_, _, let reference):
            _ = state.withLockedValue { $0.monitors.removeOnUs(reference) }
        case .monitorPExit(_, _, let reference, let reason):
            downArrived(reference, reason: reason, from: connection.peer)
        case .payloadMonitorPExit(_, _, let reference):
            downArrived(reference, reason: message.payload ?? .atom("normal"), from: connection.peer)
        case .groupLeader(let leader, let target):
            // dist.c, erts_net_message: GROUP_LEADER sets the target's group leader; one for a
            // process that is not here is ignored, as BEAM ignores it.
            if !setGroupLeader(leader, of: target) {
                logger.debug("GROUP_LEADER for a process that is not here", metadata: ["peer": "\(connection.peer)", "pid": "\(target)"])
            }
        default:
            logger.debug("control message not handled yet", metadata: ["peer": "\(connection.peer)", "op": "\(message.control.opCode)"])
        }
    }

    /// `MONITOR_P`: a monitor of a live process (`net_kernel` during `net_adm:ping` too) is
    /// recorded, and fires when the process exits; one of a missing process is answered with a
    /// DOWN `noproc` at once, as BEAM does (distribution.md 4.6).
    private func monitorRequested(
        by from: PID, of target: ControlMessage.MonitorTarget, reference: Reference, on connection: DistributionConnection
    ) async {
        guard !monitorLocal(target, reference: reference, watcher: from, peer: connection.peer) else { return }
        try? await connection.send(Self.down(target, to: from, reference: reference, reason: .atom("noproc"), on: connection))
    }
}
