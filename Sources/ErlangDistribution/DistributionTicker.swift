/// The keep-alive and liveness rules of one connection (`net_ticktime`), as OTP 25 applies them:
/// a pure state machine that the connection handler feeds with what it reads and writes and with
/// a timer that fires every ``tickInterval``.
///
/// OTP's `net_kernel` ticker fires every `net_ticktime / net_tickintensity` and each connection
/// process then runs `dist_util:send_tick/2`: it writes a tick (an empty frame) when it wrote
/// nothing since the previous firing and has nothing queued, or, for a hidden peer, when it read
/// nothing from it; and it drops the connection when nothing was read from the peer during
/// `intensity` firing periods. So a silent peer is declared down between `net_ticktime` and
/// `net_ticktime + tickInterval` after the last thing it sent (distribution.md §4.1; OBS with a
/// ticktime of 8 s: dropped after 8.09 s). This machine counts firings as OTP does
/// (`dist_util:send_tick/2` keeps the firing that last saw new reads and gives up when the firing
/// counter comes round to it again): the peer is unresponsive at the `intensity`-th firing in a
/// row that finds nothing received since the firing before. Counting firings rather than measuring
/// time keeps a busy event loop from dropping a live peer: when the loop runs a timer late, the
/// bytes the peer sent meanwhile may still wait in the socket, and they are read before the next
/// firing.
///
/// Time is injected: every call carries the instant it happens at, from any clock.
public struct DistributionTicker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What the connection does after a timer firing.
    public enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Write a tick: the 4-byte frame `00 00 00 00`.
        case sendTick
        /// Nothing came from the peer for ``netTickTime``: close the connection (OTP logs
        /// "Node ... not responding, Removing (timedout) connection").
        case peerUnresponsive
    }

    /// `net_ticktime`, rounded up as OTP rounds it: to whole milliseconds that are a multiple of
    /// ``intensity`` (`net_kernel:make_init_opts/1`).
    public let netTickTime: Duration
    /// `net_tickintensity`, 4 to 1000 (OTP's default 4).
    public let intensity: Int
    /// Whether the peer is a hidden node; OTP also ticks to a hidden peer it read nothing from.
    public let peerIsHidden: Bool

    private var lastReceived: Instant
    private var lastSent: Instant
    // nil until the first firing: the handshake is the first period's traffic both ways.
    private var previousFiring: Instant?
    // Firings in a row that found nothing received since the one before.
    private var silentFirings = 0
    // Whether ``receivedSincePreviousFiring()`` was called since the previous firing.
    private var heardSincePreviousFiring = false

    /// Creates the machine for a connection that finished its handshake at `start`; the handshake
    /// counts as traffic both ways, as OTP's socket counters include it.
    ///
    /// - Parameters:
    ///   - netTickTime: OTP's `net_ticktime` (default 60 s).
    ///   - intensity: OTP's `net_tickintensity`, clamped to 4...1000 as OTP clamps it.
    ///   - peerIsHidden: whether the peer connected as a hidden node.
    ///   - start: when the connection entered the connected state.
    public init(netTickTime: Duration = .seconds(60), intensity: Int = 4, peerIsHidden: Bool = false, start: Instant) {
        let intensity = min(max(intensity, 4), 1000)
        // net_kernel:make_init_opts/1 keeps milliseconds and rounds up to a multiple of the intensity.
        let milliseconds = max(Self.milliseconds(netTickTime), 1)
        let rounded = (milliseconds + Int64(intensity) - 1) / Int64(intensity) * Int64(intensity)
        self.netTickTime = .milliseconds(rounded)
        self.intensity = intensity
        self.peerIsHidden = peerIsHidden
        self.lastReceived = start
        self.lastSent = start
        self.previousFiring = nil
    }

    /// How often the connection's timer should fire: `net_ticktime / net_tickintensity`
    /// (`net_kernel`, `TickInterval = NetTicktime div NetTickIntensity`; 15 s by default).
    public var tickInterval: Duration { netTickTime / intensity }

    /// Records that bytes came from the peer at `now`: any frame, ticks included.
    public mutating func received(at now: Instant) {
        lastReceived = max(lastReceived, now)
    }

    /// Records that bytes came from the peer at some time since the previous firing (or since
    /// `start`, before the first): ``received(at:)`` for a caller that does not read the clock on
    /// every receipt, but notes it and reports it when its timer fires, before
    /// ``timerFired(at:outputPending:)``.
    public mutating func receivedSincePreviousFiring() {
        heardSincePreviousFiring = true
    }

    /// Records that a frame was written to the peer at `now`. Report the frames of messages, not
    /// the ticks this machine asked for: OTP counts its own tick as the period's write, so the
    /// next idle period ticks again.
    public mutating func sent(at now: Instant) {
        lastSent = max(lastSent, now)
    }

    /// Decides what to do when the timer fires at `now` (`dist_util:send_tick/2`).
    ///
    /// - Parameter outputPending: whether frames are waiting to be written (OTP's `send_pend`);
    ///   a non-hidden peer gets no tick then, since those frames will reach it.
    public mutating func timerFired(at now: Instant, outputPending: Bool = false) -> Action {
        defer {
            previousFiring = max(previousFiring ?? now, now)
            heardSincePreviousFiring = false
        }
        // A receipt at the very instant of the previous firing counts for this period too: on a
        // test loop's clock it may have come after that firing.
        let heard = heardSincePreviousFiring || (previousFiring.map { lastReceived >= $0 } ?? true)
        silentFirings = heard ? 0 : silentFirings + 1
        if silentFirings >= intensity {
            return .peerUnresponsive
        }
        guard let previousFiring else { return .none }
        // dist_util:need_to_tick/4: nothing written and an empty send queue, or a hidden peer
        // that sent nothing in the period.
        let wroteNothing = lastSent <= previousFiring && !outputPending
        let hiddenAndSilent = peerIsHidden && !heard
        return wroteNothing || hiddenAndSilent ? .sendTick : .none
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let remainder = attoseconds / 1_000_000_000_000_000
        let roundsUp = attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0
        return seconds * 1000 + remainder + Int64(roundsUp)
    }
}
