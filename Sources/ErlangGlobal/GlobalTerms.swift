import ErlangTerm

/// One global name as `global.erl` keeps it (`global_names` table): the name, its process and the
/// resolve method the registering side named (a fun, run on a conflict).
public struct GlobalName: Sendable, Hashable {
    /// The name: any term.
    public var name: Term
    /// The registered process.
    public var pid: PID
    /// The resolve method, as it travels (`fun global:random_exit_name/3` by default).
    public var method: Term

    /// Creates an entry.
    public init(name: Term, pid: PID, method: Term) {
        self.name = name
        self.pid = pid
        self.method = method
    }

    /// `{Name, Pid, Method}`, as `exchange` lists names (`global.erl`, `get_names/0`).
    var term: Term { .tuple([name, .pid(pid), method]) }
}

/// A lock id `{ResourceId, LockRequesterId}` (`global:set_lock/1`).
public struct GlobalLockID: Sendable, Hashable {
    /// What is locked.
    public var resource: Term
    /// Who asks; the same requester may take the lock again (`global.erl`, `can_set_lock/1`).
    public var requester: Term

    /// Creates an id.
    public init(resource: Term, requester: Term) {
        self.resource = resource
        self.requester = requester
    }

    /// `{ResourceId, LockRequesterId}`.
    public var term: Term { .tuple([resource, requester]) }

    init?(_ term: Term) {
        guard case .tuple(let elements) = term, elements.count == 2 else { return nil }
        self.init(resource: elements[0], requester: elements[1])
    }
}

/// One operation of a `resolved` or `new_nodes` message (`global.erl`, `exchange_names/4`).
enum GlobalOperation: Sendable, Hashable {
    /// `{insert, {Name, Pid, Method}}`.
    case insert(GlobalName)
    /// `{delete, Name}`.
    case delete(Term)

    var term: Term {
        switch self {
        case .insert(let name): return .tuple([.atom("insert"), name.term])
        case .delete(let name): return .tuple([.atom("delete"), name])
        }
    }

    init?(_ term: Term) {
        guard case .tuple(let elements) = term, elements.count == 2 else { return nil }
        switch elements[0] {
        case .atom("insert"):
            guard let name = GlobalName(entry: elements[1]) else { return nil }
            self = .insert(name)
        case .atom("delete"):
            self = .delete(elements[1])
        default:
            return nil
        }
    }
}

extension GlobalName {
    /// Parses `{Name, Pid, Method}`; nil for any other shape.
    init?(entry term: Term) {
        guard case .tuple(let elements) = term, elements.count == 3, case .pid(let pid) = elements[1] else { return nil }
        self.init(name: elements[0], pid: pid, method: elements[2])
    }
}

/// The name of the registered process every node runs (`global.erl`, `start_link/0`).
let globalNameServer: Atom = "global_name_server"

/// The protocol version this implementation speaks (`global.erl`, `-define(vsn, 8)`).
let globalProtocolVersion = 8
/// The version that brought `init_connect_ack` and `cancel_connect` (`?verify_connect_vsn`).
let verifyConnectVersion = 8
/// The version that brought `lost_connection` and versioned known lists (`?pop_vsn`, `?pgpv_vsn`).
let preventOverlappingPartitionsVersion = 7

extension Term {
    /// The elements of a proper list, nil for anything else (a string counts as a list).
    var properList: [Term]? { listElements }

    /// `{'$gen_cast', Message}` (`gen_server.erl`, `cast_msg/1`).
    static func genCast(_ message: Term) -> Term { .tuple([.atom("$gen_cast"), message]) }

    /// `{'$gen_call', {From, Tag}, Request}` (`gen.erl`, `do_call/4`).
    static func genCall(from: PID, tag: Term, _ request: Term) -> Term {
        .tuple([.atom("$gen_call"), .tuple([.pid(from), tag]), request])
    }
}
