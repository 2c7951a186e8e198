import ErlangDistribution
import NIOConcurrencyHelpers

/// Lets a connection's event loop hand plain messages straight to their mailboxes, skipping the
/// reader task's hop, while keeping the order of everything the peer sent.
///
/// A message may take the fast path only when every message before it has been handled: the
/// bridge counts what it passes to the reader (``offer(_:)``), the reader reports each one done
/// (``handled()``), and while any is outstanding the next ones queue behind it. So a link exit
/// that the reader is still processing is never overtaken by a later message.
final class InboundFastPath: Sendable {
    typealias Handler = @Sendable (DistributionMessage) -> Bool

    private struct State {
        var handler: Handler?
        var outstanding = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Sets what delivers a message on the fast path; it returns false for a message it does not
    /// take (which then goes to the reader).
    func install(_ handler: @escaping Handler) {
        state.withLockedValue { $0.handler = handler }
    }

    /// Drops the handler, and what it holds, once the connection's reader has ended.
    func uninstall() {
        state.withLockedValue { $0.handler = nil }
    }

    /// On the event loop, for each message read: true when the fast path delivered it, false when
    /// it must go to the reader (counted as outstanding).
    func offer(_ message: DistributionMessage) -> Bool {
        let handler = state.withLockedValue { state -> Handler? in
            guard state.outstanding == 0, let handler = state.handler else {
                state.outstanding += 1
                return nil
            }
            return handler
        }
        guard let handler else { return false }
        if handler(message) { return true }
        // Only the event loop adds to `outstanding`, so nothing came between the check and here.
        state.withLockedValue { $0.outstanding += 1 }
        return false
    }

    /// The reader finished one message that ``offer(_:)`` passed to it.
    func handled() {
        state.withLockedValue { $0.outstanding -= 1 }
    }
}
