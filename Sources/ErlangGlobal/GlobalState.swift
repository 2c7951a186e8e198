import ErlangTerm
import Logging

/// What happens to the name server: a decoded message, a node event, or a result of the work it
/// handed to its helpers (the locker, a resolver).
enum GlobalInput: Sendable, Equatable {
    /// A message from the mailbox.
    case message(GlobalMessage)
    /// `{nodeup, Node, _}` for a visible node.
    case nodeUp(Atom)
    /// `{nodedown, Node, _}` for a visible node.
    case nodeDown(Atom)
    /// A mesh connection from `sync_other` failed (`{extra_nodedown, Node}`).
    case extraNodeDown(Atom)
    /// `{lock_is_set, Node, MyTag, LockId}` from the locker.
    case lockIsSet(node: Atom, myTag: Int, lockID: Term)
    /// `{exchange_ops, Node, MyTag, Ops, Resolved}` from a resolver.
    case exchangeOperations(node: Atom, myTag: Int, operations: [GlobalOperation], resolved: [GlobalOperation])
    /// A local `global:sync/1` caller waiting for `nodes`.
    case sync(id: Int, nodes: [Atom])
}

/// A message from the name server to the locker (`global.erl`, `the_locker_message/2`).
enum LockerMessage: Sendable, Equatable {
    /// `{his_the_locker, HisTheLocker, {Vsn, _}, HisTag, MyTag}`: a peer to lock with.
    case hisTheLocker(locker: PID, version: Int, hisTag: Term, myTag: Int)
    /// `{cancel, Node, Tag, Fun}`: the session with `node` ended; `newNodes` is the `new_nodes`
    /// broadcast the locker sends before it releases the lock (the Fun of `resolved/5`).
    case cancel(node: Atom, myTag: Int?, newNodes: [GlobalCast]?)
    /// A peer's `lock_set`, forwarded.
    case lockSet(locker: PID, isSet: Bool, myTag: Term?)
    /// `{add_to_known, Nodes}`.
    case addToKnown([Atom])
    /// `{remove_from_known, Node}`.
    case removeFromKnown(Atom)
}

/// A message for `{global_name_server, Node}`.
struct GlobalCast: Sendable, Equatable {
    var node: Atom
    var message: Term
}

/// What the shell must do for the name server.
enum GlobalAction: Sendable, Equatable {
    /// Send to `{global_name_server, Node}`, connecting first if needed (`gen_server:cast/2`).
    case send(GlobalCast)
    /// Send only over an existing connection (`gns_volatile_send/2`, `[noconnect]`).
    case sendIfConnected(GlobalCast)
    /// `gen:reply/2`.
    case reply(Term, from: PID, tag: Term)
    /// A message to the locker.
    case locker(LockerMessage)
    /// Start a resolver for the names `node` sent (`resolver/2`).
    case resolve(node: Atom, myTag: Int, names: [GlobalName])
    /// `erlang:monitor(process, Pid)`; the DOWN comes back as a message.
    case monitor(PID)
    /// `sync_other/2`: connect to the node, then cast `in_sync`.
    case syncOther(Atom)
    /// `net_kernel:async_disconnect/1`.
    case disconnect(Atom)
    /// A local `sync` caller is done.
    case syncDone(id: Int)
    /// A log line (`logger:log/3` in `global.erl`).
    case log(Logger.Level, String)
}

/// The state of `global_name_server` (`global.erl`, `#state{}` and its process dictionary and ETS
/// tables), as a pure value: ``step(_:)`` takes one input and returns what to do.
struct GlobalState: Sendable {
    /// Per-peer connect session (`{sync_tag_my, Node}`, `{sync_tag_his, Node}`, `{prot_vsn, Node}`,
    /// `{wait_lock, Node}`, `{save_ops, Node}`, `{lock_id, Node}`, `{pre_connect, Node}`).
    struct Session: Sendable, Equatable {
        enum WaitLock: Sendable, Equatable {
            case lockIsSet
            case exchange([GlobalName])
        }
        enum SavedOperations: Sendable, Equatable {
            case operations([GlobalOperation])
            case resolved(hisKnown: [Term], hisResolved: [GlobalOperation])
        }
        struct PreConnect: Sendable, Equatable {
            var version: Int
            var hisTag: Term
            var hisLocker: PID
        }
        var myTag: Int?
        var hisTag: Term?
        var version: Int?
        var waitLock: WaitLock?
        var savedOperations: SavedOperations?
        var lockID: Term?
        var preConnect: PreConnect?
    }

    /// A lock (`global_locks` table): the requester and the processes holding it.
    struct Lock: Sendable, Equatable {
        var requester: Term
        var holders: [PID]
    }

    /// A caller of `sync` and the nodes it still waits for.
    struct Syncer: Sendable, Equatable {
        var waiting: Set<Atom>
        var reply: (from: PID, tag: Term)?

        static func == (lhs: Syncer, rhs: Syncer) -> Bool {
            lhs.waiting == rhs.waiting && lhs.reply?.from == rhs.reply?.from && lhs.reply?.tag == rhs.reply?.tag
        }
    }

    /// This node.
    let node: Atom
    /// `XCreation` of this node's `lost_connection` messages (`init/1`, `inform_connection_loss/2`).
    let creation: Term
    /// The locker's pid, sent in `init_connect`.
    var locker: PID?
    /// Known (synced) nodes and their protocol versions.
    var known: [Atom: Int] = [:]
    /// `{pending, Node} => Vsn`: nodes in a connect session.
    var pending: [Atom: Int] = [:]
    /// `{removing, Node}`: nodes asked to disconnect for partition protection.
    var removing: Set<Atom> = []
    /// Nodes in sync with this one.
    var synced: [Atom] = []
    /// `{Node, MyTag, Resolver}`: sessions started by nodeup.
    var resolvers: [Atom: Int] = [:]
    var sessions: [Atom: Session] = [:]
    /// `global_names`.
    var names: [Term: GlobalName] = [:]
    /// `global_locks`, by resource.
    var locks: [Term: Lock] = [:]
    /// Whether the last global lock went with a DOWN (`#state.global_lock_down`).
    var globalLockDown = false
    /// Processes monitored for a name or lock.
    var monitored: Set<PID> = []
    var syncers: [Int: Syncer] = [:]
    /// `global_lost_connections`: `{NodeA, NodeB} => {XCreation, OpId}`, oldest first for eviction.
    var lostConnections: [LostConnectionKey: LostConnection] = [:]
    var lostConnectionOrder: [LostConnectionKey] = []
    var nextTag: Int
    var nextOperation = 1
    var nextRemoteSync = 0

    struct LostConnectionKey: Sendable, Hashable {
        var nodeA: Atom
        var nodeB: Atom
    }
    struct LostConnection: Sendable, Equatable {
        var creation: Term
        var operation: Term
    }

    /// At most this many lost_connection records are kept (OTP drops each after an hour).
    static let lostConnectionLimit = 1024
    /// At most this many connect sessions (a forged `init_connect` per made-up node name must not
    /// grow the state without bound).
    static let sessionLimit = 4096
    /// At most this many remote `{sync, Nodes}` callers wait at once.
    static let remoteSyncLimit = 4096

    init(node: Atom, creation: Term, firstTag: Int) {
        self.node = node
        self.creation = creation
        self.nextTag = firstTag
    }

    /// Handles one input.
    mutating func step(_ input: GlobalInput) -> [GlobalAction] {
        switch input {
        case .message(let message): return handle(message)
        case .nodeUp(let peer): return handleNodeUp(peer)
        case .nodeDown(let peer): return handleNodeDown(peer, extra: false)
        case .extraNodeDown(let peer): return handleNodeDown(peer, extra: true)
        case .lockIsSet(let peer, let myTag, let lockID): return handleLockIsSet(peer, myTag: myTag, lockID: lockID)
        case .exchangeOperations(let peer, let myTag, let operations, let resolved):
            return handleExchangeOperations(peer, myTag: myTag, operations: operations, resolved: resolved)
        case .sync(let id, let nodes): return startSync(id: id, nodes: nodes, reply: nil)
        }
    }

    private mutating func handle(_ message: GlobalMessage) -> [GlobalAction] {
        switch message {
        case .initConnect(let version, let hisTag, let peer, let hisLocker):
            return handleInitConnect(version: version, hisTag: hisTag, peer: peer, hisLocker: hisLocker)
        case .initConnectAck(let peer, let hisMyTag, let hisHisTag):
            return handleInitConnectAck(peer, hisMyTag: hisMyTag, hisHisTag: hisHisTag)
        case .cancelConnect(let peer, let myTag): return handleCancelConnect(peer, myTag: myTag)
        case .lockSet(let locker, let isSet, let myTag): return handleLockSet(locker: locker, isSet: isSet, myTag: myTag)
        case .exchange(let peer, let names, let myTag): return handleExchange(peer, names: names, myTag: myTag)
        case .resolved(let peer, let operations, let hisKnown, let myTag):
            return handleResolved(peer, hisResolved: operations, hisKnown: hisKnown, myTag: myTag)
        case .newNodes(let peer, let operations, let nodes, let extraInfo):
            return handleNewNodes(peer, operations: operations, nodes: nodes, extraInfo: extraInfo)
        case .inSync(let peer): return handleInSync(peer)
        case .lostConnection(let nodeA, let creation, let operation, let nodeB):
            return handleLostConnection(nodeA: nodeA, creation: creation, operation: operation, nodeB: nodeB)
        case .removeConnection(let peer): return handleRemoveConnection(peer)
        case .call(let from, let tag, let request): return handleCall(request, from: from, tag: tag)
        case .down(let pid): return handleDown(pid)
        case .unknown(let term):
            return [.log(.warning, "The global_name_server received an unexpected message: \(term)")]
        }
    }

    /// `Node`'s protocol version as far as this node knows (`node_vsn/2`).
    func version(of peer: Atom) -> Int {
        if peer == node { return globalProtocolVersion }
        return known[peer] ?? pending[peer] ?? 0
    }

    /// `is_node_potentially_known/2`.
    func isPotentiallyKnown(_ peer: Atom) -> Bool {
        known[peer] != nil || pending[peer] != nil
    }

    /// Whether `tag` is this node's tag of the session with `peer`.
    func isMyTag(_ tag: Term, for peer: Atom) -> Bool {
        guard let mine = sessions[peer]?.myTag else { return false }
        return Term.integer(mine) == tag
    }

    /// `get_known/0`: the known node names, sorted.
    var knownNodes: [Atom] { known.keys.sorted() }
}
