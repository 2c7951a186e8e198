import ErlangTerm

/// A message to `global_name_server`, decoded from the exact shapes OTP 25's `global.erl` matches
/// (`handle_call/3`, `handle_cast/2`, `handle_info/2`). Anything else is ``unknown``: logged and
/// ignored, never a crash.
enum GlobalMessage: Sendable, Equatable {
    /// `{'$gen_cast', {init_connect, {Vsn, HisTag}, Node, {locker, _, _, HisTheLocker}}}`.
    case initConnect(version: Int, hisTag: Term, node: Atom, hisLocker: PID)
    /// `{init_connect_ack, Node, HisMyTag, HisHisTag}` (plain).
    case initConnectAck(node: Atom, hisMyTag: Term, hisHisTag: Term)
    /// `{cancel_connect, Node, MyTag}` (plain).
    case cancelConnect(node: Atom, myTag: Term)
    /// `{'$gen_cast', {lock_set, Pid, Set, HisKnown, MyTag}}`, or the 4-tuple without the tag.
    case lockSet(locker: PID, isSet: Bool, myTag: Term?)
    /// `{'$gen_cast', {exchange, Node, NameList, NameExtList, MyTag}}`.
    case exchange(node: Atom, names: [GlobalName], myTag: Term)
    /// `{'$gen_cast', {resolved, Node, HisResolved, HisKnown, Unused, NamesExt, MyTag}}`.
    case resolved(node: Atom, operations: [GlobalOperation], hisKnown: [Term], myTag: Term)
    /// `{'$gen_cast', {new_nodes, Node, Ops, NamesExt, Nodes, ExtraInfo}}`.
    case newNodes(node: Atom, operations: [GlobalOperation], nodes: [Term], extraInfo: Term)
    /// `{'$gen_cast', {in_sync, Node, IsKnown}}`.
    case inSync(node: Atom)
    /// `{lost_connection, NodeA, XCreationA, OpIdA, NodeB}` (plain).
    case lostConnection(nodeA: Atom, creation: Term, operation: Term, nodeB: Atom)
    /// `{remove_connection, Node}` (plain).
    case removeConnection(node: Atom)
    /// `{'$gen_call', {From, Tag}, Request}`.
    case call(from: PID, tag: Term, request: GlobalRequest)
    /// `{'DOWN', Ref, process, Pid, Reason}` of a monitor on a name's or a lock's process.
    case down(pid: PID)
    /// Any other message.
    case unknown(Term)

    /// Decodes one mailbox message.
    init(_ message: Term) {
        guard case .tuple(let elements) = message, let first = elements.first?.atomValue else {
            self = .unknown(message)
            return
        }
        let decoded: GlobalMessage?
        switch first.name {
        case "$gen_cast" where elements.count == 2: decoded = Self.cast(elements[1])
        case "$gen_call" where elements.count == 3: decoded = Self.call(elements[1], elements[2])
        case "DOWN" where elements.count == 5: decoded = elements[3].pidValue.map { .down(pid: $0) }
        default: decoded = Self.info(first.name, elements)
        }
        self = decoded ?? .unknown(message)
    }

    private static func info(_ kind: String, _ elements: [Term]) -> GlobalMessage? {
        switch (kind, elements.count) {
        case ("init_connect_ack", 4):
            guard let node = elements[1].atomValue else { return nil }
            return .initConnectAck(node: node, hisMyTag: elements[2], hisHisTag: elements[3])
        case ("cancel_connect", 3):
            guard let node = elements[1].atomValue else { return nil }
            return .cancelConnect(node: node, myTag: elements[2])
        case ("lost_connection", 5):
            guard let nodeA = elements[1].atomValue, let nodeB = elements[4].atomValue else { return nil }
            return .lostConnection(nodeA: nodeA, creation: elements[2], operation: elements[3], nodeB: nodeB)
        case ("remove_connection", 2):
            return elements[1].atomValue.map { .removeConnection(node: $0) }
        default:
            return nil
        }
    }

    private static func cast(_ request: Term) -> GlobalMessage? {
        guard case .tuple(let elements) = request, let kind = elements.first?.atomValue else { return nil }
        switch (kind.name, elements.count) {
        case ("init_connect", 4): return initConnect(elements)
        case ("lock_set", 5), ("lock_set", 4):
            guard case .pid(let locker) = elements[1], let isSet = elements[2].atomValue,
                  isSet == .true || isSet == .false else { return nil }
            return .lockSet(locker: locker, isSet: isSet == .true, myTag: elements.count == 5 ? elements[4] : nil)
        case ("exchange", 5):
            guard let node = elements[1].atomValue, let list = elements[2].properList else { return nil }
            let names = list.compactMap { GlobalName(entry: $0) }
            guard names.count == list.count else { return nil }
            return .exchange(node: node, names: names, myTag: elements[4])
        case ("resolved", 7):
            guard let node = elements[1].atomValue, let operations = operations(elements[2]),
                  let known = elements[3].properList else { return nil }
            return .resolved(node: node, operations: operations, hisKnown: known, myTag: elements[6])
        case ("new_nodes", 6):
            guard let node = elements[1].atomValue, let operations = operations(elements[2]),
                  let nodes = elements[4].properList else { return nil }
            return .newNodes(node: node, operations: operations, nodes: nodes, extraInfo: elements[5])
        case ("in_sync", 3):
            return elements[1].atomValue.map { .inSync(node: $0) }
        default:
            return nil
        }
    }

    /// `init_connect`: the version is `{Vsn, Tag}` (or a longer tuple from a newer node); the init
    /// message must be `{locker, _, _, Pid}` (`global.erl`, `init_connect/6`).
    private static func initConnect(_ elements: [Term]) -> GlobalMessage? {
        guard case .tuple(let version) = elements[1], version.count >= 2, let his = version[0].intValue,
              let node = elements[2].atomValue,
              case .tuple(let locker) = elements[3], locker.count == 4, locker[0] == .atom("locker"),
              case .pid(let hisLocker) = locker[3] else { return nil }
        return .initConnect(version: his, hisTag: version[1], node: node, hisLocker: hisLocker)
    }

    private static func operations(_ term: Term) -> [GlobalOperation]? {
        guard let list = term.properList else { return nil }
        let operations = list.compactMap { GlobalOperation($0) }
        return operations.count == list.count ? operations : nil
    }

    private static func call(_ fromTag: Term, _ request: Term) -> GlobalMessage? {
        guard case .tuple(let pair) = fromTag, pair.count == 2, case .pid(let from) = pair[0] else { return nil }
        return .call(from: from, tag: pair[1], request: GlobalRequest(request))
    }
}

/// A `gen_server:call` / `multi_call` request to `global_name_server` (`global.erl`, `handle_call/3`).
enum GlobalRequest: Sendable, Equatable {
    /// `{set_lock, {ResourceId, LockRequesterId}}`: answered true or false.
    case setLock(GlobalLockID)
    /// `{del_lock, Id}`: answered true.
    case deleteLock(GlobalLockID)
    /// `{register, Name, Pid, Method}`: answered yes.
    case register(GlobalName)
    /// `{register_ext, Name, Pid, Method, RegNode}`: answered yes.
    case registerExternal(GlobalName)
    /// `{unregister, Name}`: answered ok.
    case unregister(Term)
    /// `get_known`: the known nodes.
    case getKnown
    /// `get_synced`: the synced nodes.
    case getSynced
    /// `get_protocol_version`: 8.
    case getProtocolVersion
    /// `get_names_ext`: always `[]` here.
    case getNamesExternal
    /// `{sync, Nodes}`: answered ok once in sync with each node or it is down.
    case sync([Atom])
    /// Anything else: logged, never answered, as `global.erl` does.
    case other(Term)

    init(_ request: Term) {
        self = Self.decode(request) ?? .other(request)
    }

    private static func decode(_ request: Term) -> GlobalRequest? {
        if case .atom(let atom) = request {
            switch atom.name {
            case "get_known": return .getKnown
            case "get_synced": return .getSynced
            case "get_protocol_version": return .getProtocolVersion
            case "get_names_ext": return .getNamesExternal
            default: return nil
            }
        }
        guard case .tuple(let elements) = request, let kind = elements.first?.atomValue else { return nil }
        switch (kind.name, elements.count) {
        case ("set_lock", 2): return GlobalLockID(elements[1]).map { .setLock($0) }
        case ("del_lock", 2): return GlobalLockID(elements[1]).map { .deleteLock($0) }
        case ("register", 4):
            return elements[2].pidValue.map { .register(GlobalName(name: elements[1], pid: $0, method: elements[3])) }
        case ("register_ext", 5):
            return elements[2].pidValue.map { .registerExternal(GlobalName(name: elements[1], pid: $0, method: elements[3])) }
        case ("unregister", 2): return .unregister(elements[1])
        case ("sync", 2):
            guard let nodes = elements[1].properList else { return nil }
            let atoms = nodes.compactMap(\.atomValue)
            return atoms.count == nodes.count ? .sync(atoms) : nil
        default: return nil
        }
    }
}
