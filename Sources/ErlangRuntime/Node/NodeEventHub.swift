import ErlangDistribution
import NIOConcurrencyHelpers

/// Hands each node event to every current subscriber.
final class NodeEventHub: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<ErlangNode.Event>.Continuation] = [:]
        var next = 0
        var finished = false
    }

    private let state = NIOLockedValueBox(State())

    /// A new subscription; it sees the events from now on.
    func subscribe() -> AsyncStream<ErlangNode.Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: ErlangNode.Event.self)
        let id = state.withLockedValue { state -> Int? in
            guard !state.finished else { return nil }
            defer { state.next += 1 }
            state.subscribers[state.next] = continuation
            return state.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Translates an endpoint event and passes node ups and downs on.
    func emit(_ event: DistributionEndpoint.Event) {
        let translated: ErlangNode.Event
        switch event {
        case .nodeUp(let node, let hidden): translated = .nodeUp(node, hidden: hidden)
        case .nodeDown(let node, let error): translated = .nodeDown(node, reason: NodeDownReason(error))
        default: return
        }
        for subscriber in state.withLockedValue({ Array($0.subscribers.values) }) { subscriber.yield(translated) }
    }

    /// Ends every subscription (node shutdown).
    func finish() {
        let subscribers = state.withLockedValue { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
