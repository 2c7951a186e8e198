import ErlangDistribution
import ErlangTerm

/// Where a call or cast goes: the `ServerRef` of `gen_server:call/3` (`gen.erl`, `do_for_proc/2`).
public enum ServerRef: Sendable, CustomStringConvertible {
    /// A process by pid, on this node or another.
    case pid(PID)
    /// A name registered on this node.
    case name(Atom)
    /// `{Name, Node}`: a name registered on `Node` (this node included).
    case remote(Atom, NodeName)
    /// `{via, Module, Name}` (and `{global, Name}` through a resolver for `global`): the name is
    /// looked up with the resolver first, as `gen.erl` `where/1` does.
    case via(any ServerNameResolver, Term)

    /// The reference as OTP writes it.
    public var description: String {
        switch self {
        case .pid(let pid): "\(pid)"
        case .name(let name): "\(name)"
        case .remote(let name, let node): "{\(name), \(node)}"
        case .via(let resolver, let name): "{via, \(type(of: resolver)), \(name)}"
        }
    }

    /// The reference as a term, as `gen_server:call/3` puts it in its exit reason.
    public var term: Term {
        switch self {
        case .pid(let pid): .pid(pid)
        case .name(let name): .atom(name)
        case .remote(let name, let node): .tuple([.atom(name), .atom(node.atom)])
        case .via(let resolver, let name): .tuple([.atom("via"), .atom(Atom(String(describing: type(of: resolver)))), name])
        }
    }
}

/// A name service for ``ServerRef/via(_:_:)``: `Module:whereis_name/1` of a `{via, Module, Name}`
/// (`gen.erl`, `where/1`). The `global` name server provides one for `{global, Name}`.
public protocol ServerNameResolver: Sendable {
    /// The pid registered under `name`, or nil when nobody has it.
    func whereis(_ name: Term, on node: ErlangNode) async -> PID?
}

extension ErlangNode {
    /// Where a call goes: a monitor target and its node, or nil when a local or `via` name is not
    /// registered (`gen.erl`, `do_for_proc/2` exits with `noproc` then).
    func resolve(_ server: ServerRef) async -> (target: ControlMessage.MonitorTarget, node: NodeName)? {
        switch server {
        case .pid(let pid):
            guard let node = try? NodeName(pid.node.name) else { return nil }
            return (.pid(pid), node)
        case .name(let name):
            return whereis(name).map { (.pid($0), self.name) }
        case .remote(let name, let node):
            return (.name(name), node)
        case .via(let resolver, let name):
            guard let pid = await resolver.whereis(name, on: self), let node = try? NodeName(pid.node.name) else { return nil }
            return (.pid(pid), node)
        }
    }
}
