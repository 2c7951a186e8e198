import ErlangTerm

/// A control message of the distribution protocol: the first term of every connected-state message
/// (`dist.h`, `enum dop`; `erl_dist_protocol.md`, "Protocol between Connected Nodes";
/// distribution.md §4.5).
///
/// Each case mirrors OTP's `DOP_*` name in lowerCamel; ``opCode`` gives the number and
/// ``carriesPayload`` whether a payload term follows on the wire (a message, an exit reason or the
/// argument list of a spawn). ``term`` and ``init(term:)`` convert to and from the control tuple
/// `{OpCode, ...}`. The historic "unused" or "cookie" elements of `SEND`, `SEND_TT`, `REG_SEND`
/// and `REG_SEND_TT` are written as `''` and ignored when read, as OTP does.
///
/// The cases that carry a term, a reference or more than two pids are `indirect`: a message is
/// copied several times between the socket and a mailbox, and while the largest case was stored
/// inline every message moved 205 bytes per copy (`DistributionMessage`), where the plain sends
/// that make most of the traffic need about 60.
public enum ControlMessage: Sendable, Hashable {
    /// `LINK` (1), `{1, FromPid, ToPid}`: `from` links to `to`.
    case link(from: PID, to: PID)
    /// `SEND` (2), `{2, Unused, ToPid}` with the message as payload; OTP uses it only when
    /// `SEND_SENDER` is not agreed.
    case send(to: PID)
    /// `EXIT` (3), `{3, FromPid, ToPid, Reason}`: the linked process `from` exited.
    indirect case exit(from: PID, to: PID, reason: Term)
    /// `UNLINK` (4), `{4, FromPid, ToPid}`: the old link protocol, refused from OTP 26 on.
    case unlink(from: PID, to: PID)
    /// `NODE_LINK` (5), `{5}`: never sent by any OTP release Swerl talks to.
    case nodeLink
    /// `REG_SEND` (6), `{6, FromPid, Unused, ToName}` with the message as payload.
    case regSend(from: PID, to: Atom)
    /// `GROUP_LEADER` (7), `{7, FromPid, ToPid}`: make `leader` the group leader of `to`.
    case groupLeader(leader: PID, to: PID)
    /// `EXIT2` (8), `{8, FromPid, ToPid, Reason}`: `exit(To, Reason)` called by `from`.
    indirect case exit2(from: PID, to: PID, reason: Term)
    /// `SEND_TT` (12), `{12, Unused, ToPid, TraceToken}` with the message as payload.
    indirect case sendTT(to: PID, traceToken: Term)
    /// `EXIT_TT` (13), `{13, FromPid, ToPid, TraceToken, Reason}`.
    indirect case exitTT(from: PID, to: PID, traceToken: Term, reason: Term)
    /// `REG_SEND_TT` (16), `{16, FromPid, Unused, ToName, TraceToken}` with the message as payload.
    indirect case regSendTT(from: PID, to: Atom, traceToken: Term)
    /// `EXIT2_TT` (18), `{18, FromPid, ToPid, TraceToken, Reason}`.
    indirect case exit2TT(from: PID, to: PID, traceToken: Term, reason: Term)
    /// `MONITOR_P` (19), `{19, FromPid, ToProc, Ref}`: `from` monitors a process of the receiver,
    /// by pid or by registered name; `reference` was made by `from`'s node.
    indirect case monitorP(from: PID, to: MonitorTarget, reference: Reference)
    /// `DEMONITOR_P` (20), `{20, FromPid, ToProc, Ref}`: the monitor `reference` is removed.
    indirect case demonitorP(from: PID, to: MonitorTarget, reference: Reference)
    /// `MONITOR_P_EXIT` (21), `{21, FromProc, ToPid, Ref, Reason}`: the monitored process (or
    /// name) `from` went down; used when `EXIT_PAYLOAD` is not agreed.
    indirect case monitorPExit(from: MonitorTarget, to: PID, reference: Reference, reason: Term)
    /// `SEND_SENDER` (22), `{22, FromPid, ToPid}` with the message as payload.
    case sendSender(from: PID, to: PID)
    /// `SEND_SENDER_TT` (23), `{23, FromPid, ToPid, TraceToken}` with the message as payload.
    indirect case sendSenderTT(from: PID, to: PID, traceToken: Term)
    /// `PAYLOAD_EXIT` (24), `{24, FromPid, ToPid}` with the exit reason as payload.
    case payloadExit(from: PID, to: PID)
    /// `PAYLOAD_EXIT_TT` (25), `{25, FromPid, ToPid, TraceToken}` with the exit reason as payload.
    indirect case payloadExitTT(from: PID, to: PID, traceToken: Term)
    /// `PAYLOAD_EXIT2` (26), `{26, FromPid, ToPid}` with the exit reason as payload.
    case payloadExit2(from: PID, to: PID)
    /// `PAYLOAD_EXIT2_TT` (27), `{27, FromPid, ToPid, TraceToken}` with the exit reason as payload.
    indirect case payloadExit2TT(from: PID, to: PID, traceToken: Term)
    /// `PAYLOAD_MONITOR_P_EXIT` (28), `{28, FromProc, ToPid, Ref}` with the reason as payload.
    indirect case payloadMonitorPExit(from: MonitorTarget, to: PID, reference: Reference)
    /// `SPAWN_REQUEST` (29), `{29, ReqId, From, GroupLeader, {Module, Function, Arity}, OptList}`
    /// with the argument list as payload.
    indirect case spawnRequest(id: Reference, from: PID, groupLeader: PID, function: SpawnFunction, options: [Term])
    /// `SPAWN_REQUEST_TT` (30): ``spawnRequest(id:from:groupLeader:function:options:)`` with a trace token.
    indirect case spawnRequestTT(
        id: Reference, from: PID, groupLeader: PID, function: SpawnFunction, options: [Term], traceToken: Term)
    /// `SPAWN_REPLY` (31), `{31, ReqId, To, Flags, Result}`: the answer to a spawn request.
    indirect case spawnReply(id: Reference, to: PID, flags: SpawnReplyFlags, result: SpawnResult)
    /// `SPAWN_REPLY_TT` (32): ``spawnReply(id:to:flags:result:)`` with a trace token.
    indirect case spawnReplyTT(id: Reference, to: PID, flags: SpawnReplyFlags, result: SpawnResult, traceToken: Term)
    /// `ALIAS_SEND` (33), `{33, FromPid, Alias}` with the message as payload.
    case aliasSend(from: PID, alias: Reference)
    /// `ALIAS_SEND_TT` (34), `{34, FromPid, Alias, TraceToken}` with the message as payload.
    indirect case aliasSendTT(from: PID, alias: Reference, traceToken: Term)
    /// `UNLINK_ID` (35), `{35, Id, FromPid, ToPid}`: `from` removes its link to `to`; `id` is never 0.
    case unlinkID(id: UInt64, from: PID, to: PID)
    /// `UNLINK_ID_ACK` (36), `{36, Id, FromPid, ToPid}`: `from` acknowledges the `UNLINK_ID` `id`
    /// that `to` sent.
    case unlinkIDAck(id: UInt64, from: PID, to: PID)
    /// `ALTACT_SIG_SEND` (37, OTP 28), `{37, Flags, SenderPid, To}` or
    /// `{37, Flags, SenderPid, To, Token}`, with the message or exit reason as payload. Elements
    /// after those are ignored, as OTP 28 ignores them.
    indirect case altactSig(flags: AltactSigFlags, from: PID, to: AltactSigTarget, traceToken: Term?)
}
