import ErlangTerm
import NIOCore

/// The messages waiting to be written on one connection, handed out one frame at a time: one frame
/// of each message under way in turn, so a large message's fragments interleave with the messages
/// of other senders, as OTP interleaves the fragments of different processes.
///
/// A sender's messages never interleave with each other: while one of its messages is under way,
/// its later ones wait behind it, so the peer gets them whole and in order (OTP's sending process
/// finishes sending one fragmented message before its next send, erts_dsig_send). The sender is the
/// control message's `from` pid; messages without one share one sender.
///
/// A message is encoded when its first frame is due and that frame is written at once, so headers
/// are encoded in the order their frames leave (the atom cache of a header refers to what earlier
/// first frames set up). Frames are taken from the encoder's sequence one ahead of the one handed
/// out (to know which is the last), so a fragmented message is held once plus two fragments.
struct OutboundFrameQueue<Completion, Frames: IteratorProtocol> where Frames.Element == ByteBuffer {
    private struct Entry {
        let sender: PID?
        var message: DistributionMessage?
        var frames: Frames?
        var ahead: ByteBuffer?
        let completion: Completion

        /// Holds the message's frames, its first one taken out ahead.
        mutating func start(_ frames: Frames) {
            var frames = frames
            ahead = frames.next()
            self.frames = frames
        }
    }

    /// What to do next.
    enum Next {
        /// Write this frame; when `completes` is set it is the message's last frame.
        case frame(ByteBuffer, completes: Completion?)
        /// The message could not be encoded; it is dropped.
        case failed(any Error, Completion)
    }

    // A ring of one message per sender: a message with many fragments goes round it once per
    // frame, so removeFirst must be O(1).
    private var entries = CircularBuffer<Entry>()
    // The later messages of senders that have one in `entries`, in order.
    private var waiting: [PID?: CircularBuffer<Entry>] = [:]
    private var waitingCount = 0
    // The senders with a message in `entries`.
    private var active: Set<PID?> = []

    /// Whether nothing waits.
    var isEmpty: Bool { entries.isEmpty }

    /// How many messages are queued.
    var count: Int { entries.count + waitingCount }

    /// Queues a message.
    mutating func append(_ message: DistributionMessage, completion: Completion) {
        add(Entry(sender: message.control.sender, message: message, completion: completion))
    }

    private mutating func add(_ entry: Entry) {
        if active.insert(entry.sender).inserted {
            entries.append(entry)
        } else {
            waiting[entry.sender, default: []].append(entry)
            waitingCount += 1
        }
    }

    /// Queues a message that its writer has already encoded into `frames`, so its header (and the
    /// atom cache entries it sets up) is settled: call it only on an empty queue, where its first
    /// frame is the next one out.
    mutating func append(encoded frames: Frames, of message: DistributionMessage, completion: Completion) {
        precondition(isEmpty, "an encoded message must be the next one out")
        var entry = Entry(sender: message.control.sender, message: nil, completion: completion)
        entry.start(frames)
        add(entry)
    }

    /// Takes the next frame, encoding the message it belongs to if this is its first.
    mutating func next(encode: (DistributionMessage) throws -> Frames) -> Next? {
        guard !entries.isEmpty else { return nil }
        var entry = entries.removeFirst()
        if let message = entry.message {
            entry.message = nil
            do {
                entry.start(try encode(message))
            } catch {
                promoteWaiting(of: entry.sender)
                return .failed(error, entry.completion)
            }
        }
        guard let frame = entry.ahead else {
            promoteWaiting(of: entry.sender)
            return .frame(ByteBuffer(), completes: entry.completion)
        }
        entry.ahead = entry.frames?.next()
        guard entry.ahead != nil else {
            promoteWaiting(of: entry.sender)
            return .frame(frame, completes: entry.completion)
        }
        entries.append(entry)
        return .frame(frame, completes: nil)
    }

    /// A sender's message is done: its next one, if any, joins the ring.
    private mutating func promoteWaiting(of sender: PID?) {
        guard var queue = waiting.removeValue(forKey: sender), let next = queue.popFirst() else {
            active.remove(sender)
            return
        }
        waitingCount -= 1
        entries.append(next)
        if !queue.isEmpty { waiting[sender] = queue }
    }

    /// Empties the queue, returning every completion that is still waiting.
    mutating func removeAll() -> [Completion] {
        defer {
            entries.removeAll()
            waiting = [:]
            waitingCount = 0
            active = []
        }
        return entries.map(\.completion) + waiting.values.flatMap { $0.map(\.completion) }
    }
}

extension ControlMessage {
    /// The process that sends this message, when the control message names it: what keeps one
    /// sender's messages in order on the wire.
    var sender: PID? {
        switch self {
        case .link(let from, _), .exit(let from, _, _), .unlink(let from, _), .regSend(let from, _),
             .exit2(let from, _, _), .exitTT(let from, _, _, _), .regSendTT(let from, _, _),
             .exit2TT(let from, _, _, _), .monitorP(let from, _, _), .demonitorP(let from, _, _),
             .sendSender(let from, _), .sendSenderTT(let from, _, _), .payloadExit(let from, _),
             .payloadExitTT(let from, _, _), .payloadExit2(let from, _), .payloadExit2TT(let from, _, _),
             .spawnRequest(_, let from, _, _, _), .aliasSend(let from, _), .aliasSendTT(let from, _, _),
             .unlinkID(_, let from, _), .unlinkIDAck(_, let from, _), .altactSig(_, let from, _, _):
            return from
        case .spawnRequestTT(_, let from, _, _, _, _):
            return from
        default:
            return nil
        }
    }
}
