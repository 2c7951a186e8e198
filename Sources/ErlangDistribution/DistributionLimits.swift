import ErlangTerm

/// Bounds on what one connection's reader may hold, and how its writer splits large messages.
///
/// OTP itself sets no bounds on reassembly; Swerl does, so a hostile peer cannot make it buffer
/// without end (design.md, "Bad input"). Every bound that is hit is a ``DistributionError``.
public struct DistributionLimits: Sendable, Hashable {
    /// The largest frame the connection accepts, in bytes (without the 4-byte length). A message
    /// sent without fragments arrives as one frame this large.
    public var maxFrameBytes: Int
    /// The largest message reassembled from fragments, in bytes of data after the headers.
    public var maxFragmentedMessageBytes: Int
    /// The most bytes of all messages being reassembled on one connection together.
    public var maxBufferedFragmentBytes: Int
    /// The most fragmented messages being reassembled on one connection at once (OTP sends one
    /// sequence per sending process, so several may interleave).
    public var maxConcurrentFragmentedMessages: Int
    /// The data bytes the writer puts in each fragment: OTP's `ERTS_DIST_FRAGMENT_SIZE`, 64 KiB
    /// (`dist.h`). At least 16, as OTP requires.
    public var fragmentSize: Int
    /// The limits for decoding control and payload terms.
    public var terms: ETFDecoder.Limits

    /// Creates limits; the defaults are ``default``'s.
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

    /// 256 MiB frames and reassembled messages, 1 GiB of fragments buffered per connection, 256
    /// messages reassembled at once, 64 KiB fragments, the default term limits.
    public static let `default` = DistributionLimits()
}
