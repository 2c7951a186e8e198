// PLACEHOLDER, DELETE WHEN MERGING THE dist-wire BRANCH.
//
// The connection code of this branch uses DistributionLimits, DistributionMessageReader,
// DistributionMessageWriter and DistributionTicker, which the dist-wire branch implements (header
// mode, atom cache, fragments, every control message). Until that branch is merged, this file gives
// the same public signatures with a pass-through-only implementation (distribution.md §4.2, frames
// `'p', 131 Control [131 Payload]`) that knows only the placeholder ControlMessage's SEND and
// REG_SEND. After the merge this file must simply be deleted; nothing else changes.

import ErlangTerm
import NIOCore

/// Bounds on one connection's reader and writer (placeholder of the dist-wire type).
public struct DistributionLimits: Sendable, Hashable {
    /// The largest frame the connection accepts, in bytes (without the 4-byte length).
    public var maxFrameBytes: Int
    /// The largest message reassembled from fragments.
    public var maxFragmentedMessageBytes: Int
    /// The most bytes of all messages being reassembled on one connection together.
    public var maxBufferedFragmentBytes: Int
    /// The most fragmented messages being reassembled at once.
    public var maxConcurrentFragmentedMessages: Int
    /// The data bytes per fragment.
    public var fragmentSize: Int
    /// The limits for decoding terms.
    public var terms: ETFDecoder.Limits

    /// Creates limits.
    public init(
        maxFrameBytes: Int = 1 << 28,
        maxFragmentedMessageBytes: Int = 1 << 28,
        maxBufferedFragmentBytes: Int = 1 << 30,
        maxConcurrentFragmentedMessages: Int = 256,
        fragmentSize: Int = 1 << 16,
        terms: ETFDecoder.Limits = .default
    ) {
        self.maxFrameBytes = maxFrameBytes
        self.maxFragmentedMessageBytes = maxFragmentedMessageBytes
        self.maxBufferedFragmentBytes = maxBufferedFragmentBytes
        self.maxConcurrentFragmentedMessages = maxConcurrentFragmentedMessages
        self.fragmentSize = max(fragmentSize, 16)
        self.terms = terms
    }

    /// The defaults.
    public static let `default` = DistributionLimits()
}

/// Reads connected-state frames (placeholder: pass-through mode only).
public struct DistributionMessageReader: Sendable {
    /// The agreed flags.
    public let flags: DistributionFlags
    /// The bounds in force.
    public let limits: DistributionLimits

    /// Creates a reader.
    public init(flags: DistributionFlags, limits: DistributionLimits = .default) {
        self.flags = flags
        self.limits = limits
    }

    /// Returns the message; nil for an empty frame or (placeholder only) a control message the
    /// placeholder ControlMessage cannot represent.
    public mutating func read(frame: ByteBuffer) throws -> DistributionMessage? {
        guard frame.readableBytes <= limits.maxFrameBytes else {
            throw DistributionError(.frameTooLarge, "frame of \(frame.readableBytes) bytes, the limit is \(limits.maxFrameBytes)")
        }
        guard frame.readableBytes > 0 else { return nil }
        var body = frame
        guard body.readInteger(as: UInt8.self) == UInt8(ascii: "p") else {
            throw DistributionError(.invalidHeader, at: 0, "the placeholder reader knows only pass-through frames")
        }
        let decoder = ETFDecoder(limits: limits.terms)
        let control: Term
        var payload: Term?
        do {
            control = try decoder.read(from: &body)
            if body.readableBytes > 0 { payload = try decoder.read(from: &body) }
        } catch let error as ErlangTermError {
            throw DistributionError(.invalidTerm, "\(error)", termError: error)
        }
        guard case .tuple(let elements) = control, case .integer(let op)? = elements.first else {
            throw DistributionError(.malformedControlMessage, "the control message is not a tuple")
        }
        switch (op, elements.count) {
        case (2, 3), (22, 3):
            guard case .pid(let to) = elements[2] else { break }
            return DistributionMessage(control: .send(to: to), payload: payload)
        case (6, 4):
            guard case .pid(let from) = elements[1], case .atom(let name) = elements[3] else { break }
            return DistributionMessage(control: .regSend(from: from, to: name), payload: payload)
        default:
            return nil
        }
        throw DistributionError(.malformedControlMessage, "control message \(op) is malformed")
    }
}

/// Writes messages as frames (placeholder: pass-through mode only, one frame per message).
public struct DistributionMessageWriter: Sendable {
    /// The agreed flags.
    public let flags: DistributionFlags
    /// The bounds in force.
    public let limits: DistributionLimits

    /// Creates a writer.
    public init(flags: DistributionFlags, limits: DistributionLimits = .default) {
        self.flags = flags
        self.limits = limits
    }

    /// Encodes `message` and hands out its frames one at a time.
    public mutating func frames(for message: DistributionMessage) throws -> DistributionFrames {
        DistributionFrames(frames: try write(message))
    }

    /// Encodes `message` as one pass-through frame.
    public mutating func write(_ message: DistributionMessage) throws -> [ByteBuffer] {
        guard flags.isDisjoint(with: [.fragments, .distHeaderAtomCache]) else {
            throw DistributionError(.notAgreed, "the placeholder writer knows only pass-through mode")
        }
        let control: Term
        switch message.control {
        case .send(let to): control = .tuple([.integer(2), .atom(""), .pid(to)])
        case .regSend(let from, let to): control = .tuple([.integer(6), .pid(from), .atom(""), .atom(to)])
        }
        var frame = ByteBuffer()
        frame.writeInteger(UInt8(ascii: "p"))
        let encoder = ETFEncoder()
        do {
            try encoder.encode(control, into: &frame)
            if let payload = message.payload { try encoder.encode(payload, into: &frame) }
        } catch let error as ErlangTermError {
            throw DistributionError(.invalidTerm, "\(error)", termError: error)
        }
        return [frame]
    }
}

/// The frames of one written message (placeholder of the dist-wire type).
public struct DistributionFrames: Sequence, IteratorProtocol, Sendable {
    private var frames: [ByteBuffer]
    private var index = 0
    /// The number of frames.
    public let count: Int

    init(frames: [ByteBuffer]) {
        self.frames = frames
        self.count = frames.count
    }

    /// The next frame, or nil after the last.
    public mutating func next() -> ByteBuffer? {
        guard index < frames.count else { return nil }
        defer { index += 1 }
        return frames[index]
    }
}

/// The keep-alive rules of one connection (placeholder of the dist-wire type, same decisions:
/// `dist_util:send_tick/2`).
public struct DistributionTicker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What to do after a timer firing.
    public enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Write a tick.
        case sendTick
        /// Nothing came from the peer for ``netTickTime``.
        case peerUnresponsive
    }

    /// `net_ticktime`.
    public let netTickTime: Duration
    /// `net_tickintensity`.
    public let intensity: Int
    /// Whether the peer is hidden.
    public let peerIsHidden: Bool
    private var lastReceived: Instant
    private var lastSent: Instant
    private var previousFiring: Instant?

    /// Creates the machine.
    public init(netTickTime: Duration = .seconds(60), intensity: Int = 4, peerIsHidden: Bool = false, start: Instant) {
        self.netTickTime = netTickTime
        self.intensity = min(max(intensity, 4), 1000)
        self.peerIsHidden = peerIsHidden
        self.lastReceived = start
        self.lastSent = start
        self.previousFiring = nil
    }

    /// How often the timer fires.
    public var tickInterval: Duration { netTickTime / intensity }

    /// Bytes came from the peer.
    public mutating func received(at now: Instant) { lastReceived = max(lastReceived, now) }

    /// A message frame was written.
    public mutating func sent(at now: Instant) { lastSent = max(lastSent, now) }

    /// The timer fired.
    public mutating func timerFired(at now: Instant, outputPending: Bool = false) -> Action {
        defer { previousFiring = max(previousFiring ?? now, now) }
        if lastReceived.duration(to: now) >= netTickTime { return .peerUnresponsive }
        // The handshake is the first period's traffic.
        guard let previousFiring else { return .none }
        let wroteNothing = lastSent <= previousFiring && !outputPending
        let hiddenAndSilent = peerIsHidden && lastReceived <= previousFiring
        return wroteNothing || hiddenAndSilent ? .sendTick : .none
    }
}
