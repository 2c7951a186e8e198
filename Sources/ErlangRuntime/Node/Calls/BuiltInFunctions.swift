import ErlangDistribution
import ErlangTerm

/// The functions every node serves, so standard tools work against a Swift node: `erlang:node/0`,
/// `erlang:nodes/0,1`, `erlang:processes/0`, `erlang:registered/0` and
/// `erlang:system_info(otp_release)`.
enum BuiltInFunctions {
    /// The OTP release this node presents itself as (`erlang:system_info(otp_release)`).
    static let otpRelease = "25"

    static let all: [FunctionName: ErlangFunction] = [
        FunctionName("erlang", "node", arity: 0): { _, process in .atom(process.node.atom) },
        FunctionName("erlang", "nodes", arity: 0): { _, process in nodeList(process.node.nodes()) },
        FunctionName("erlang", "nodes", arity: 1): { arguments, process in try nodes(arguments[0], process.node) },
        FunctionName("erlang", "processes", arity: 0): { _, process in .list(process.node.processes().map { .pid($0) }) },
        FunctionName("erlang", "registered", arity: 0): { _, process in .list(process.node.registered().map { .atom($0) }) },
        FunctionName("erlang", "system_info", arity: 1): { arguments, _ in try systemInfo(arguments[0]) },
    ]

    private static func nodeList(_ nodes: [NodeName]) -> Term { .list(nodes.map { .atom($0.atom) }) }

    /// `erlang:nodes/1` with `visible`, `hidden`, `connected`, `this`, `known` or a list of them.
    private static func nodes(_ argument: Term, _ node: ErlangNode) throws -> Term {
        let kinds = argument.listElements ?? [argument]
        var found: [NodeName] = []
        for kind in kinds {
            switch kind {
            case .atom("visible"): found += node.nodes()
            case .atom("hidden"): found += node.hiddenNodes()
            case .atom("connected"): found += node.nodes() + node.hiddenNodes()
            case .atom("this"): found.append(node.name)
            case .atom("known"): found += [node.name] + node.nodes() + node.hiddenNodes()
            default: throw ErlangException.error(.atom("badarg"))
            }
        }
        var seen = Set<NodeName>()
        return nodeList(found.filter { seen.insert($0).inserted })
    }

    /// `erlang:system_info/1`: only `otp_release` (a charlist, as BEAM gives it); anything else
    /// is `badarg` here.
    private static func systemInfo(_ item: Term) throws -> Term {
        guard item == .atom("otp_release") else { throw ErlangException.error(.atom("badarg")) }
        return .string(Array(otpRelease.utf8))
    }
}

extension ErlangNode {
    /// `erlang:processes/0`: the pids of the live processes, in pid order.
    public func processes() -> [PID] {
        state.withLockedValue { $0.processes.pids }
    }

    /// `erlang:registered/0`: the registered names, sorted.
    public func registered() -> [Atom] {
        state.withLockedValue { $0.processes.registeredNames }.sorted()
    }
}
