/// How a connected distribution channel behaves.
public struct DistributionConnectionConfiguration: Sendable, Hashable {
    /// `net_ticktime`: a peer silent this long is dropped; ticks go out every quarter of it.
    public var netTickTime: Duration
    /// `net_tickintensity` (4 to 1000).
    public var tickIntensity: Int
    /// Bounds for frames, fragments and terms.
    public var limits: DistributionLimits
    /// How reads follow a peer that streams; nil reads whenever the socket has bytes.
    public var readPacing: ReadPacing?

    /// Creates a configuration with OTP's defaults (60 s, intensity 4) and ``ReadPacing/default``.
    public init(
        netTickTime: Duration = .seconds(60), tickIntensity: Int = 4, limits: DistributionLimits = .default,
        readPacing: ReadPacing? = .default
    ) {
        self.netTickTime = netTickTime
        self.tickIntensity = tickIntensity
        self.limits = limits
        self.readPacing = readPacing
    }

    /// Reads of a streaming peer in batches: after a read that brought at least ``messages``
    /// messages, the next read waits ``delay``, so that it takes what arrived meanwhile at once.
    ///
    /// A node that reads as soon as bytes arrive wakes up for each burst a peer writes, and the
    /// peer's writes then pay for waking it: in the distribution benchmark a BEAM sender streamed
    /// about a sixth faster to a Swift node that waited 30 µs after a read of 16 messages or more
    /// (four alternated rounds). A peer that waits for each reply (a call, a ping) sends one
    /// message per read and is never delayed.
    public struct ReadPacing: Sendable, Hashable {
        /// The messages in one read from which the next read waits.
        public var messages: Int
        /// How long the next read waits.
        public var delay: Duration

        /// Creates a pacing.
        public init(messages: Int, delay: Duration) {
            self.messages = messages
            self.delay = delay
        }

        /// 16 messages, 30 µs.
        public static let `default` = ReadPacing(messages: 16, delay: .microseconds(30))
    }
}
