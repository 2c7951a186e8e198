import ErlangTerm

/// A server Erlang and Elixir code can call with `gen_server:call/3` or `GenServer.call/3` and
/// cast to, the Swift side of `gen_server`'s callback module: the conforming value is the
/// server's state, and each callback may change it.
///
/// ```swift
/// struct Counter: GenServer {
///     var count = 0
///     mutating func handleCall(_ request: Term, from: GenServerFrom, context: GenServerContext) async throws -> GenServerCallResult {
///         count += 1
///         return .reply(.integer(count))
///     }
/// }
/// let server = try node.startServer(Counter(), name: "counter")
/// ```
///
/// A callback that throws ends the server as a crashing `gen_server` ends: `terminate` runs and
/// the process exits with `{Reason, Stack}` for an `error` (see ``ErlangException``) or the
/// reason of an `exit`, so links, monitors and pending callers see that reason.
public protocol GenServer: Sendable {
    /// `handle_call/3`: answer now with ``GenServerCallResult/reply(_:)``, later with
    /// ``GenServerFrom/reply(_:)`` after ``GenServerCallResult/noreply``, or stop.
    mutating func handleCall(_ request: Term, from: GenServerFrom, context: GenServerContext) async throws -> GenServerCallResult
    /// `handle_cast/2`; by default the cast is ignored.
    mutating func handleCast(_ request: Term, context: GenServerContext) async throws -> GenServerResult
    /// `handle_info/2`: any other message; by default it is ignored.
    mutating func handleInfo(_ message: Term, context: GenServerContext) async throws -> GenServerResult
    /// `terminate/2`: runs before the process exits with `reason` (a stop or a crash).
    mutating func terminate(_ reason: Term, context: GenServerContext) async
    /// What `sys:get_state/1` (and the state section of `sys:get_status/1`) shows for this
    /// server; by default its description as a binary.
    var systemState: Term { get }
}

extension GenServer {
    /// Ignores the cast.
    public mutating func handleCast(_ request: Term, context: GenServerContext) async throws -> GenServerResult { .noreply }
    /// Ignores the message.
    public mutating func handleInfo(_ message: Term, context: GenServerContext) async throws -> GenServerResult { .noreply }
    /// Does nothing.
    public mutating func terminate(_ reason: Term, context: GenServerContext) async {}
}

/// What `handle_call` returns.
public enum GenServerCallResult: Sendable {
    /// `{reply, Reply, State}`.
    case reply(Term)
    /// `{noreply, State}`: the reply comes later through ``GenServerFrom/reply(_:)``, or never.
    case noreply
    /// `{stop, Reason, Reply, State}` (or `{stop, Reason, State}` without a reply).
    case stop(reason: Term, reply: Term?)
}

/// What `handle_cast` and `handle_info` return.
public enum GenServerResult: Sendable {
    /// `{noreply, State}`.
    case noreply
    /// `{stop, Reason, State}`.
    case stop(Term)
}

/// The caller of a call, `From` in `handle_call/3`: its pid and tag. Keep it to reply later.
public struct GenServerFrom: Sendable {
    /// The caller's pid.
    public let pid: PID
    /// The call's tag: `[alias|Ref]` from OTP 24+, a reference or `{Ref, Node}` otherwise.
    public let tag: Term
    let process: ErlangProcess

    /// `gen_server:reply(From, Reply)`: to the caller's alias for an alias tag, else to its pid
    /// (`gen.erl`, `reply/2`).
    public func reply(_ reply: Term) async throws {
        try await process.reply(reply, to: pid, tag: tag)
    }
}

/// What a callback may use: the server's own process (to send, monitor, link).
public struct GenServerContext: Sendable {
    /// The server's process.
    public let process: ErlangProcess
}
