import NIOCore

/// The messages waiting to be written on one connection, handed out one frame at a time: one frame
/// of each waiting message in turn, so a large message's fragments interleave with other messages.
///
/// A message is encoded when its first frame is due, so first frames leave in the order the
/// messages were queued (the atom cache of the header refers to what earlier first frames set up).
/// Frames are taken from the encoder's sequence one ahead of the one handed out (to know which is
/// the last), so a fragmented message is held once plus two fragments.
struct OutboundFrameQueue<Completion, Frames: IteratorProtocol> where Frames.Element == ByteBuffer {
    private struct Entry {
        var message: DistributionMessage?
        var frames: Frames?
        var ahead: ByteBuffer?
        let completion: Completion
    }

    /// What to do next.
    enum Next {
        /// Write this frame; when `completes` is set it is the message's last frame.
        case frame(ByteBuffer, completes: Completion?)
        /// The message could not be encoded; it is dropped.
        case failed(any Error, Completion)
    }

    // A ring: a message with many fragments goes round it once per frame, so removeFirst must be O(1).
    private var entries = CircularBuffer<Entry>()

    /// Whether nothing waits.
    var isEmpty: Bool { entries.isEmpty }

    /// Queues a message.
    mutating func append(_ message: DistributionMessage, completion: Completion) {
        entries.append(Entry(message: message, completion: completion))
    }

    /// Takes the next frame, encoding the message it belongs to if this is its first.
    mutating func next(encode: (DistributionMessage) throws -> Frames) -> Next? {
        guard !entries.isEmpty else { return nil }
        var entry = entries.removeFirst()
        if let message = entry.message {
            entry.message = nil
            do {
                var frames = try encode(message)
                entry.ahead = frames.next()
                entry.frames = frames
            } catch {
                return .failed(error, entry.completion)
            }
        }
        guard let frame = entry.ahead else { return .frame(ByteBuffer(), completes: entry.completion) }
        entry.ahead = entry.frames?.next()
        guard entry.ahead != nil else { return .frame(frame, completes: entry.completion) }
        entries.append(entry)
        return .frame(frame, completes: nil)
    }

    /// Empties the queue, returning every completion that is still waiting.
    mutating func removeAll() -> [Completion] {
        defer { entries.removeAll() }
        return entries.map(\.completion)
    }
}
