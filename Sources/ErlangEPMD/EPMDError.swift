/// The one error type of the EPMD module: what went wrong, a message saying where, and for
/// malformed bytes the offset into the frame or reply at which the problem was found.
public struct EPMDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Compare with the static members; new codes may be added
    /// in later versions, so switch statements over codes need a default case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidLength
            case malformedRequest
            case unknownRequest
            case dataAfterRequest
            case malformedResponse
            case responseTooLarge
            case invalidName
            case epmdNotRunning
            case nameInUse
            case unknownNode
            case timeout
            case connectionClosed
            case portMismatch
            case refused
            case connectionLimit
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A request frame's `u16` length is 0 or too large for epmd's buffer.
        public static let invalidLength = Self(.invalidLength)
        /// A request's fields contradict its frame (a name or extra length past the end).
        public static let malformedRequest = Self(.malformedRequest)
        /// A request code epmd does not serve (legacy R3 codes included).
        public static let unknownRequest = Self(.unknownRequest)
        /// Bytes arrived after the one request a connection may carry.
        public static let dataAfterRequest = Self(.dataAfterRequest)
        /// A daemon's reply does not have the shape its request calls for.
        public static let malformedResponse = Self(.malformedResponse)
        /// A text reply (NAMES, DUMP) grew past the client's limit.
        public static let responseTooLarge = Self(.responseTooLarge)
        /// A node name epmd would refuse (empty, too long, a NUL byte, not UTF-8).
        public static let invalidName = Self(.invalidName)
        /// Nothing accepts connections at the EPMD address (connection refused).
        public static let epmdNotRunning = Self(.epmdNotRunning)
        /// ALIVE2 failed: the name is already registered (any non-zero result, as OTP reads it).
        public static let nameInUse = Self(.nameInUse)
        /// PORT_PLEASE2 found no node of that name.
        public static let unknownNode = Self(.unknownNode)
        /// No complete reply in time (or no connection in time).
        public static let timeout = Self(.timeout)
        /// The daemon closed the connection before a complete reply.
        public static let connectionClosed = Self(.connectionClosed)
        /// A NAMES reply names a different EPMD port than the one asked (OTP: `{error, address}`).
        public static let portMismatch = Self(.portMismatch)
        /// The daemon refused a command (KILL answered `NO`).
        public static let refused = Self(.refused)
        /// The daemon has as many connections as it serves; this one was closed at once.
        public static let connectionLimit = Self(.connectionLimit)

        public var description: String {
            String(describing: base)
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What happened, for people; never carries cookies or payloads.
    public var message: String
    /// For malformed bytes: the offset, from the start of the frame or reply, of the bad field.
    public var offset: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset {
            return "EPMDError.\(code): \(message) (at byte \(offset))"
        }
        return "EPMDError.\(code): \(message)"
    }
}
