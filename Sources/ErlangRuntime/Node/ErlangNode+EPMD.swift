import ErlangDistribution
import ErlangEPMD

extension ErlangNode {
    /// erl_epmd.erl's `RECONNECT_TIME`: how long the node waits between attempts to register again.
    static let reregisterInterval: Duration = .seconds(2)

    /// Whether the node is registered with EPMD right now (false while EPMD is away and the node
    /// tries to register again, and after shutdown).
    public var isRegisteredWithEPMD: Bool {
        registration.withLockedValue { $0?.isActive ?? false }
    }

    /// `ALIVE2_REQ` for `name` on `port`, visible or hidden as configured.
    static func register(_ name: NodeName, port: Int, with epmd: EPMDClient, _ configuration: Configuration) async throws -> EPMDRegistration {
        try await epmd.register(
            name: name.alive, port: UInt16(port), nodeType: configuration.hidden ? .hidden : .normal,
            host: configuration.epmdHost)
    }

    /// Keeps the node registered with EPMD for its life, as erl_epmd.erl does (`handle_info/2`):
    /// when the registration connection closes (EPMD stopped or restarted) the node keeps running
    /// and registers again every ``reregisterInterval`` until EPMD takes it.
    ///
    /// The creation of the new registration is not adopted, as erl_epmd ignores it ("ignore the
    /// received creation"): this node's pids, references and the handshakes of connections
    /// already up all carry the first creation, and changing it under running processes would
    /// make their pids look like an older incarnation's (distribution.md §4.6), so peers would
    /// drop messages to live processes.
    func keepRegistered(_ first: EPMDRegistration) {
        let task = Task { [self] in
            var current = first
            while true {
                await current.waitUntilEnded()
                guard !isShutDown, !Task.isCancelled else { return }
                logger.warning("EPMD registration lost; registering again", metadata: [
                    "node": "\(name)", "every": "\(Self.reregisterInterval)",
                ])
                guard let next = await registerAgain() else { return }
                current = next
            }
        }
        reregistration.withLockedValue { $0 = task }
    }

    /// Tries to register every ``reregisterInterval`` until it works; nil when the node shut down.
    private func registerAgain() async -> EPMDRegistration? {
        while true {
            try? await Task.sleep(for: Self.reregisterInterval)
            guard !isShutDown, !Task.isCancelled else { return nil }
            do {
                let next = try await Self.register(name, port: port, with: epmd, configuration)
                let kept = registration.withLockedValue { registration -> Bool in
                    guard !isShutDown else { return false }
                    registration = next
                    return true
                }
                guard kept else {
                    await next.unregister()
                    return nil
                }
                logger.notice("registered with EPMD again", metadata: [
                    "node": "\(name)", "creation": "\(next.creation)", "keeps creation": "\(creation)",
                ])
                return next
            } catch {
                logger.info("cannot register with EPMD yet", metadata: ["node": "\(name)", "error": "\(error)"])
            }
        }
    }
}
