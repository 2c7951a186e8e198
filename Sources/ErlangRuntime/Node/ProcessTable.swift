import ErlangTerm

/// The node's processes and registered names: pure state, kept under the node's lock.
///
/// Pids are numbered as ERTS numbers them (`erl_ptab.c`): a 28-bit process number, handed out in
/// increasing order and skipping numbers in use, split into a 15-bit id and a 13-bit serial
/// (`erl_term.h`, `_PID_NUM_SIZE`), so a pid is never reused while its process lives.
struct ProcessTable {
    static let numberBits: UInt32 = 28
    static let idBits: UInt32 = 15

    let node: Atom
    let creation: UInt32
    private var nextNumber: UInt32 = 1
    /// The live processes' mailboxes by process number. Keyed by the number rather than the pid:
    /// hashing and comparing whole pids (the node name's bytes among them) for every message
    /// delivered was a tenth of the receiving peer's time in the throughput benchmark.
    private var mailboxes: [UInt32: Mailbox] = [:]
    private var names: [Atom: PID] = [:]
    private var nameOf: [PID: Atom] = [:]
    private var aliases: [Reference: PID] = [:]
    private var aliasesOf: [PID: Set<Reference>] = [:]
    private var groupLeaders: [PID: PID] = [:]

    init(node: Atom, creation: UInt32) {
        self.node = node
        self.creation = creation
    }

    /// The pid for process number `number`.
    func pid(number: UInt32) -> PID {
        PID(node: node, id: number & (1 << Self.idBits - 1), serial: number >> Self.idBits, creation: creation)
    }

    /// The process number of `pid` when it is a pid of this node and creation; nil otherwise.
    /// The creation is compared first: it tells most other nodes' pids apart without the name.
    func number(of pid: PID) -> UInt32? {
        guard pid.creation == creation, pid.id < 1 << Self.idBits, pid.serial < 1 << (Self.numberBits - Self.idBits),
            pid.node == node
        else { return nil }
        return pid.id | pid.serial << Self.idBits
    }

    /// A new process with its mailbox.
    mutating func spawn() -> (PID, Mailbox) {
        while mailboxes[nextNumber] != nil { advance() }
        let number = nextNumber
        advance()
        let mailbox = Mailbox()
        mailboxes[number] = mailbox
        return (pid(number: number), mailbox)
    }

    private mutating func advance() {
        nextNumber = (nextNumber + 1) & (1 << Self.numberBits - 1)
    }

    /// Whether `pid` is one of this node's live processes (same node name and creation).
    func isAlive(_ pid: PID) -> Bool { mailbox(of: pid) != nil }

    /// The mailbox of a live local process; nil for pids of other nodes, of older creations, or dead.
    func mailbox(of pid: PID) -> Mailbox? { number(of: pid).flatMap { mailboxes[$0] } }

    /// The process registered as `name`.
    func whereis(_ name: Atom) -> PID? { names[name] }

    /// The name `pid` is registered under, if any.
    func name(of pid: PID) -> Atom? { nameOf[pid] }

    /// The live processes' pids, in process number order (`processes/0`).
    var pids: [PID] { mailboxes.keys.sorted().map(pid(number:)) }

    /// Every registered name (`registered/0`).
    var registeredNames: [Atom] { Array(names.keys) }

    /// `register/2`: false when the name is taken, the process has a name, or it is not alive.
    mutating func register(_ name: Atom, _ pid: PID) -> Bool {
        guard names[name] == nil, nameOf[pid] == nil, isAlive(pid), name != "undefined" else { return false }
        names[name] = pid
        nameOf[pid] = name
        return true
    }

    /// `unregister/1`: false when the name was not registered.
    mutating func unregister(_ name: Atom) -> Bool {
        guard let pid = names.removeValue(forKey: name) else { return false }
        nameOf[pid] = nil
        return true
    }

    /// `alias/0`: messages sent to `alias` go to `pid`'s mailbox until ``unalias(_:)``.
    mutating func addAlias(_ alias: Reference, for pid: PID) {
        guard isAlive(pid) else { return }
        aliases[alias] = pid
        aliasesOf[pid, default: []].insert(alias)
    }

    /// `unalias/1`: false when the alias was not active.
    mutating func removeAlias(_ alias: Reference) -> Bool {
        guard let pid = aliases.removeValue(forKey: alias) else { return false }
        aliasesOf[pid]?.remove(alias)
        return true
    }

    /// The mailbox an active alias leads to.
    func mailbox(ofAlias alias: Reference) -> Mailbox? { aliases[alias].flatMap { mailbox(of: $0) } }

    /// The group leader of a live process; nil when none was set.
    func groupLeader(of pid: PID) -> PID? { groupLeaders[pid] }

    /// `group_leader/2`: false when `pid` is not a live process of this node.
    mutating func setGroupLeader(_ leader: PID, of pid: PID) -> Bool {
        guard isAlive(pid) else { return false }
        groupLeaders[pid] = leader
        return true
    }

    /// The process exits: its name, aliases, group leader and mailbox go. Returns the mailbox to close.
    mutating func remove(_ pid: PID) -> Mailbox? {
        groupLeaders[pid] = nil
        if let name = nameOf.removeValue(forKey: pid) { names[name] = nil }
        for alias in aliasesOf.removeValue(forKey: pid) ?? [] { aliases[alias] = nil }
        return number(of: pid).flatMap { mailboxes.removeValue(forKey: $0) }
    }

    /// Every process goes (node shutdown).
    mutating func removeAll() -> [Mailbox] {
        defer {
            mailboxes = [:]
            names = [:]
            nameOf = [:]
            aliases = [:]
            aliasesOf = [:]
            groupLeaders = [:]
        }
        return Array(mailboxes.values)
    }
}
