import ErlangTerm

/// The system messages of `sys` (`{system, From, Request}`, stdlib `sys.erl`), as a Swift
/// ``GenServer``'s loop answers them, so `sys:get_state/1`, `sys:get_status/1`, `sys:suspend/1`,
/// `sys:resume/1` and `sys:terminate/2` from a BEAM node work on it instead of waiting for their
/// timeout.
enum SystemRequest: Equatable {
    /// `get_state`: answered with ``GenServer/systemState``.
    case getState
    /// `get_status`: the `{status, Pid, {module, Module}, [PDict, SysState, Parent, Debug, Misc]}`
    /// that `sys:get_status/1` returns.
    case getStatus
    /// `suspend`: until `resume`, only system messages are handled (`sys.erl`, `do_cmd/6`).
    case suspend
    /// `resume`.
    case resume
    /// `{terminate, Reason}`: `ok`, then the server stops with `Reason`.
    case terminate(Term)
    /// Anything else, `{replace_state, Fun}` and `{debug, ...}` included (a Swift server cannot
    /// run an Erlang fun or keep sys debug logs): `{error, {unknown_system_msg, Request}}`, as
    /// `sys.erl` answers a request it does not know.
    case other(Term)

    init(_ request: Term) {
        switch request {
        case .atom("get_state"): self = .getState
        case .atom("get_status"): self = .getStatus
        case .atom("suspend"): self = .suspend
        case .atom("resume"): self = .resume
        case .tuple(let elements) where elements.count == 2 && elements[0] == .atom("terminate"):
            self = .terminate(elements[1])
        default: self = .other(request)
        }
    }

    /// `{system, {Pid, Tag}, Request}`, as `gen:call(Name, system, Request)` sends it.
    static func parse(_ message: Term) -> (from: PID, tag: Term, request: SystemRequest)? {
        guard case .tuple(let elements) = message, elements.count == 3, elements[0] == .atom("system"),
              case .tuple(let fromTag) = elements[1], fromTag.count == 2, case .pid(let from) = fromTag[0]
        else { return nil }
        return (from, fromTag[1], SystemRequest(elements[2]))
    }

    static func isSystemMessage(_ message: Term) -> Bool {
        parse(message) != nil
    }
}

extension GenServer {
    /// What `sys:get_state/1` returns for this server: its description as a binary, since a
    /// Swift value has no Erlang form of its own. Implement ``GenServer/systemState`` to give a term.
    public var systemState: Term {
        .binary(Array(String(describing: self).utf8))
    }
}

extension GenServerLoop {
    /// Answers one system request; returns the reason to stop with, for `terminate`.
    mutating func handleSystem(_ request: SystemRequest, from: GenServerFrom) async -> Term? {
        let reply: Term
        var stopReason: Term?
        switch request {
        case .getState:
            reply = server.systemState
        case .getStatus:
            reply = status()
        case .suspend:
            suspended = true
            reply = .atom("ok")
        case .resume:
            suspended = false
            reply = .atom("ok")
        case .terminate(let reason):
            reply = .atom("ok")
            stopReason = reason
        case .other(let unknown):
            reply = .tuple([.atom("error"), .tuple([.atom("unknown_system_msg"), unknown])])
        }
        try? await from.reply(reply)
        return stopReason
    }

    /// `sys:get_status/1`'s answer in the shape `gen_server:format_status/2` gives it: process
    /// dictionary, running or suspended, parent (the server itself: it has no starter process),
    /// no debug options, and the status and state sections.
    private func status() -> Term {
        let name = process.registeredName.map { Term.atom($0) } ?? .pid(process.pid)
        let sysState: Term = .atom(suspended ? "suspended" : "running")
        let header = Term.tuple([.atom("header"), Self.charList("Status for generic server \(name)")])
        let general = Term.tuple([.atom("data"), .list([
            .tuple([Self.charList("Status"), sysState]),
            .tuple([Self.charList("Parent"), .pid(process.pid)]),
            .tuple([Self.charList("Logged events"), .list([])]),
        ])])
        let state = Term.tuple([.atom("data"), .list([.tuple([Self.charList("State"), server.systemState])])])
        return .tuple([
            .atom("status"), .pid(process.pid), .tuple([.atom("module"), .atom("gen_server")]),
            .list([.list([]), sysState, .pid(process.pid), .list([]), .list([header, general, state])]),
        ])
    }

    /// An Erlang string: a list of character codes.
    private static func charList(_ text: String) -> Term {
        .list(text.unicodeScalars.map { .integer(Int($0.value)) })
    }
}
