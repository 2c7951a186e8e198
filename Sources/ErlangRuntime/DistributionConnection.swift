import ErlangDistribution
import NIOConcurrencyHelpers
import NIOCore

/// A connected distribution connection to one peer node.
///
/// ``incoming`` delivers the peer's messages (one consumer; while nobody reads, the connection
/// stops reading the socket); ``send(_:)`` writes one. Ticks are automatic. The connection ends
/// when either side closes it, when the peer stays silent for `net_ticktime`, or on bad input; then
/// ``incoming`` ends (throwing the ``DistributionError`` if there was one) and ``closed()`` returns.
public final class DistributionConnection: Sendable, CustomStringConvertible {
    /// What the handshake settled: names, creations, agreed flags.
    public let handshake: HandshakeResult
    let channel: any Channel
    private let messages: DistributionInboundBridge.Producer
    private let closeReason: EventLoopPromise<DistributionError?>

    init(handshake: HandshakeResult, channel: any Channel, messages: DistributionInboundBridge.Producer, closeReason: EventLoopPromise<DistributionError?>) {
        var handshake = handshake
        handshake.leftover = ByteBuffer()
        self.handshake = handshake
        self.channel = channel
        self.messages = messages
        self.closeReason = closeReason
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

    /// Sends a message; returns once its last frame has been handed to the socket, so a caller that
    /// waits before its next send keeps its messages in order, while messages sent concurrently
    /// interleave (a large one's fragments with the others).
    ///
    /// - Throws: ``DistributionError``: the message needs a flag the peer lacks, cannot be encoded,
    ///   or the connection closed.
    public func send(_ message: DistributionMessage) async throws {
        do {
            try await channel.writeAndFlush(message)
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
