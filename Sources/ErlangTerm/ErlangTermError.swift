/// An error from decoding, encoding, parsing or bridging Erlang terms.
///
/// It says what went wrong (``code``), where (``offset`` into the input bytes or text, or the
/// coding path for the `Codable` bridge), and carries a human-readable ``detail``.
public struct ErlangTermError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is; new codes may be added, so switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The input ended inside a term.
        public static let truncated = Code("truncated")
        /// The input does not start with the version byte 131.
        public static let missingVersion = Code("missingVersion")
        /// A tag this decoder does not know (or one OTP 25 refuses, such as the old `FUN_EXT`).
        public static let unknownTag = Code("unknownTag")
        /// An atom longer than 255 characters, or with invalid UTF-8.
        public static let invalidAtom = Code("invalidAtom")
        /// Nesting deeper than ``ETFDecoder/Limits/maxDepth``.
        public static let depthLimitExceeded = Code("depthLimitExceeded")
        /// A term larger than ``ETFDecoder/Limits/maxSize`` allows.
        public static let sizeLimitExceeded = Code("sizeLimitExceeded")
        /// A big integer wider than ``ETFDecoder/Limits/maxBigIntegerBytes``.
        public static let bigIntegerTooLarge = Code("bigIntegerTooLarge")
        /// A float that is NaN or infinite, or unreadable `FLOAT_EXT` text.
        public static let invalidFloat = Code("invalidFloat")
        /// A map with the same key twice.
        public static let duplicateMapKey = Code("duplicateMapKey")
        /// A `BIT_BINARY_EXT` with an impossible bit count.
        public static let invalidBitstring = Code("invalidBitstring")
        /// A reference with no words or more than five.
        public static let invalidReference = Code("invalidReference")
        /// A field that must be of one kind was another (a pid's node that is not an atom, say).
        public static let unexpectedTerm = Code("unexpectedTerm")
        /// A compressed term whose zlib data is corrupt or inflates to another size than declared.
        public static let invalidCompression = Code("invalidCompression")
        /// An `ATOM_CACHE_REF` with no entry in the supplied cache.
        public static let atomCacheMiss = Code("atomCacheMiss")
        /// A value the external format cannot carry (an over-long atom, a non-finite float, ...).
        public static let unencodable = Code("unencodable")
        /// Erlang term text that does not parse.
        public static let syntax = Code("syntax")
        /// A `Codable` bridge mismatch between a Swift type and a term.
        public static let typeMismatch = Code("typeMismatch")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The byte offset into the input (or character offset into text) where it went wrong, if known.
    public var offset: Int?
    /// What was found, in words.
    public var detail: String

    /// Creates an error.
    public init(_ code: Code, at offset: Int? = nil, _ detail: String) {
        self.code = code
        self.offset = offset
        self.detail = detail
    }

    /// `code at offset N: detail`.
    public var description: String {
        if let offset { return "\(code) at offset \(offset): \(detail)" }
        return "\(code): \(detail)"
    }
}
