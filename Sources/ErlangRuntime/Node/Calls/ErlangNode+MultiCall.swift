import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// What `gen_server:multi_call/4` returns: the replies, and the nodes that gave none.
    public struct MultiCallResult: Sendable, Equatable {
        /// `{Node, Reply}` for each node that answered, in the order the nodes were given.
        public var replies: [(node: NodeName, reply: Term)]
        /// The nodes where the server did not exist, the connection failed, or no reply came in time.
        public var badNodes: [NodeName]

        public static func == (lhs: MultiCallResult, rhs: MultiCallResult) -> Bool {
            lhs.badNodes == rhs.badNodes && lhs.replies.map(\.node) == rhs.replies.map(\.node)
                && lhs.replies.map(\.reply) == rhs.replies.map(\.reply)
        }
    }

    /// `gen_server:multi_call(Nodes, Name, Request, Timeout)` (`gen_server.erl`,
    /// `do_multi_call/4`): calls `{Name, Node}` on every node at once with the tag `{Ref, Node}`
    /// (no alias, as OTP 25 does), monitoring each by name; a DOWN makes a node bad, and when
    /// `timeout` passes the replies already here count and the other nodes are bad.
    public func multiCall(
        _ nodes: [NodeName], _ name: Atom, _ request: Term, timeout: Duration? = nil
    ) async throws -> MultiCallResult {
        let caller = try spawnProcess()
        defer { caller.exit() }
        let tag = Term.reference(makeReference())
        var monitors: [(NodeName, Reference)] = []
        for node in nodes {
            monitors.append((node, try await caller.monitor(name, at: node)))
            let message: Term = .tuple([.atom("$gen_call"), .tuple([.pid(caller.pid), .tuple([tag, .atom(node.atom)])]), request])
            try? await caller.send(message, to: name, at: node)
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var result = MultiCallResult(replies: [], badNodes: [])
        for (node, reference) in monitors {
            let nodeTag: Term = .tuple([tag, .atom(node.atom)])
            let left = deadline.map { max(.zero, $0 - ContinuousClock.now) }
            let answer = await caller.receive(
                matching: { ErlangProcess.isReply($0, tag: nodeTag) || ErlangProcess.isDown($0, reference) }, timeout: left)
            await demonitor(reference)
            if let answer, case .tuple(let elements) = answer, elements.count == 2 {
                result.replies.append((node, elements[1]))
            } else {
                result.badNodes.append(node)
            }
        }
        return result
    }

    /// `gen_server:abcast(Nodes, Name, Request)`: `{'$gen_cast', Request}` to `{Name, Node}` on
    /// every node (`gen_server.erl`, `do_abcast/3`); never fails.
    public func abcast(_ nodes: [NodeName], _ name: Atom, _ request: Term) async {
        for node in nodes { await cast(.remote(name, node), request) }
    }
}
