import ErlangTerm

/// One message of the connected state: a control message and, for the kinds that carry one, a payload.
///
/// This is the boundary between the connection (handshake, framing, ticks) and the node runtime: the
/// connection hands these up and takes them down.
public struct DistributionMessage: Sendable, Hashable {
    /// The control message (`SEND`, `LINK`, `MONITOR_P`, ...).
    public var control: ControlMessage
    /// The payload term, for the control messages that have one (messages, exit reasons, spawn arguments).
    public var payload: Term?

    /// Creates a message.
    public init(control: ControlMessage, payload: Term? = nil) {
        self.control = control
        self.payload = payload
    }
}
