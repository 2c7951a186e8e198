import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// Starts the registered processes real peers talk to: `net_kernel` (for `net_adm:ping`) and
    /// `rex` (the feature query a visible peer sends on connecting).
    func startKernelServices() throws {
        let netKernel = try spawnProcess()
        try netKernel.register(as: "net_kernel")
        Task { await Self.serveNetKernel(netKernel) }
        let rex = try spawnProcess()
        try rex.register(as: "rex")
        Task { await Self.serveRex(rex) }
    }

    /// `net_kernel`'s `{is_auth, Node}` call: the answer is `yes` (`net_kernel.erl`,
    /// `handle_call({is_auth, _Node}, ...)`), because a message that arrived proves the cookie.
    /// The reply `{Tag, yes}` goes as `gen:reply/2` sends it: to the alias of an `[alias|Ref]` tag
    /// (`ALIAS_SEND`), to the caller's pid for a plain reference. Other calls get no answer here yet.
    static func serveNetKernel(_ process: ErlangProcess) async {
        for await message in process.mailbox {
            guard let (from, tag, request) = genCall(message) else { continue }
            if case .tuple(let elements) = request, elements.count == 2, elements[0] == .atom("is_auth") {
                try? await process.reply(.atom("yes"), to: from, tag: tag)
            }
        }
    }

    /// `rex`'s `{From, features_request}` (`rpc.erl`, `handle_info/2`): answered
    /// `{features_reply, node(), [erpc]}`, since this node runs `erpc` spawn requests
    /// (ErlangNode+Spawn.swift); `rpc.erl` `nodes_observer_loop/1` records it.
    static func serveRex(_ process: ErlangProcess) async {
        for await message in process.mailbox {
            guard case .tuple(let elements) = message, elements.count == 2, case .pid(let from) = elements[0],
                  elements[1] == .atom("features_request") else { continue }
            try? await process.send(.tuple([.atom("features_reply"), .atom(process.node.atom), .list([.atom("erpc")])]), to: from)
        }
    }
}

/// The parts of a `{'$gen_call', {From, Tag}, Request}` message (`gen.erl`, `do_call/4`), or nil
/// for any other message.
func genCall(_ message: Term) -> (from: PID, tag: Term, request: Term)? {
    guard case .tuple(let elements) = message, elements.count == 3, elements[0] == .atom("$gen_call"),
          case .tuple(let fromTag) = elements[1], fromTag.count == 2, case .pid(let from) = fromTag[0] else { return nil }
    return (from, fromTag[1], elements[2])
}
