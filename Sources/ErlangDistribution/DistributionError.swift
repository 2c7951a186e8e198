import ErlangTerm

/// An error of the distribution layer: a frame, header, control message or handshake that Swerl
/// cannot accept, or a message it cannot send.
///
/// It says what went wrong (``code``), where (``offset`` into the frame, when known) and carries a
/// human-readable ``detail``. OTP closes a connection on any such input (`external.c`,
/// `erts_prepare_dist_ext` and `dist.c`, `erts_net_message`: "corrupted distribution header",
/// `invalid_message`); the connection handler does the same.
public struct DistributionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is. Codes are added by other parts of the module with
    /// `extension DistributionError.Code { static let ... }`, so switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        /// Creates a code; each code's name is unique within the module.
        init(_ name: String) {
            self.name = name
        }

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The byte offset into the frame (or the reassembled message) where it went wrong, if known.
    public var offset: Int?
    /// What was found, in words.
    public var detail: String
    /// The term error behind this one, when a term inside the frame did not decode or encode.
    public var termError: ErlangTermError?

    /// Creates an error.
    public init(_ code: Code, at offset: Int? = nil, _ detail: String, termError: ErlangTermError? = nil) {
        self.code = code
        self.offset = offset
        self.detail = detail
        self.termError = termError
    }

    /// `code at offset N: detail`.
    public var description: String {
        if let offset { return "\(code) at offset \(offset): \(detail)" }
        return "\(code): \(detail)"
    }
}

// The codes of the connected state (distribution.md §4); the handshake adds its own.
extension DistributionError.Code {
    /// The frame ended inside a header or a term.
    public static let truncatedFrame = Self("truncatedFrame")
    /// The frame does not start as the agreed flags require (`'p'` in pass-through mode, `131, 68`,
    /// `131, 69` or `131, 70` in header mode), or a header field is out of range.
    public static let invalidHeader = Self("invalidHeader")
    /// A header refers to an atom cache slot the peer never filled.
    public static let atomCacheMiss = Self("atomCacheMiss")
    /// An atom in the header is not valid UTF-8 or is longer than 255 characters.
    public static let invalidAtom = Self("invalidAtom")
    /// A control or payload term does not decode (see ``DistributionError/termError``), or one
    /// cannot be encoded.
    public static let invalidTerm = Self("invalidTerm")
    /// The control tuple's operation code is not one of OTP 25 to 28.
    public static let unknownControlMessage = Self("unknownControlMessage")
    /// The control term is not a tuple of the shape its operation code requires.
    public static let malformedControlMessage = Self("malformedControlMessage")
    /// A control message that carries a payload came without one.
    public static let missingPayload = Self("missingPayload")
    /// A control message that carries no payload came with one.
    public static let unexpectedPayload = Self("unexpectedPayload")
    /// Bytes follow the last term of a message.
    public static let trailingBytes = Self("trailingBytes")
    /// A continuation fragment arrived for a sequence that has not started.
    public static let fragmentWithoutStart = Self("fragmentWithoutStart")
    /// A fragment's number is not the one its sequence expects next (or is zero).
    public static let fragmentOutOfOrder = Self("fragmentOutOfOrder")
    /// A first fragment arrived for a sequence that is still being reassembled.
    public static let duplicateFragmentSequence = Self("duplicateFragmentSequence")
    /// Reassembling fragments would go over ``DistributionLimits/maxFragmentedMessageBytes`` or
    /// ``DistributionLimits/maxBufferedFragmentBytes``.
    public static let fragmentMemoryExceeded = Self("fragmentMemoryExceeded")
    /// More messages are being reassembled at once than
    /// ``DistributionLimits/maxConcurrentFragmentedMessages`` allows.
    public static let tooManyFragmentedMessages = Self("tooManyFragmentedMessages")
    /// A frame is larger than ``DistributionLimits/maxFrameBytes``.
    public static let frameTooLarge = Self("frameTooLarge")
    /// A message needs a capability flag the two nodes did not agree on.
    public static let notAgreed = Self("notAgreed")
}
