import ErlangDistribution
import ErlangRuntime
import ErlangTerm

/// A minimal `gen_server:multi_call/3` with an infinite timeout (`gen_server.erl`, `do_multi_call/4`,
/// `send_nodes/5`, `rec_nodes/7`), enough for global's lock and registration calls: monitor
/// `{Name, Node}`, send `{'$gen_call', {Self, {Tag, Node}}, Request}`, and collect
/// `{{Tag, Node}, Reply}` or the DOWN that makes the node a bad node. Internal until
/// ErlangRuntime has call helpers of its own.
enum GlobalMultiCall {
    /// The replies of the nodes that answered, in the order of `nodes`.
    static func call(_ process: ErlangProcess, _ name: Atom, on nodes: [Atom], _ request: Term) async -> [(node: Atom, reply: Term)] {
        let tag = Term.reference(process.node.makeReference())
        var monitors: [(node: Atom, monitor: Reference?)] = []
        for node in nodes {
            if let peer = try? NodeName(node.name), peer != process.node.name, !process.node.nodes().contains(peer) {
                process.node.configuration.logger.debug("global: a call to an unconnected node connects it", metadata: ["peer": "\(node)", "request": "\(request)"])
            }
            guard let peer = try? NodeName(node.name), let monitor = try? await process.monitor(name, at: peer) else {
                monitors.append((node, nil))
                continue
            }
            let message = Term.genCall(from: process.pid, tag: .tuple([tag, .atom(node)]), request)
            do {
                try await process.send(message, to: name, at: peer)
            } catch {
                await process.demonitor(monitor)
                monitors.append((node, nil))
                continue
            }
            monitors.append((node, monitor))
        }
        var replies: [(node: Atom, reply: Term)] = []
        for (node, monitor) in monitors {
            guard let monitor else { continue }
            if let reply = await receive(process, tag: .tuple([tag, .atom(node)]), monitor: monitor) { replies.append((node, reply)) }
        }
        return replies
    }

    /// A single `gen_server:call/3` with an infinite timeout; nil when the server is down or missing.
    static func call(_ process: ErlangProcess, _ name: Atom, at node: NodeName, _ request: Term) async -> Term? {
        guard let monitor = try? await process.monitor(name, at: node) else { return nil }
        let tag = Term.reference(process.node.makeReference())
        do {
            try await process.send(Term.genCall(from: process.pid, tag: tag, request), to: name, at: node)
        } catch {
            await process.demonitor(monitor)
            return nil
        }
        return await receive(process, tag: tag, monitor: monitor)
    }

    /// `{Tag, Reply}`, or nil for the monitor's DOWN (or the caller's exit).
    private static func receive(_ process: ErlangProcess, tag: Term, monitor: Reference) async -> Term? {
        let monitorTerm = Term.reference(monitor)
        let message = await process.receive(matching: { message in
            guard case .tuple(let elements) = message else { return false }
            if elements.count == 2 { return elements[0] == tag }
            return elements.count == 5 && elements[0] == .atom("DOWN") && elements[1] == monitorTerm
        })
        guard case .tuple(let elements)? = message, elements.count == 2 else { return nil }
        await process.demonitor(monitor)
        _ = await process.receive(matching: { $0.tupleElements?.count == 5 && $0.tupleElements?[1] == monitorTerm }, timeout: .zero)
        return elements[1]
    }
}
