import ErlangDistribution
import ErlangTerm

extension ErlangNode {
    /// `net_adm:ping/1`: connects to `peer` if needed and calls its `net_kernel` with
    /// `{is_auth, node()}` (`net_adm.erl`, `ping/1`); true (pong) when it answers `yes`, false
    /// (pang) when the connection fails or no answer comes within `timeout`.
    public func ping(_ peer: NodeName, timeout: Duration? = nil) async -> Bool {
        if peer == name { return true }
        let timeout = timeout ?? configuration.setupTime
        guard let caller = try? spawnProcess() else { return false }
        defer { caller.exit() }
        let tag = Term.reference(makeReference())
        let call: Term = .tuple([.atom("$gen_call"), .tuple([.pid(caller.pid), tag]), .tuple([.atom("is_auth"), .atom(atom)])])
        let answer: Term? = await withTaskGroup(of: Term?.self) { group in
            group.addTask {
                do {
                    try await caller.send(call, to: "net_kernel", at: peer)
                } catch {
                    return nil
                }
                return await caller.receive(matching: { Self.isReply($0, tag: tag) })
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return answer == .tuple([tag, .atom("yes")])
    }

    private static func isReply(_ message: Term, tag: Term) -> Bool {
        guard case .tuple(let elements) = message, elements.count == 2 else { return false }
        return elements[0] == tag
    }
}
