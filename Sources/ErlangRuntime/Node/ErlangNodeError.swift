/// What went wrong in the node runtime: starting a node, connecting to a peer, sending, naming.
public struct ErlangNodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of error; more codes may come, so switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        init(_ name: String) {
            self.name = name
        }

        /// The code's name.
        public var description: String { name }

        /// The cookie could not be found, read or created.
        public static let cookie = Code("cookie")
        /// The node name is not valid.
        public static let badName = Code("badName")
        /// The node could not listen or register with EPMD.
        public static let startFailed = Code("startFailed")
        /// A connection to a peer node could not be set up (EPMD lookup or handshake).
        public static let connectFailed = Code("connectFailed")
        /// The node has shut down.
        public static let shutDown = Code("shutDown")
        /// A registered name is taken, or the process already has one.
        public static let nameInUse = Code("nameInUse")
        /// The process is not alive.
        public static let noProcess = Code("noProcess")
        /// A message could not be sent.
        public static let sendFailed = Code("sendFailed")
    }

    /// What went wrong.
    public var code: Code
    /// A description for people.
    public var detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code): \(detail)" }
}
