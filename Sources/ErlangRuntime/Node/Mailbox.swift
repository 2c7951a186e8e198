import ErlangTerm
import NIOConcurrencyHelpers

/// A process's mailbox: the messages in arrival order, with selective receive.
///
/// Iterating it takes messages in order; ``receive(matching:timeout:)`` takes the first message
/// that matches, leaving the others in place, as Erlang's `receive` does. The sequence ends when
/// the process exits.
///
/// Instead of being received, messages can go to a handler (``handle(_:)``): a process whose work
/// per message is short then answers on the thread that delivered the message, without a task.
public final class Mailbox: AsyncSequence, Sendable {
    public typealias Element = Term

    struct Waiter {
        let id: Int
        let matches: @Sendable (Term) -> Bool
        let continuation: CheckedContinuation<Term?, Never>
        /// The task that ends a timed wait; cancelled when the wait ends otherwise, so a receive
        /// with a long `after` that gets its message soon leaves nothing sleeping behind.
        let timer: Task<Void, Never>?

        func resume(returning message: Term?) {
            timer?.cancel()
            continuation.resume(returning: message)
        }
    }

    struct State {
        var messages: [Term] = []
        var head = 0
        var waiters: [Waiter] = []
        var nextWaiter = 0
        var closed = false
        /// Takes every message instead of receivers, once set (``handle(_:)``).
        var handler: (@Sendable (Term) -> Void)?
        /// Whether a thread is running the handler; messages delivered meanwhile queue for it.
        var handling = false

        /// The next queued message, in order.
        mutating func takeFirst() -> Term? {
            guard head < messages.count else { return nil }
            return take(matching: { _ in true })
        }

        /// Takes the first queued message that matches.
        mutating func take(matching matches: (Term) -> Bool) -> Term? {
            guard let index = messages[head...].firstIndex(where: matches) else { return nil }
            let message = messages[index]
            if index == head {
                head += 1
                if head > 1024, head * 2 > messages.count {
                    messages.removeFirst(head)
                    head = 0
                }
            } else {
                messages.remove(at: index)
            }
            return message
        }
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// The number of receivers waiting for a message.
    var waiterCount: Int { state.withLockedValue { $0.waiters.count } }

    /// The number of messages waiting.
    public var count: Int { state.withLockedValue { $0.messages.count - $0.head } }

    /// Delivers a message: to a receiver waiting for it, or to the end of the queue. Dropped once
    /// the process has exited.
    func deliver(_ message: Term) {
        let action = state.withLockedValue { state -> Delivery in
            guard !state.closed else { return .none }
            if let handler = state.handler {
                guard !state.handling else {
                    state.messages.append(message)
                    return .none
                }
                state.handling = true
                return .handle(handler)
            }
            if let index = state.waiters.firstIndex(where: { $0.matches(message) }) {
                return .resume(state.waiters.remove(at: index))
            }
            state.messages.append(message)
            return .none
        }
        switch action {
        case .none: break
        case .resume(let waiter): waiter.resume(returning: message)
        case .handle(let handler): run(handler, first: message)
        }
    }

    private enum Delivery {
        case none
        case resume(Waiter)
        case handle(@Sendable (Term) -> Void)
    }

    /// Hands every message, in arrival order, to `handler` instead of to receivers: the messages
    /// already queued at once, on this thread, and each later one on the thread that delivers it
    /// (for a message from a peer, the connection's event loop), one at a time. A message that
    /// arrives while the handler runs, even one the handler sends to its own process, waits and
    /// goes to it next, on the thread already running it. So the handler must not block: work
    /// that waits belongs in a `Task` of its own.
    ///
    /// Set once; afterwards ``receive(matching:timeout:)`` returns nil at once and iteration ends.
    /// The handler stops being called when the process exits.
    public func handle(_ handler: @escaping @Sendable (Term) -> Void) {
        let (waiters, first) = state.withLockedValue { state -> ([Waiter], Term?) in
            guard state.handler == nil, !state.closed else { return ([], nil) }
            state.handler = handler
            defer { state.waiters = [] }
            guard !state.handling, let first = state.takeFirst() else { return (state.waiters, nil) }
            state.handling = true
            return (state.waiters, first)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        if let first { run(handler, first: first) }
    }

    // Runs the handler for `first` and then for what queued meanwhile, until nothing is left:
    // one thread at a time runs it, so it sees the messages one by one and in order.
    private func run(_ handler: @Sendable (Term) -> Void, first: Term) {
        var next: Term? = first
        while let message = next {
            handler(message)
            next = state.withLockedValue { state -> Term? in
                guard !state.closed, let message = state.takeFirst() else {
                    state.handling = false
                    return nil
                }
                return message
            }
        }
    }

    /// Ends the mailbox: waiting receivers get nil, queued messages go.
    func close() {
        let waiters = state.withLockedValue { state -> [Waiter] in
            state.closed = true
            state.messages = []
            state.head = 0
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Takes the first message that `matches` (every message by default), waiting for one to
    /// arrive for at most `timeout` (forever when nil), as `receive ... after Timeout -> ... end`.
    ///
    /// `matches` runs while the mailbox is locked: keep it fast and do not touch the mailbox in it.
    ///
    /// - Returns: the message, or nil on timeout, cancellation, or when the process has exited.
    public func receive(
        matching matches: @escaping @Sendable (Term) -> Bool = { _ in true },
        timeout: Duration? = nil
    ) async -> Term? {
        // A message already queued is taken without a continuation or a cancellation handler:
        // the common case of a busy process, and the cheapest (no task status record to lock).
        // With a handler set there is nothing to wait for: nil at once.
        let queued = state.withLockedValue { state -> (message: Term?, waitID: Int?) in
            if state.handler != nil { return (nil, nil) }
            if let message = state.take(matching: matches) { return (message, nil) }
            defer { state.nextWaiter += 1 }
            return (nil, state.nextWaiter)
        }
        guard let id = queued.waitID else { return queued.message }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Term?, Never>) in
                let timer = timeout.flatMap { timeout in timeout == .zero ? nil : giveUp(id, after: timeout) }
                let immediate = state.withLockedValue { state -> Term?? in
                    if state.handler != nil { return .some(nil) }
                    if let message = state.take(matching: matches) { return .some(message) }
                    if state.closed || Task.isCancelled || timeout == .zero { return .some(nil) }
                    state.waiters.append(Waiter(id: id, matches: matches, continuation: continuation, timer: timer))
                    return nil
                }
                if let immediate {
                    timer?.cancel()
                    continuation.resume(returning: immediate)
                }
            }
        } onCancel: {
            giveUp(id)
        }
    }

    private func giveUp(_ id: Int) {
        let waiter = state.withLockedValue { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.resume(returning: nil)
    }

    /// A task that gives the wait `id` up after `timeout`, unless it is cancelled first.
    private func giveUp(_ id: Int, after timeout: Duration) -> Task<Void, Never> {
        Task { [self] in
            do {
                try await Task.sleep(for: timeout)
            } catch {
                return
            }
            giveUp(id)
        }
    }

    /// Iterates the messages in order.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(mailbox: self) }

    /// Takes the messages in order; ends when the process exits.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let mailbox: Mailbox

        /// The next message, or nil once the process has exited.
        public mutating func next() async -> Term? {
            await mailbox.receive()
        }
    }
}
