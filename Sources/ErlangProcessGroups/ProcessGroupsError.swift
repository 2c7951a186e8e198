/// What went wrong with a `pg` scope.
public struct ProcessGroupsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of error; more codes may come, so switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        init(_ name: String) {
            self.name = name
        }

        /// The code's name.
        public var description: String { name }

        /// A pid given to join or leave is not a process of this node (`pg.erl`, `ensure_local/1`: `{nolocal, Pid}`).
        public static let notLocal = Code("notLocal")
        /// The scope could not start: its name is taken or the node has shut down.
        public static let startFailed = Code("startFailed")
        /// A peer node could not be reached or did not answer in time.
        public static let unreachable = Code("unreachable")
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
