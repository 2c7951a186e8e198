import ErlangTerm

/// An Erlang exception raised from Swift: `erlang:error/1`, `exit/1` or `throw/1` with a term as
/// the reason. Throw it from a ``GenServer`` callback or a function served through `erpc`
/// (``ErlangNode/registerFunction(_:_:arity:_:)``) to control what BEAM callers see.
public struct ErlangException: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of an exception (`error`, `exit`, `throw`).
    public struct Class: Sendable, Hashable, CustomStringConvertible {
        /// The class as an atom.
        public let atom: Atom

        init(_ atom: Atom) {
            self.atom = atom
        }

        /// `erlang:error/1`.
        public static let error = Class("error")
        /// `exit/1`.
        public static let exit = Class("exit")
        /// `throw/1`.
        public static let `throw` = Class("throw")

        /// The class's name.
        public var description: String { atom.name }
    }

    /// The class.
    public var `class`: Class
    /// The reason (the thrown term for `throw`).
    public var reason: Term

    /// Creates an exception of `class` with `reason`.
    public init(_ class: Class, _ reason: Term) {
        self.class = `class`
        self.reason = reason
    }

    /// `erlang:error(Reason)`.
    public static func error(_ reason: Term) -> ErlangException { ErlangException(.error, reason) }

    /// `exit(Reason)`.
    public static func exit(_ reason: Term) -> ErlangException { ErlangException(.exit, reason) }

    /// `Class:Reason`.
    public var description: String { "\(self.class):\(reason)" }

    /// What any Swift error means to Erlang: an ``ErlangException`` as it is; any other error is
    /// class `error` with reason `{swift_error, <<"description">>}`.
    public static func from(_ error: any Error) -> ErlangException {
        if let exception = error as? ErlangException { return exception }
        return .error(.tuple([.atom("swift_error"), .binary(Array(String(describing: error).utf8))]))
    }
}
