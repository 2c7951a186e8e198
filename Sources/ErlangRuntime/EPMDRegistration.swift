import ErlangEPMD
import NIOCore

/// A node's registration with EPMD: it lasts exactly as long as this object's connection to the
/// daemon (distribution.md 1.5). Keep it for the node's lifetime; ``unregister()``, or letting
/// the last reference go, closes the connection and so unregisters the name.
public final class EPMDRegistration: Sendable {
    /// The registered alive name.
    public let name: String
    /// The distribution port that was registered.
    public let port: UInt16
    /// The creation the daemon handed out; the node uses it in its pids, ports, references and
    /// handshake.
    public let creation: UInt32
    /// Which reply carried it: ALIVE2_X_RESP (32-bit) or ALIVE2_RESP (16-bit).
    public let format: EPMDResponse.Alive2.Format
    private let channel: any Channel

    init(name: String, port: UInt16, creation: UInt32, format: EPMDResponse.Alive2.Format, channel: any Channel) {
        self.name = name
        self.port = port
        self.creation = creation
        self.format = format
        self.channel = channel
    }

    deinit {
        channel.close(promise: nil)
    }

    /// Whether the registration connection is still open (the daemon may have gone away, or
    /// dropped the name on a STOP_REQ).
    public var isActive: Bool { channel.isActive }

    /// Closes the registration connection; the daemon unregisters the name.
    public func unregister() async {
        try? await channel.close()
    }

    /// Waits until the registration ends, for whatever reason (unregistered here, the daemon
    /// stopped, or a STOP_REQ). OTP's `erl_epmd` would then re-register every 2 s; a node that
    /// wants that registers again.
    public func waitUntilEnded() async {
        try? await channel.closeFuture.get()
    }
}
