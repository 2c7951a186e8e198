import NIOConcurrencyHelpers
import NIOCore

/// The messages one connection has taken from senders but not yet written to its socket, bounded:
/// a sender takes a slot before its message is queued and the slot comes back once the message has
/// gone to the socket (or failed). With every slot taken, senders wait, first come first served;
/// so a slow peer slows its senders down (backpressure) instead of growing memory without bound.
final class SendWindow: Sendable {
    private struct State {
        var inFlight = 0
        var waiters = CircularBuffer<CheckedContinuation<Void, Never>>()
        var isClosed = false
    }

    /// How many messages may be in flight at once.
    let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// How many senders wait for room.
    var waiterCount: Int { state.withLockedValue { $0.waiters.count } }

    /// Whether the connection closed; nothing waits any more then.
    var isClosed: Bool { state.withLockedValue { $0.isClosed } }

    /// Takes a slot, waiting while all are taken. Returns at once when the connection has closed
    /// (the caller checks ``isClosed``). A waiting sender is not cancellable: a slot is freed as
    /// soon as the socket takes a message or the connection closes, so the wait is bounded.
    func acquire() async {
        if tryAcquire() { return }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.isClosed { return true }
                if state.inFlight < limit, state.waiters.isEmpty {
                    state.inFlight += 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Takes a slot when one is free and nobody waits; false (nothing taken) otherwise, or when
    /// the connection has closed.
    func tryAcquire() -> Bool {
        state.withLockedValue { state in
            guard !state.isClosed, state.inFlight < limit, state.waiters.isEmpty else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Gives a slot back: to the first waiting sender, else to the pool.
    func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.popFirst() { return waiter }
            state.inFlight -= 1
            return nil
        }
        next?.resume()
    }

    /// The connection closed: every waiting sender goes on (and finds it closed).
    func close() {
        let waiters = state.withLockedValue { state -> CircularBuffer<CheckedContinuation<Void, Never>> in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
