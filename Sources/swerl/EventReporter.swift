import ErlangDistribution
import ErlangProcessGroups
import ErlangRuntime
import ErlangTerm

/// Prints `swerl node`'s events, one line each, as text or JSON.
struct EventReporter: Sendable {
    let json: Bool

    func started(_ node: ErlangNode, scope: Atom) {
        if json {
            Output.json(["event": "started", "node": node.name.description, "scope": scope.name])
        } else {
            Output.line("started \(node.name) scope \(scope)")
        }
    }

    /// Node ups and downs.
    func watch(_ events: AsyncStream<ErlangNode.Event>) {
        Task {
            for await event in events {
                switch event {
                case .nodeUp(let peer, let hidden):
                    if json {
                        Output.json(["event": "nodeup", "node": peer.description, "hidden": hidden])
                    } else {
                        Output.line("node up \(peer)" + (hidden ? " (hidden)" : ""))
                    }
                case .nodeDown(let peer, _):
                    if json { Output.json(["event": "nodedown", "node": peer.description]) } else { Output.line("node down \(peer)") }
                }
            }
        }
    }

    /// Members joining and leaving, one line per pid.
    func watch(_ changes: AsyncStream<MembershipChange>, scope: ProcessGroups) {
        Task {
            for await change in changes {
                for pid in change.pids { report(change.kind, group: change.group, pid: pid) }
            }
        }
    }

    private func report(_ kind: MembershipChange.Kind, group: Term, pid: PID) {
        let groupText = TermPrinter.erlang.print(group)
        if json {
            Output.json(["event": kind.rawValue, "group": groupText, "pid": pid.description, "node": pid.node.name])
        } else {
            Output.line("\(kind == .join ? "joined" : "left") \(groupText) \(pid) \(pid.node.name)")
        }
    }
}
