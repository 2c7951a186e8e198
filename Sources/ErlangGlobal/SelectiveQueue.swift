import NIOConcurrencyHelpers

/// A queue with Erlang-style selective receive for messages that stay inside this node (the
/// name server's messages to its locker): take the first element that matches, leave the rest.
final class SelectiveQueue<Element: Sendable>: Sendable {
    private struct Waiter {
        var id: Int
        var matches: @Sendable (Element) -> Bool
        var continuation: CheckedContinuation<Element?, Never>
    }

    private struct State {
        var buffer: [Element] = []
        var waiters: [Waiter] = []
        var nextID = 0
        var isClosed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Adds an element, handing it to a waiter that matches it.
    func deliver(_ element: Element) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard !state.isClosed else { return nil }
            if let index = state.waiters.firstIndex(where: { $0.matches(element) }) { return state.waiters.remove(at: index) }
            state.buffer.append(element)
            return nil
        }
        waiter?.continuation.resume(returning: element)
    }

    /// Takes the first element that matches, without waiting.
    func take(matching matches: (Element) -> Bool = { _ in true }) -> Element? {
        state.withLockedValue { state in
            guard let index = state.buffer.firstIndex(where: matches) else { return nil }
            return state.buffer.remove(at: index)
        }
    }

    /// Takes the first element that matches, waiting at most `timeout` (forever when nil);
    /// nil on timeout, cancellation or ``close()``.
    func receive(matching matches: @escaping @Sendable (Element) -> Bool = { _ in true }, timeout: Duration? = nil) async -> Element? {
        let id = state.withLockedValue { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        let timer = timeout.map { timeout in
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.giveUp(id)
            }
        }
        defer { timer?.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLockedValue { state -> (Bool, Element?) in
                    if let index = state.buffer.firstIndex(where: matches) { return (true, state.buffer.remove(at: index)) }
                    if state.isClosed { return (true, nil) }
                    state.waiters.append(Waiter(id: id, matches: matches, continuation: continuation))
                    return (false, nil)
                }
                if ready.0 { continuation.resume(returning: ready.1) }
            }
        } onCancel: {
            giveUp(id)
        }
    }

    /// Whether ``close()`` ran.
    var isClosed: Bool { state.withLockedValue { $0.isClosed } }

    /// Ends every wait; later deliveries are dropped.
    func close() {
        let waiters = state.withLockedValue { state -> [Waiter] in
            state.isClosed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    private func giveUp(_ id: Int) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: nil)
    }
}

/// One at a time: the registrations of this node run in turn, as `global.erl`'s single
/// registrar process runs them (`loop_the_registrar/0`), instead of contending for global's lock.
final class SerialGate: Sendable {
    private struct State {
        var isBusy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Waits for the turn.
    func enter() async {
        await withCheckedContinuation { continuation in
            let go = state.withLockedValue { state -> Bool in
                guard state.isBusy else {
                    state.isBusy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if go { continuation.resume() }
        }
    }

    /// Hands the turn to the next waiter.
    func leave() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.isBusy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
