import ErlangTerm

extension ControlMessage {
    /// The operation codes of control messages (`dist.h`, `enum dop`; OTP 28 adds 37).
    public enum OpCode: Int, Sendable, Hashable, CaseIterable {
        /// `DOP_LINK`.
        case link = 1
        /// `DOP_SEND`.
        case send = 2
        /// `DOP_EXIT`.
        case exit = 3
        /// `DOP_UNLINK`.
        case unlink = 4
        /// `DOP_NODE_LINK`.
        case nodeLink = 5
        /// `DOP_REG_SEND`.
        case regSend = 6
        /// `DOP_GROUP_LEADER`.
        case groupLeader = 7
        /// `DOP_EXIT2`.
        case exit2 = 8
        /// `DOP_SEND_TT`.
        case sendTT = 12
        /// `DOP_EXIT_TT`.
        case exitTT = 13
        /// `DOP_REG_SEND_TT`.
        case regSendTT = 16
        /// `DOP_EXIT2_TT`.
        case exit2TT = 18
        /// `DOP_MONITOR_P`.
        case monitorP = 19
        /// `DOP_DEMONITOR_P`.
        case demonitorP = 20
        /// `DOP_MONITOR_P_EXIT`.
        case monitorPExit = 21
        /// `DOP_SEND_SENDER`.
        case sendSender = 22
        /// `DOP_SEND_SENDER_TT`.
        case sendSenderTT = 23
        /// `DOP_PAYLOAD_EXIT`.
        case payloadExit = 24
        /// `DOP_PAYLOAD_EXIT_TT`.
        case payloadExitTT = 25
        /// `DOP_PAYLOAD_EXIT2`.
        case payloadExit2 = 26
        /// `DOP_PAYLOAD_EXIT2_TT`.
        case payloadExit2TT = 27
        /// `DOP_PAYLOAD_MONITOR_P_EXIT`.
        case payloadMonitorPExit = 28
        /// `DOP_SPAWN_REQUEST`.
        case spawnRequest = 29
        /// `DOP_SPAWN_REQUEST_TT`.
        case spawnRequestTT = 30
        /// `DOP_SPAWN_REPLY`.
        case spawnReply = 31
        /// `DOP_SPAWN_REPLY_TT`.
        case spawnReplyTT = 32
        /// `DOP_ALIAS_SEND`.
        case aliasSend = 33
        /// `DOP_ALIAS_SEND_TT`.
        case aliasSendTT = 34
        /// `DOP_UNLINK_ID`.
        case unlinkID = 35
        /// `DOP_UNLINK_ID_ACK`.
        case unlinkIDAck = 36
        /// `DOP_ALTACT_SIG_SEND` (OTP 28).
        case altactSig = 37

        /// The name OTP gives the operation without its `DOP_` prefix, as in `dist.h`
        /// (`REG_SEND`, `MONITOR_P_EXIT`, `ALTACT_SIG_SEND`).
        public var otpName: String {
            if self == .altactSig { return "ALTACT_SIG_SEND" }
            let characters = Array("\(self)")
            var name = ""
            for (index, character) in characters.enumerated() {
                let previous = index > 0 ? characters[index - 1] : nil
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A word starts at an upper-case letter after a lower-case one or a digit, or at the
                // last capital of a run that a lower-case letter follows ("unlinkIDAck").
                if character.isUppercase, let previous,
                    !previous.isUppercase || (next?.isLowercase ?? false)
                {
                    name.append("_")
                }
                name.append(character)
            }
            return name.uppercased()
        }

        /// Whether a payload term follows the control term (distribution.md §4.5, "+P").
        public var carriesPayload: Bool {
            switch self {
            case .send, .regSend, .sendTT, .regSendTT, .sendSender, .sendSenderTT, .aliasSend, .aliasSendTT,
                .payloadExit, .payloadExitTT, .payloadExit2, .payloadExit2TT, .payloadMonitorPExit,
                .spawnRequest, .spawnRequestTT, .altactSig:
                true
            case .link, .exit, .unlink, .nodeLink, .groupLeader, .exit2, .exitTT, .exit2TT, .monitorP,
                .demonitorP, .monitorPExit, .spawnReply, .spawnReplyTT, .unlinkID, .unlinkIDAck:
                false
            }
        }

        /// The capability flag a node must have agreed on before it is sent this operation (empty
        /// for the operations every node understands).
        public var requiredFlags: DistributionFlags {
            switch self {
            case .sendSender, .sendSenderTT: .sendSender
            case .payloadExit, .payloadExitTT, .payloadExit2, .payloadExit2TT, .payloadMonitorPExit: .exitPayload
            case .monitorP, .demonitorP, .monitorPExit: .distMonitor
            case .spawnRequest, .spawnRequestTT, .spawnReply, .spawnReplyTT: .spawn
            case .aliasSend, .aliasSendTT: .alias
            case .unlinkID, .unlinkIDAck: .unlinkID
            case .altactSig: .altactSig
            case .link, .send, .exit, .unlink, .nodeLink, .regSend, .groupLeader, .exit2, .sendTT, .exitTT,
                .regSendTT, .exit2TT:
                []
            }
        }
    }

    /// The operation code of this message.
    public var opCode: OpCode {
        switch self {
        case .link: .link
        case .send: .send
        case .exit: .exit
        case .unlink: .unlink
        case .nodeLink: .nodeLink
        case .regSend: .regSend
        case .groupLeader: .groupLeader
        case .exit2: .exit2
        case .sendTT: .sendTT
        case .exitTT: .exitTT
        case .regSendTT: .regSendTT
        case .exit2TT: .exit2TT
        case .monitorP: .monitorP
        case .demonitorP: .demonitorP
        case .monitorPExit: .monitorPExit
        case .sendSender: .sendSender
        case .sendSenderTT: .sendSenderTT
        case .payloadExit: .payloadExit
        case .payloadExitTT: .payloadExitTT
        case .payloadExit2: .payloadExit2
        case .payloadExit2TT: .payloadExit2TT
        case .payloadMonitorPExit: .payloadMonitorPExit
        case .spawnRequest: .spawnRequest
        case .spawnRequestTT: .spawnRequestTT
        case .spawnReply: .spawnReply
        case .spawnReplyTT: .spawnReplyTT
        case .aliasSend: .aliasSend
        case .aliasSendTT: .aliasSendTT
        case .unlinkID: .unlinkID
        case .unlinkIDAck: .unlinkIDAck
        case .altactSig: .altactSig
        }
    }

    /// Whether a payload term follows this control message on the wire.
    public var carriesPayload: Bool { opCode.carriesPayload }

    /// The capability flags the peer must have agreed on before it is sent this message:
    /// ``OpCode/requiredFlags``, plus `DIST_MONITOR_NAME` for a monitor of a registered name.
    public var requiredFlags: DistributionFlags {
        switch self {
        case .monitorP(_, .name, _), .demonitorP(_, .name, _):
            opCode.requiredFlags.union(.distMonitorName)
        default:
            opCode.requiredFlags
        }
    }
}
