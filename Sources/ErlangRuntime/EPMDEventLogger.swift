import ErlangEPMD
import Logging
import NIOCore

/// Turns a daemon's events into log lines: one per registration change and per closed bad
/// connection; a flood past the connection limit logs once a second with a count.
final class EPMDEventLogger: Sendable {
    private let logger: Logger
    private let limitLog: NIOLoopBoundBox<RateLimit>

    struct RateLimit {
        var lastLogged: NIODeadline = .distantPast
        var suppressed = 0
    }

    init(logger: Logger, eventLoop: any EventLoop) {
        self.logger = logger
        self.limitLog = NIOLoopBoundBox.makeBoxSendingValue(RateLimit(), eventLoop: eventLoop)
    }

    /// Logs one event; called on the daemon's loop.
    func log(_ event: EPMDServerEvent) {
        switch event {
        case .registered(let name, let port, let creation, let connection):
            logger.info("node registered", metadata: ["name": "\(name)", "port": "\(port)", "creation": "\(creation)", "connection": "\(connection)"])
        case .unregistered(let name, let connection, let reason):
            logger.info("node unregistered", metadata: ["name": "\(name)", "connection": "\(connection)", "reason": "\(reason)"])
        case .refused(let refusal, let kind, let connection, let peer):
            logger.notice("request refused, connection closed", metadata: ["request": "\(kind)", "reason": "\(refusal)", "connection": "\(connection)", "peer": "\(peer)"])
        case .badInput(let error, let connection, let peer):
            logger.notice("bad input, connection closed", metadata: ["error": "\(error)", "connection": "\(connection)", "peer": "\(peer)"])
        case .idleTimeout(let connection, let peer):
            logger.notice("no request within the packet timeout, connection closed", metadata: ["connection": "\(connection)", "peer": "\(peer)"])
        case .connectionLimitReached(let peer, let limit):
            logLimit(peer: peer, limit: limit)
        case .killed:
            logger.notice("KILL_REQ accepted, stopping")
        }
    }

    private func logLimit(peer: String, limit: Int) {
        let now = NIODeadline.now()
        guard now - limitLog.value.lastLogged >= .seconds(1) else {
            limitLog.value.suppressed += 1
            return
        }
        let suppressed = limitLog.value.suppressed
        limitLog.value = RateLimit(lastLogged: now, suppressed: 0)
        logger.warning(
            "connection limit reached, connection closed",
            metadata: ["peer": "\(peer)", "limit": "\(limit)", "alsoClosedSinceLastLine": "\(suppressed)"])
    }
}
