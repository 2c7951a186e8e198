import ErlangTerm

/// A control message of the distribution protocol (`dist.h`, `enum dop`).
///
/// Placeholder: the full set of OTP 25 to 28 control messages is being written.
public enum ControlMessage: Sendable, Hashable {
    /// `{2, Unused, ToPid}` with a message payload.
    case send(to: PID)
    /// `{6, FromPid, Unused, ToName}` with a message payload.
    case regSend(from: PID, to: Atom)
}
