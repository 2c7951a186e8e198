import ErlangDistribution
import NIOConcurrencyHelpers
import NIOCore

/// A connected distribution connection to one peer node.
///
/// ``incoming`` delivers the peer's messages (one consumer; while nobody reads, the connection
/// stops reading the socket); ``send(_:)`` queues one for writing, ``sendAndWait(_:)`` writes one
/// and waits until the socket took it. Ticks are automatic. The connection ends
/// when either side closes it, when the peer stays silent for `net_ticktime`, or on bad input; then
/// ``incoming`` ends (throwing the ``DistributionError`` if there was one) and ``closed()`` returns.
public final class DistributionConnection: Sendable, CustomStringConvertible {
    /// What the handshake settled: names, creations, agreed flags.
    public let handshake: HandshakeResult
    let channel: any Channel
    private let messages: DistributionInboundBridge.Producer
    /// Plain messages delivered on the event loop (``ErlangNode`` installs it); see ``InboundFastPath``.
    let fastPath: InboundFastPath
    private let closeReason: EventLoopPromise<DistributionError?>
    private let window: SendWindow
    private let outbound = NIOLockedValueBox(Outbound())
    /// Where the rest of a drain waits for the loop's next poll (nil on a loop without one).
    let pollGate: PollGate?
    /// The connection's handler, called directly on the event loop instead of through the
    /// pipeline (nil when the pipeline has none, as in some tests).
    private let handler: NIOLoopBound<DistributionChannelHandler>?

    /// Messages handed to ``send(_:)`` that wait for the event loop, in call order.
    private struct Outbound {
        var messages: [(DistributionMessage, EventLoopPromise<Void>?)] = []
        var drainScheduled = false
    }

    /// The default bound of ``send(_:)``'s window: messages accepted but not yet written.
    public static let defaultSendWindow = 1024

    /// The most messages one drain hands to the pipeline; the rest waits for the event loop's
    /// next poll of its sockets (``PollGate``), so a sender that keeps the window full cannot keep
    /// the loop from reading the other connections on it.
    static let drainBatch = 64

    init(
        handshake: HandshakeResult, channel: any Channel, messages: DistributionInboundBridge.Producer,
        fastPath: InboundFastPath, closeReason: EventLoopPromise<DistributionError?>, sendWindow: Int = DistributionConnection.defaultSendWindow
    ) {
        var handshake = handshake
        handshake.leftover = ByteBuffer()
        self.handshake = handshake
        self.channel = channel
        self.messages = messages
        self.fastPath = fastPath
        self.pollGate = PollGate.of(channel.eventLoop)
        self.handler = channel.eventLoop.inEventLoop
            ? (try? channel.pipeline.syncOperations.handler(type: DistributionChannelHandler.self))
                .map { NIOLoopBound($0, eventLoop: channel.eventLoop) }
            : nil
        self.closeReason = closeReason
        let window = SendWindow(limit: sendWindow)
        self.window = window
        closeReason.futureResult.whenComplete { _ in window.close() }
    }

    /// The peer's node name.
    public var peer: NodeName { handshake.peer }
    /// Whether the connection is hidden (not both nodes published).
    public var isHidden: Bool { handshake.isHidden }
    /// The flags both sides use.
    public var agreedFlags: DistributionFlags { handshake.agreedFlags }
    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// The peer's messages, in order. One consumer only.
    public var incoming: Messages { Messages(base: messages) }

    /// Sends a message without waiting for the socket, as an Erlang process's `!` does: the message
    /// is queued in call order, so one caller's messages keep their order, and the call returns at
    /// once unless ``defaultSendWindow`` messages are already waiting to be written; then it waits
    /// for room (backpressure from a slow peer, never unbounded memory).
    ///
    /// A message that cannot be encoded (it needs a flag the peer lacks) or that is still queued
    /// when the connection closes is dropped, as BEAM drops messages to a node that goes down;
    /// ``sendAndWait(_:)`` reports those.
    ///
    /// - Throws: ``DistributionError`` (`connectionClosed`) when the connection is known to be closed.
    public func send(_ message: DistributionMessage) async throws {
        try await enqueue(message, written: nil)
    }

    /// Queues a message when the window has room, without waiting, as `erlang:send/3` with
    /// `nosuspend` does; false (nothing queued) when the window is full.
    ///
    /// - Throws: ``DistributionError`` (`connectionClosed`) when the connection is known to be closed.
    public func trySend(_ message: DistributionMessage) throws -> Bool {
        // The window's own check of its close comes with taking the slot: one lock per send
        // instead of two. Which failure it was is sorted out only when there is one.
        guard channel.isActive, window.tryAcquire() else {
            try checkOpen()
            return false
        }
        queue(message, written: nil)
        return true
    }

    private func enqueue(_ message: DistributionMessage, written: EventLoopPromise<Void>?) async throws {
        try checkOpen()
        await window.acquire()
        try checkOpen()
        queue(message, written: written)
    }

    /// Queues a message that holds a window slot, and drains when no drain is under way.
    private func queue(_ message: DistributionMessage, written: EventLoopPromise<Void>?) {
        // On the loop with nothing waiting here, the message goes to the handler at once.
        if channel.eventLoop.inEventLoop, let handler, outbound.withLockedValue({ !$0.drainScheduled }) {
            handler.value.send(message, promise: written)
            return
        }
        let drainNow = outbound.withLockedValue { outbound -> Bool in
            outbound.messages.append((message, written))
            defer { outbound.drainScheduled = true }
            return !outbound.drainScheduled
        }
        guard drainNow else { return }
        if channel.eventLoop.inEventLoop {
            drain()
        } else {
            channel.eventLoop.execute { self.drain() }
        }
    }

    private func checkOpen() throws {
        guard !window.isClosed, channel.isActive else {
            throw DistributionError(.connectionClosed, "cannot send to \(peer): the connection is closed")
        }
    }

    /// On the event loop: hands up to ``drainBatch`` queued messages to the pipeline, in order,
    /// with one flush.
    private func drain() {
        let (batch, more) = outbound.withLockedValue { outbound -> ([(DistributionMessage, EventLoopPromise<Void>?)], Bool) in
            let take = min(outbound.messages.count, Self.drainBatch)
            let batch = Array(outbound.messages.prefix(take))
            outbound.messages.removeFirst(take)
            let more = !outbound.messages.isEmpty
            outbound.drainScheduled = more
            return (batch, more)
        }
        if let handler {
            for (message, promise) in batch { handler.value.enqueue(message, promise: promise) }
            handler.value.flush()
        } else {
            for (message, promise) in batch { channel.write(message, promise: promise) }
            channel.flush()
        }
        if more { continueLater { self.drain() } }
    }

    /// On the event loop: runs `work` after the loop's next poll of its sockets (``PollGate``).
    func continueLater(_ work: @escaping () -> Void) {
        if let pollGate {
            pollGate.afterNextPoll(work)
        } else {
            channel.eventLoop.assumeIsolated().execute(work)
        }
    }

    /// The handler's `onMessageDone`: one message left the queue (written, dropped or discarded),
    /// so its slot in the window is free.
    var messageDone: () -> Void {
        { [window] in window.release() }
    }

    /// Sends a message and returns once its last frame has been handed to the socket. It goes
    /// after the messages ``send(_:)`` queued before, and a large one's fragments interleave with
    /// messages sent concurrently.
    ///
    /// - Throws: ``DistributionError``: the message needs a flag the peer lacks, cannot be encoded,
    ///   or the connection closed.
    public func sendAndWait(_ message: DistributionMessage) async throws {
        let written = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await enqueue(message, written: written)
        } catch {
            written.succeed()
            throw error
        }
        do {
            try await written.futureResult.get()
        } catch let error as DistributionError {
            throw error
        } catch {
            throw DistributionError(.connectionClosed, "cannot send to \(peer): \(error)")
        }
    }

    /// Closes the connection and waits until it is closed.
    public func close() async {
        channel.close(promise: nil)
        _ = await closed()
    }

    /// Closes the connection with `reason` as the error that closed it (what ``closed()`` returns
    /// and readers of ``incoming`` get), and waits until it is closed. A connection already
    /// closing keeps its first reason.
    public func close(reason: DistributionError) async {
        let event = DistributionChannelHandler.CloseWithError(reason)
        channel.triggerUserOutboundEvent(event).whenFailure { [channel] _ in channel.close(promise: nil) }
        _ = await closed()
    }

    /// Waits until the connection has closed; returns the error that closed it, or nil for a clean
    /// close by either side.
    public func closed() async -> DistributionError? {
        (try? await closeReason.futureResult.get()) ?? nil
    }

    /// `peer (hidden)`.
    public var description: String { "DistributionConnection(\(peer)\(isHidden ? ", hidden" : ""))" }

    /// The incoming messages of a connection.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = DistributionMessage
        let base: DistributionInboundBridge.Producer

        /// Creates the iterator; only once per connection.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: base.makeAsyncIterator())
        }

        /// Iterates the messages.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: DistributionInboundBridge.Producer.AsyncIterator

            /// The next message; nil once the connection closed cleanly.
            ///
            /// - Throws: the ``DistributionError`` that closed the connection.
            public mutating func next() async throws -> DistributionMessage? {
                try await base.next()
            }
        }
    }
}
