import ErlangTerm

/// Why a call failed: a `gen_server` call from Swift (``ErlangProcess/call(_:_:timeout:)``) or an
/// `erpc` call (``ErlangNode/rpc(_:_:_:_:timeout:)``), with the reason as OTP gives it.
public struct CallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; more codes may come, so switch with a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        init(_ name: String) {
            self.name = name
        }

        /// The code's name.
        public var description: String { name }

        /// No reply within the timeout (`exit(timeout)` in `gen.erl`, `{erpc, timeout}` in `erpc.erl`).
        public static let timeout = Code("timeout")
        /// The server does not exist (`exit(noproc)`).
        public static let noproc = Code("noproc")
        /// The server's node went down or could not be reached (`exit({nodedown, Node})`).
        public static let nodedown = Code("nodedown")
        /// The server exited during the call; ``CallError/reason`` is its exit reason.
        public static let exit = Code("exit")
        /// A process called itself (`exit(calling_self)`).
        public static let callingSelf = Code("callingSelf")
        /// The function called through `erpc` raised: ``CallError/exceptionClass`` is `error`,
        /// `exit` or `throw`; ``CallError/reason`` and ``CallError/stack`` are what it raised.
        public static let exception = Code("exception")
        /// The connection to the `erpc` target was lost (`{erpc, noconnection}`).
        public static let noconnection = Code("noconnection")
        /// The `erpc` target refused the spawn request or the call (`{erpc, Reason}`: `notsup`,
        /// `badarg`, `system_limit`, ...); ``CallError/reason`` is `Reason`.
        public static let erpc = Code("erpc")
        /// The process running the `erpc` call was killed by a signal (`exit({signal, Reason})`).
        public static let signal = Code("signal")
    }

    /// What failed.
    public var code: Code
    /// The reason as OTP gives it: for calls, what `gen:call/4` exits with (`timeout`, `noproc`,
    /// `{nodedown, Node}`, `calling_self` or the server's own exit reason; `gen_server:call/3`
    /// wraps it as `{Reason, {gen_server, call, [Server, Request, Timeout]}}`); for `erpc`, the
    /// reason of the exception, or of the `{erpc, Reason}` error.
    public var reason: Term
    /// For ``Code/exception``: `error`, `exit` or `throw`.
    public var exceptionClass: Atom?
    /// For an `error` exception: the stack trace OTP sent.
    public var stack: Term?

    /// Creates an error.
    public init(_ code: Code, reason: Term, exceptionClass: Atom? = nil, stack: Term? = nil) {
        self.code = code
        self.reason = reason
        self.exceptionClass = exceptionClass
        self.stack = stack
    }

    /// `code: reason`.
    public var description: String {
        if let exceptionClass { return "\(code): \(exceptionClass):\(reason)" }
        return "\(code): \(reason)"
    }
}
